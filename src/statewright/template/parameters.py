"""Template parameters: defaults, `--parameter-overrides`, and CloudFormation's type and constraint checks."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from statewright.template.errors import TemplateError

PSEUDO_PARAMETERS = ("AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition",
                     "AWS::URLSuffix", "AWS::NotificationARNs", "AWS::NoValue")

_LIST_TYPES = ("CommaDelimitedList", "List<Number>")
_SCALAR_TYPES = ("String", "Number")


@dataclass(frozen=True)
class ParameterValues:
    """The value of each template parameter (a string, or a list of strings for list types)."""

    values: dict[str, Any]
    no_echo: frozenset[str]

    def masked(self) -> dict[str, Any]:
        """The values to show a person: NoEcho parameters as CloudFormation shows them (`****`)."""
        return {name: ("****" if name in self.no_echo else value) for name, value in self.values.items()}


def parse_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`Key=Value` strings (as `sam deploy --parameter-overrides` takes them) as a dict."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        for item in _split_pairs(pair):
            if item.startswith("ParameterKey="):
                # The CloudFormation CLI form SAM also takes: ParameterKey=K,ParameterValue=V
                key, sep, value = item.removeprefix("ParameterKey=").partition(",ParameterValue=")
                if not sep or not key:
                    raise TemplateError(f"parameter override {item!r} is not ParameterKey=K,ParameterValue=V")
                overrides[key] = value
                continue
            key, eq, value = item.partition("=")
            if not eq or not key:
                raise TemplateError(f"parameter override {item!r} is not Key=Value")
            overrides[key] = value
    return overrides


def _split_pairs(text: str) -> list[str]:
    # `A=1 B=2` in one argument as well as one pair per argument; values holding spaces need quoting
    # in the shell, which arrives here as one argument without `=` after the space.
    parts: list[str] = []
    for token in text.split(" "):
        if parts and "=" not in token:
            parts[-1] += " " + token
        elif token:
            parts.append(token)
    return parts


def resolve_parameters(declared: Any, overrides: dict[str, str]) -> ParameterValues:
    """Each parameter's value from the overrides or its default, checked against its declaration."""
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        raise TemplateError("Parameters must be a mapping of parameter names to declarations")
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise TemplateError(f"Parameters: {unknown} do not exist in the template")
    values: dict[str, Any] = {}
    no_echo: set[str] = set()
    for name, spec in declared.items():
        if not isinstance(spec, dict) or "Type" not in spec:
            raise TemplateError("a parameter declaration needs a Type", name, "Type")
        if name in overrides:
            raw: Any = overrides[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            raise TemplateError("Parameter must have a value: give a Default or --parameter-overrides "
                                f"{name}=VALUE", name)
        values[name] = _typed_value(name, spec, raw)
        if str(spec.get("NoEcho", "false")).lower() == "true":
            no_echo.add(name)
    return ParameterValues(values, frozenset(no_echo))


def _typed_value(name: str, spec: dict[str, Any], raw: Any) -> Any:
    kind = str(spec["Type"])
    if kind.startswith("AWS::SSM::Parameter::"):
        raise TemplateError(f"parameter type {kind} reads Systems Manager, which is not emulated; "
                            "use a String parameter", name, "Type")
    if isinstance(raw, list):
        raw = ",".join(str(item) for item in raw)
    text = _scalar_text(raw)
    if kind in _LIST_TYPES or (kind.startswith("List<") and kind.endswith(">")):
        items = text.split(",") if text != "" else []
        for item in items:
            _check_constraints(name, spec, item, number=kind == "List<Number>")
        return items
    if kind not in _SCALAR_TYPES and not kind.startswith("AWS::"):
        raise TemplateError(f"unknown parameter type {kind!r}", name, "Type")
    _check_constraints(name, spec, text, number=kind == "Number")
    # Ref to a Number parameter gives a string, as CloudFormation documents.
    return text


def _scalar_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _check_constraints(name: str, spec: dict[str, Any], value: str, *, number: bool) -> None:
    def fail(message: str, field: str) -> TemplateError:
        described = spec.get("ConstraintDescription")
        return TemplateError(f"{message}{f' ({described})' if described else ''}", name, field)

    if number:
        try:
            numeric = float(value)
        except ValueError:
            raise fail(f"{value!r} is not a number", "Type") from None
        if "MinValue" in spec and numeric < float(spec["MinValue"]):
            raise fail(f"{value} is less than MinValue {spec['MinValue']}", "MinValue")
        if "MaxValue" in spec and numeric > float(spec["MaxValue"]):
            raise fail(f"{value} is greater than MaxValue {spec['MaxValue']}", "MaxValue")
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in [_scalar_text(item) for item in allowed]:
        raise fail(f"{value!r} is not one of the AllowedValues {allowed}", "AllowedValues")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), value) is None:
        raise fail(f"{value!r} does not match AllowedPattern {pattern!r}", "AllowedPattern")
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        raise fail(f"{value!r} is shorter than MinLength {spec['MinLength']}", "MinLength")
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        raise fail(f"{value!r} is longer than MaxLength {spec['MaxLength']}", "MaxLength")


def pseudo_parameters(*, region: str, account: str, stack_name: str) -> dict[str, Any]:
    """The values of CloudFormation's pseudo parameters for a local stack (NoValue is the resolver's)."""
    partition = partition_of(region)
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    stack_id = stack_id_of(region=region, account=account, stack_name=stack_name)
    return {"AWS::Region": region, "AWS::AccountId": account, "AWS::StackName": stack_name,
            "AWS::StackId": stack_id, "AWS::Partition": partition, "AWS::URLSuffix": suffix,
            "AWS::NotificationARNs": []}


def partition_of(region: str) -> str:
    """The partition a region belongs to."""
    for prefix, partition in (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"),
                              ("us-iso-", "aws-iso"), ("eusc-", "aws-eusc")):
        if region.startswith(prefix):
            return partition
    return "aws"


def stack_id_of(*, region: str, account: str, stack_name: str) -> str:
    """A stable stack ARN (CloudFormation's carries a random UUID; a restart here keeps the same one)."""
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"statewright:{region}:{account}:{stack_name}")
    return f"arn:{partition_of(region)}:cloudformation:{region}:{account}:stack/{stack_name}/{stable}"
