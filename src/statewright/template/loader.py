"""Read a CloudFormation/SAM template file (YAML with the short-form tags, or JSON) into plain data."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

from statewright.template.errors import TemplateError

# Short-form tag -> long-form key. `!GetAtt` and `!Ref`/`!Condition` have their own shapes below.
_FUNCTION_TAGS = {
    "Sub": "Fn::Sub", "Join": "Fn::Join", "Select": "Fn::Select", "Split": "Fn::Split", "If": "Fn::If",
    "Equals": "Fn::Equals", "And": "Fn::And", "Or": "Fn::Or", "Not": "Fn::Not",
    "FindInMap": "Fn::FindInMap", "Base64": "Fn::Base64",
    # Read so that the resolver can report them as unsupported, naming the resource and field,
    # rather than failing the whole file at the parser.
    "ImportValue": "Fn::ImportValue", "GetAZs": "Fn::GetAZs", "Cidr": "Fn::Cidr",
    "Transform": "Fn::Transform", "Length": "Fn::Length", "ToJsonString": "Fn::ToJsonString",
}


def _node_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _function(key: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {key: _node_value(loader, node)}
    return construct


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    value = _node_value(loader, node)
    if isinstance(value, str):
        # `!GetAtt Table.StreamArn`; the attribute itself may hold dots (`Endpoint.Address`).
        resource, dot, attribute = value.partition(".")
        if not dot or not resource or not attribute:
            raise yaml.constructor.ConstructorError(
                None, None, f"!GetAtt {value!r} must be LogicalId.Attribute", node.start_mark)
        return {"Fn::GetAtt": [resource, attribute]}
    return {"Fn::GetAtt": value}


def _string_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    # CloudFormation rejects a key given twice; PyYAML would silently keep the last one.
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    return mapping


@functools.cache
def _loader_class() -> type[yaml.SafeLoader]:
    """A SafeLoader subclass with CloudFormation's tags (built on first use, not at import)."""

    class CloudFormationLoader(yaml.SafeLoader):  # type: ignore[misc]
        pass

    for tag, key in _FUNCTION_TAGS.items():
        CloudFormationLoader.add_constructor(f"!{tag}", _function(key))
    CloudFormationLoader.add_constructor("!Ref", _function("Ref"))
    CloudFormationLoader.add_constructor("!Condition", _function("Condition"))
    CloudFormationLoader.add_constructor("!GetAtt", _get_att)
    CloudFormationLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _string_mapping)
    # CloudFormation reads `2010-09-09` as the string it is, not a date.
    CloudFormationLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)
    return CloudFormationLoader


def parse_template(text: str, filename: str = "<template>") -> dict[str, Any]:
    """The template in `text` as plain dicts/lists/strings, short-form tags in their long form."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"{filename}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    else:
        try:
            document = yaml.load(text, Loader=_loader_class())  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
            raise TemplateError(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
        except yaml.YAMLError as exc:
            raise TemplateError(f"{filename}: invalid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise TemplateError(f"{filename}: a template is a mapping with a Resources section")
    if not isinstance(document.get("Resources"), dict) or not document["Resources"]:
        raise TemplateError(f"{filename}: the template has no Resources (at least one is required)")
    return document


def load_template(path: Path) -> dict[str, Any]:
    """Read and parse the template file at `path`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TemplateError(f"cannot read template {path}: {exc.strerror or exc}") from None
    return parse_template(text, str(path))
