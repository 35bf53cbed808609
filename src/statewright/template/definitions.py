"""A state machine resource's final definition: Definition/DefinitionString/DefinitionS3Location
with DefinitionSubstitutions applied, checked as CreateStateMachine would check it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from statewright.template.errors import TemplateError

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def final_definition(logical_id: str, properties: dict[str, Any]) -> str:
    """The definition JSON the state machine is created with (substitutions applied, validated)."""
    text, field = _source(logical_id, properties)
    substitutions = properties.get("DefinitionSubstitutions") or {}
    if not isinstance(substitutions, dict):
        raise TemplateError("DefinitionSubstitutions must be a mapping", logical_id,
                            "Properties.DefinitionSubstitutions")
    # Substitution is textual, before parsing, so `"Seconds": ${Delay}` works in JSON and YAML alike.
    text = _substitute(text, substitutions)
    location = properties.get("DefinitionS3Location")
    if field.endswith("DefinitionS3Location") and Path(str(location)).suffix.lower() in (".yaml", ".yml"):
        text = _yaml_to_json(logical_id, field, Path(str(location)), text)
    _validate(logical_id, field, text)
    return text


def _source(logical_id: str, properties: dict[str, Any]) -> tuple[str, str]:
    given = [key for key in ("Definition", "DefinitionString", "DefinitionS3Location") if key in properties]
    if len(given) != 1:
        raise TemplateError("a state machine needs exactly one of Definition, DefinitionString and "
                            f"DefinitionS3Location (found {given or 'none'})", logical_id, "Properties")
    key = given[0]
    value = properties[key]
    field = f"Properties.{key}"
    if key == "Definition":
        if not isinstance(value, dict):
            raise TemplateError("Definition must be a mapping", logical_id, field)
        return json.dumps(value, indent=2), field
    if key == "DefinitionString":
        if not isinstance(value, str):
            raise TemplateError("DefinitionString must be a string", logical_id, field)
        return value, field
    if not isinstance(value, str):
        raise TemplateError("DefinitionS3Location in S3 cannot be read locally; give a local file "
                            "(DefinitionUri: statemachine/definition.asl.json)", logical_id, field)
    return _read_file(logical_id, field, Path(value)), field


def _read_file(logical_id: str, field: str, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"cannot read definition {path}: {exc.strerror or exc}", logical_id, field) from None


def _yaml_to_json(logical_id: str, field: str, path: Path, text: str) -> str:
    # A definition file may be YAML (as `sam` reads it); CreateStateMachine takes JSON.
    try:
        return json.dumps(yaml.safe_load(text), indent=2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise TemplateError(f"{path}{line}: invalid YAML: {problem}", logical_id, field) from None


def _substitute(text: str, substitutions: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in substitutions:
            return match.group(0)
        value = substitutions[name]
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else json.dumps(value)

    return _PLACEHOLDER.sub(replace, text)


def _validate(logical_id: str, field: str, text: str) -> None:
    from statewright.asl.validate import validate

    errors = [diagnostic for diagnostic in validate(text) if diagnostic.severity == "ERROR"]
    if errors:
        first = errors[0]
        where = f" at {first.location}" if first.location else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise TemplateError(f"invalid definition: {first.code}: {first.message}{where}{more}", logical_id,
                            field)
