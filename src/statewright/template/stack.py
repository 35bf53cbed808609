"""Stack: a template read and resolved into the resources and outputs the local runtime creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statewright.template.parameters import ParameterValues

LOCALLY_RUN_TYPES = frozenset({
    "AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::Lambda::Permission", "AWS::IAM::Role",
    "AWS::StepFunctions::StateMachine", "AWS::Logs::LogGroup",
})
"""The types issue 11 runs locally; callers pass their own set as more services arrive."""


@dataclass(frozen=True)
class StackResource:
    """One resource as CloudFormation would create it: properties resolved, names generated.

    For `AWS::StepFunctions::StateMachine`, `properties["DefinitionString"]` is the final definition
    (from Definition, DefinitionString or the local DefinitionS3Location file, substitutions applied).
    Local code and definition paths (`Code`, `Content`, `DefinitionS3Location`, `BodyS3Location`) are
    absolute path strings.
    """

    logical_id: str
    type: str
    properties: dict[str, Any]
    physical_id: Any
    attributes: dict[str, Any]
    depends_on: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    emulated: bool = True


@dataclass(frozen=True)
class StackOutput:
    """An output with its value resolved locally (AWS URLs rewritten to the local endpoint)."""

    key: str
    value: Any
    description: str | None = None
    export_name: str | None = None


@dataclass(frozen=True)
class Stack:
    """The result of reading a template: what to create, in creation order, and what it outputs."""

    name: str
    region: str
    account: str
    partition: str
    template_path: Path
    parameters: ParameterValues
    conditions: dict[str, bool]
    resources: tuple[StackResource, ...]
    outputs: tuple[StackOutput, ...]
    warnings: tuple[str, ...] = ()
    template: dict[str, Any] = field(default_factory=dict, repr=False)
    """The plain CloudFormation template (after the SAM transform, local paths restored), unresolved."""

    def resource(self, logical_id: str) -> StackResource:
        for resource in self.resources:
            if resource.logical_id == logical_id:
                return resource
        raise KeyError(logical_id)

    def of_type(self, resource_type: str) -> list[StackResource]:
        return [resource for resource in self.resources if resource.type == resource_type]

    def not_emulated(self) -> list[StackResource]:
        return [resource for resource in self.resources if not resource.emulated]

    def output_values(self) -> dict[str, Any]:
        return {output.key: output.value for output in self.outputs}
