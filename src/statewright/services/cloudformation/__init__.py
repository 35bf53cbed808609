"""AWS CloudFormation (awsQuery), read-only: the stacks `statewright serve --template` loaded,
their resources with local physical ids and statuses, outputs and templates. See docs/sam.md."""

from __future__ import annotations

from statewright.services.common.platform import Platform

from .records import ResourceState, StackState, save_stack, stack_resources
from .service import CloudFormationService


def create(platform: Platform) -> CloudFormationService:
    """The service as the runtime builds it: it reads the stacks the runtime records in the store."""
    return CloudFormationService(platform.store)


__all__ = ["CloudFormationService", "ResourceState", "StackState", "create", "save_stack", "stack_resources"]
