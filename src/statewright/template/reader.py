"""load_stack: template file -> Stack (parse, check, SAM transform, resolve in creation order)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from statewright.template.artifacts import LocalArtifacts
from statewright.template.definitions import final_definition
from statewright.template.errors import TemplateError
from statewright.template.graph import creation_order, dependencies
from statewright.template.intrinsics import NO_VALUE, Resolver
from statewright.template.lint import cached_lint
from statewright.template.loader import parse_template
from statewright.template.naming import Naming
from statewright.template.parameters import pseudo_parameters, resolve_parameters
from statewright.template.resources import Identity, ResourceProviders, default_providers
from statewright.template.stack import LOCALLY_RUN_TYPES, Stack, StackOutput, StackResource
from statewright.template.transform import check_transforms, expand_sam
from statewright.template.urls import local_url

DEFAULT_ENDPOINT = "http://127.0.0.1:4590"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"


def load_stack(path: Path | str, *, parameter_overrides: Mapping[str, str] | None = None,
               region: str = "us-east-1", account: str = "123456789012", stack_name: str | None = None,
               endpoint: str = DEFAULT_ENDPOINT, emulated_types: Collection[str] = LOCALLY_RUN_TYPES,
               providers: ResourceProviders | None = None, run_lint: bool = True,
               ignore_lint_rules: Collection[str] = (), lint_cache_dir: Path | None = None) -> Stack:
    """Read the SAM/CloudFormation template at `path` into the Stack the local runtime creates.

    Raises TemplateError (naming the resource and field) for anything CloudFormation would reject:
    a bad reference, a cycle, a missing local file, an invalid state machine definition, an
    error-level cfn-lint finding. Types outside `emulated_types` become warnings on the Stack.
    `lint_cache_dir` (e.g. the server's data directory) remembers cfn-lint's findings by content.
    """
    template_path = Path(path).resolve()
    try:
        text = template_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TemplateError(f"cannot read template {template_path}: {exc.strerror or exc}") from None
    original = parse_template(text, str(template_path))
    name = stack_name or default_stack_name(template_path)
    parameters = resolve_parameters(original.get("Parameters"), dict(parameter_overrides or {}))
    uses_sam = check_transforms(original)
    artifacts = LocalArtifacts(template_path.parent)
    carried = artifacts.carry(original)
    warnings: list[str] = []
    if run_lint:
        warnings.extend(_lint_or_stop(text, original, region=region, cache_dir=lint_cache_dir,
                                      ignore_rules=ignore_lint_rules, skip=artifacts.carried))
    expanded = (expand_sam(carried, parameter_values=parameters.values, region=region, account=account)
                if uses_sam else carried)
    if run_lint and uses_sam:
        # cfn-lint checks SAM resources against SAM's schema without expanding them; what AWS deploys
        # is the expansion, so that is linted too (placeholders still in: they are valid S3 locations).
        # Its warnings are about generated resources the user cannot edit, so only errors count.
        _lint_or_stop(json.dumps(expanded, indent=1), original, region=region, cache_dir=lint_cache_dir,
                      ignore_rules=ignore_lint_rules, expanded=True)
    expanded = artifacts.restore(expanded)
    naming = Naming(stack_name=name, region=region, account=account)
    builder = _Builder(naming, expanded, pseudo_parameters(region=region, account=account, stack_name=name),
                       parameters.values, providers or default_providers(), frozenset(emulated_types),
                       warnings)
    try:
        resources, conditions = builder.resources()
        outputs = builder.outputs(endpoint)
    except TemplateError as exc:
        raise _as_written(exc, original) from None
    return Stack(name=name, region=region, account=account, partition=naming.partition,
                 template_path=template_path, parameters=parameters, conditions=conditions,
                 resources=resources, outputs=outputs, warnings=tuple(dict.fromkeys(warnings)),
                 template=expanded)


def _lint_or_stop(text: str, original: dict[str, Any], *, region: str, cache_dir: Path | None,
                  ignore_rules: Collection[str], skip: Collection[tuple[str, str]] = (),
                  expanded: bool = False) -> list[str]:
    """cfn-lint's warnings for `text`; its first error-level finding as a TemplateError."""
    findings = cached_lint(text, region=region, cache_dir=cache_dir, skip=skip, ignore_rules=ignore_rules)
    errors = [finding for finding in findings if finding.is_error]
    if errors:
        first = errors[0]
        # Line numbers of the expanded template point into text nobody sees.
        shown = [str(replace(error, line=None) if expanded else error) for error in errors[1:4]]
        more = f" (and {len(errors) - 1} more: {'; '.join(shown)})" if len(errors) > 1 else ""
        after = " in the template after the SAM transform" if expanded else ""
        raise _as_written(TemplateError(f"cfn-lint {first.rule}{after}: {first.message}{more}", first.resource,
                                        first.field), original)
    return [f"cfn-lint {finding}" for finding in findings]


def default_stack_name(template_path: Path) -> str:
    """The stack name when none is given: the template's folder name, as a valid stack name."""
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", template_path.parent.name).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"stack-{cleaned}".rstrip("-")
    return cleaned[:128]


@dataclass
class _Builder:
    """Resolves one expanded template's resources in creation order, then its outputs."""

    naming: Naming
    template: dict[str, Any]
    pseudo: dict[str, Any]
    parameter_values: dict[str, Any]
    providers: ResourceProviders
    emulated: frozenset[str]
    warnings: list[str]
    declared: dict[str, Any] = field(default_factory=dict)
    identities: dict[str, Identity] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        declared = self.template.get("Resources")
        if not isinstance(declared, dict):
            raise TemplateError("Resources must be a mapping", "Resources")
        self.declared = declared
        self.resolver = Resolver(parameters={**self.pseudo, **self.parameter_values},
                                 mappings=self.template.get("Mappings") or {},
                                 condition_definitions=self.template.get("Conditions") or {},
                                 resources=self)

    # ResourceLookup, for the resolver
    def has(self, logical_id: str) -> bool:
        return logical_id in self.declared

    def ref(self, logical_id: str) -> Any:
        return self._identity(logical_id).physical_id

    def get_att(self, logical_id: str, attribute: str) -> Any:
        identity = self._identity(logical_id)
        if attribute in identity.attributes:
            return identity.attributes[attribute]
        resource_type = self.declared[logical_id].get("Type")
        if resource_type in self.providers:
            raise TemplateError(f"Fn::GetAtt {logical_id}.{attribute}: {resource_type} has no attribute "
                                f"{attribute!r} (it has {sorted(identity.attributes) or 'none'})")
        self.warnings.append(f"{logical_id}.{attribute}: attributes of {resource_type} are not known "
                             "locally; a placeholder value is used")
        return f"statewright-unresolved:{logical_id}.{attribute}"

    def _identity(self, logical_id: str) -> Identity:
        if logical_id in self.skipped:
            raise TemplateError(f"{logical_id} is not created: its Condition {self.skipped[logical_id]} is false")
        if logical_id not in self.identities:
            raise TemplateError(f"{logical_id} is referred to before it is created")
        return self.identities[logical_id]

    # building
    def resources(self) -> tuple[tuple[StackResource, ...], dict[str, bool]]:
        conditions = {name: self.resolver.condition(name) for name in self.resolver.condition_definitions}
        included: dict[str, Any] = {}
        for logical_id, resource in self.declared.items():
            if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
                raise TemplateError("a resource needs a Type", logical_id, "Type")
            condition = resource.get("Condition")
            if condition is not None and not self._condition(str(condition), logical_id, "Condition"):
                self.skipped[logical_id] = str(condition)
            else:
                included[logical_id] = resource
        for logical_id, resource in included.items():
            for target in _depends_on(resource):
                if target in self.skipped:
                    raise TemplateError(f"DependsOn names {target}, which is not created (its Condition "
                                        f"{self.skipped[target]} is false)", logical_id, "DependsOn")
        graph = dependencies(included)
        built = [self._build(logical_id, included[logical_id], graph[logical_id])
                 for logical_id in creation_order(included)]
        return tuple(built), conditions

    def _condition(self, name: str, owner: str, field: str) -> bool:
        try:
            return self.resolver.condition(name)
        except TemplateError as exc:
            raise exc.at(owner, field) from None

    def _build(self, logical_id: str, resource: dict[str, Any], needs: list[str]) -> StackResource:
        resource_type = resource["Type"]
        properties = self.resolver.resolve(resource.get("Properties") or {}, logical_id, "Properties")
        if properties is NO_VALUE or not isinstance(properties, dict):
            properties = {}
        identity = self.providers.identify(self.naming, logical_id, resource_type, properties)
        self.identities[logical_id] = identity
        emulated = resource_type in self.emulated
        if not emulated:
            self.warnings.append(f"{logical_id} ({resource_type}) is not emulated locally; it is not created")
        if emulated and resource_type == STATE_MACHINE:
            properties["DefinitionString"] = final_definition(logical_id, properties)
            properties.pop("Definition", None)
            properties.pop("DefinitionSubstitutions", None)
        if emulated:
            self._check_code(logical_id, resource_type, properties)
        return StackResource(logical_id=logical_id, type=resource_type, properties=properties,
                             physical_id=identity.physical_id, attributes=dict(identity.attributes),
                             depends_on=tuple(needs), metadata=dict(resource.get("Metadata") or {}),
                             emulated=emulated)

    def _check_code(self, logical_id: str, resource_type: str, properties: dict[str, Any]) -> None:
        key = {"AWS::Lambda::Function": "Code", "AWS::Lambda::LayerVersion": "Content"}.get(resource_type)
        if key is None:
            return
        code = properties.get(key)
        if properties.get("PackageType") == "Image":
            self.warnings.append(f"{logical_id}: container image functions are not run locally")
        elif not isinstance(code, str) and not (isinstance(code, dict) and "ZipFile" in code):
            self.warnings.append(f"{logical_id}.{key}: code in S3 cannot be run locally; give a local path "
                                 "(CodeUri: src/)")

    def outputs(self, endpoint: str) -> tuple[StackOutput, ...]:
        declared = self.template.get("Outputs") or {}
        if not isinstance(declared, dict):
            raise TemplateError("Outputs must be a mapping", "Outputs")
        stages = self._api_stages()
        results = []
        for key, output in declared.items():
            if not isinstance(output, dict) or "Value" not in output:
                raise TemplateError("an output needs a Value", "Outputs", f"{key}.Value")
            condition = output.get("Condition")
            if condition is not None and not self._condition(str(condition), "Outputs", f"{key}.Condition"):
                continue
            value = self.resolver.resolve(output["Value"], "Outputs", f"{key}.Value")
            export = (output.get("Export") or {}).get("Name")
            results.append(StackOutput(
                key=key, value=_rewrite(value, endpoint, stages),
                description=self.resolver.resolve(output.get("Description"), "Outputs", f"{key}.Description"),
                export_name=self.resolver.resolve(export, "Outputs", f"{key}.Export.Name")))
        return tuple(results)

    def _api_stages(self) -> dict[str, set[str]]:
        stages: dict[str, set[str]] = {}
        for logical_id, resource in self.declared.items():
            if resource.get("Type") in ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage") \
                    and logical_id in self.identities:
                api = self.resolver.resolve((resource.get("Properties") or {}).get("RestApiId")
                                            or (resource.get("Properties") or {}).get("ApiId"), logical_id)
                stages.setdefault(str(api), set()).add(str(self.identities[logical_id].physical_id))
        return stages


# Fields of SAM resources as the transform renames them, back to what the user wrote.
_SAM_FIELDS = {
    "AWS::Serverless::StateMachine": {"DefinitionString": "Definition", "DefinitionS3Location": "DefinitionUri",
                                      "StateMachineName": "Name", "StateMachineType": "Type",
                                      "LoggingConfiguration": "Logging", "TracingConfiguration": "Tracing"},
    "AWS::Serverless::Function": {"Code": "CodeUri"},
    "AWS::Serverless::LayerVersion": {"Content": "ContentUri"},
}


def _as_written(error: TemplateError, original: dict[str, Any]) -> TemplateError:
    """`error` with a SAM resource's field named as in the template the user wrote."""
    resource = (original.get("Resources") or {}).get(error.resource or "")
    renames = _SAM_FIELDS.get(resource.get("Type", "") if isinstance(resource, dict) else "", {})
    parts = (error.field or "").split(".")
    if len(parts) >= 2 and parts[0] == "Properties" and parts[1] in renames:
        field = ".".join(["Properties", renames[parts[1]], *parts[2:]])
        return TemplateError(error.message, error.resource, field)
    return error


def _depends_on(resource: dict[str, Any]) -> list[str]:
    value = resource.get("DependsOn", [])
    return [value] if isinstance(value, str) else [item for item in value if isinstance(item, str)]


def _rewrite(value: Any, endpoint: str, stages: Mapping[str, set[str]]) -> Any:
    if isinstance(value, str):
        return local_url(value, endpoint, stages)
    if isinstance(value, list):
        return [_rewrite(item, endpoint, stages) for item in value]
    return value
