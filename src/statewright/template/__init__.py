"""Read SAM/CloudFormation templates into the local resources Statewright runs (see docs/templates.md)."""

from statewright.template.errors import TemplateError
from statewright.template.reader import DEFAULT_ENDPOINT, default_stack_name, load_stack
from statewright.template.resources import Identity, ResourceProviders, default_providers
from statewright.template.stack import LOCALLY_RUN_TYPES, Stack, StackOutput, StackResource

__all__ = ["DEFAULT_ENDPOINT", "LOCALLY_RUN_TYPES", "Identity", "ResourceProviders", "Stack", "StackOutput",
           "StackResource", "TemplateError", "default_providers", "default_stack_name", "load_stack"]
