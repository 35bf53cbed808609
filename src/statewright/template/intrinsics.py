"""CloudFormation's intrinsic functions and condition functions, evaluated against a local stack."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from statewright.template.errors import TemplateError

NO_VALUE: Any = type("NoValue", (), {"__repr__": lambda self: "AWS::NoValue"})()
"""What `Ref: AWS::NoValue` resolves to: the property (or list item) holding it is removed."""

_UNSUPPORTED = {
    "Fn::ImportValue": "cross-stack exports are not emulated (one template runs locally); pass the value "
                       "as a parameter instead",
    "Fn::GetAZs": "availability zones are not emulated; list them in a parameter or mapping",
    "Fn::Cidr": "VPC address blocks are not emulated",
    "Fn::Transform": "macros other than the SAM transform are not run locally",
    "Fn::Length": "AWS::LanguageExtensions is not run locally",
    "Fn::ToJsonString": "AWS::LanguageExtensions is not run locally",
    "Fn::ForEach": "AWS::LanguageExtensions is not run locally",
}
_CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")
_SUB_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class ResourceLookup(Protocol):
    """What the resolver asks of the stack being built about its resources."""

    def has(self, logical_id: str) -> bool: ...
    def ref(self, logical_id: str) -> Any: ...
    def get_att(self, logical_id: str, attribute: str) -> Any: ...


class _NoResources:
    def has(self, logical_id: str) -> bool:
        return False

    def ref(self, logical_id: str) -> Any:
        raise TemplateError(f"{logical_id} is not available here")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        raise TemplateError(f"{logical_id} is not available here")


def is_intrinsic(value: Any) -> bool:
    """True for a one-key mapping whose key names an intrinsic function (`Ref`, `Fn::*`)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


@dataclass
class Resolver:
    """Evaluates intrinsic functions; `parameters` holds template and pseudo parameters by name."""

    parameters: Mapping[str, Any]
    mappings: Mapping[str, Any] = field(default_factory=dict)
    condition_definitions: Mapping[str, Any] = field(default_factory=dict)
    resources: ResourceLookup = field(default_factory=_NoResources)
    _conditions: dict[str, bool] = field(default_factory=dict)
    _evaluating: list[str] = field(default_factory=list)

    # --- values -------------------------------------------------------------------------------------
    def resolve(self, value: Any, resource: str | None = None, path: str = "") -> Any:
        """`value` with every intrinsic function evaluated; NO_VALUE where `AWS::NoValue` removes it."""
        try:
            return self._resolve(value, path)
        except TemplateError as exc:
            raise exc.at(resource, path or None) from None

    def _resolve(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            if is_intrinsic(value):
                name, argument = next(iter(value.items()))
                return self._call(name, argument, _join(path, name))
            resolved = {key: self._resolve(item, _join(path, str(key))) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, list):
            items = [self._resolve(item, f"{path}[{index}]") for index, item in enumerate(value)]
            return [item for item in items if item is not NO_VALUE]
        return value

    def _call(self, name: str, argument: Any, path: str) -> Any:
        handler = self._functions().get(name)
        if handler is not None:
            try:
                return handler(argument, path)
            except TemplateError as exc:
                # Errors from the resource lookup know what is wrong, not where.
                raise (exc if exc.field is not None else exc.at(exc.resource, path)) from None
        if name in _UNSUPPORTED:
            raise TemplateError(f"{name} is not supported locally: {_UNSUPPORTED[name]}", field=path)
        if name in _CONDITION_FUNCTIONS:
            return bool(self._condition_function(name, argument, path))
        raise TemplateError(f"unknown intrinsic function {name}", field=path)

    def _functions(self) -> dict[str, Callable[[Any, str], Any]]:
        return {"Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub, "Fn::Join": self._join,
                "Fn::Select": self._select, "Fn::Split": self._split, "Fn::If": self._if,
                "Fn::FindInMap": self._find_in_map, "Fn::Base64": self._base64}

    def _ref(self, argument: Any, path: str) -> Any:
        name = self._resolve(argument, path)
        if not isinstance(name, str):
            raise TemplateError(f"Ref takes a name, not {name!r}", field=path)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if self.resources.has(name):
            return self.resources.ref(name)
        raise TemplateError(f"Ref to {name!r}, which is neither a parameter nor a resource", field=path)

    def _get_att(self, argument: Any, path: str) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError("Fn::GetAtt takes [LogicalId, Attribute]", field=path)
        logical_id = argument[0]
        attribute = self._resolve(argument[1], path)
        if not isinstance(logical_id, str) or not isinstance(attribute, str):
            raise TemplateError("Fn::GetAtt takes [LogicalId, Attribute] as strings", field=path)
        if not self.resources.has(logical_id):
            raise TemplateError(f"Fn::GetAtt refers to {logical_id!r}, which is not a resource", field=path)
        return self.resources.get_att(logical_id, attribute)

    def _sub(self, argument: Any, path: str) -> str:
        if isinstance(argument, str):
            text, variables = argument, {}
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text = self._resolve(argument[0], path)
            variables = {key: self._resolve(item, f"{path}.{key}") for key, item in argument[1].items()}
        else:
            raise TemplateError("Fn::Sub takes a string or [string, {variables}]", field=path)
        if not isinstance(text, str):
            raise TemplateError("Fn::Sub's template must be a string", field=path)

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            value = self._sub_variable(name.strip(), variables, path)
            if isinstance(value, list | dict) or value is NO_VALUE:
                raise TemplateError(f"Fn::Sub variable ${{{name}}} is not a string", field=path)
            return _text(value)

        return _SUB_PLACEHOLDER.sub(substitute, text)

    def _sub_variable(self, name: str, variables: Mapping[str, Any], path: str) -> Any:
        if name in variables:
            return variables[name]
        if name in self.parameters or self.resources.has(name):
            return self._ref(name, path)
        logical_id, dot, attribute = name.partition(".")
        if dot and self.resources.has(logical_id):
            return self.resources.get_att(logical_id, attribute)
        raise TemplateError(f"Fn::Sub variable ${{{name}}} is neither a parameter, a resource nor a "
                            "variable of this Fn::Sub", field=path)

    def _join(self, argument: Any, path: str) -> str:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError("Fn::Join takes [delimiter, [values]]", field=path)
        delimiter = self._resolve(argument[0], path)
        items = self._resolve(argument[1], path)
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise TemplateError("Fn::Join takes [delimiter, [values]]", field=path)
        if any(isinstance(item, list | dict) for item in items):
            raise TemplateError("Fn::Join can only join strings", field=path)
        return delimiter.join(_text(item) for item in items)

    def _select(self, argument: Any, path: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError("Fn::Select takes [index, [values]]", field=path)
        index = self._resolve(argument[0], path)
        items = self._resolve(argument[1], path)
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise TemplateError(f"Fn::Select index {index!r} is not a number", field=path) from None
        if not isinstance(items, list):
            raise TemplateError("Fn::Select takes a list to select from", field=path)
        if not 0 <= position < len(items):
            raise TemplateError(f"Fn::Select index {position} is out of range (list of {len(items)})",
                                field=path)
        return items[position]

    def _split(self, argument: Any, path: str) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError("Fn::Split takes [delimiter, string]", field=path)
        delimiter = self._resolve(argument[0], path)
        source = self._resolve(argument[1], path)
        if not isinstance(delimiter, str) or not delimiter or not isinstance(source, str):
            raise TemplateError("Fn::Split takes a non-empty delimiter and a string", field=path)
        return source.split(delimiter)

    def _if(self, argument: Any, path: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
            raise TemplateError("Fn::If takes [ConditionName, value_if_true, value_if_false]", field=path)
        chosen = 1 if self.condition(argument[0], path) else 2
        return self._resolve(argument[chosen], f"{path}[{chosen}]")

    def _find_in_map(self, argument: Any, path: str) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise TemplateError("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", field=path)
        keys = [self._resolve(item, path) for item in argument[:3]]
        current: Any = self.mappings
        for depth, key in enumerate(keys):
            if isinstance(current, dict):
                # YAML reads `123456789012:` or `true:` as a number or boolean; CloudFormation keys are text.
                current = {_text(name): value for name, value in current.items()}
            if not isinstance(current, dict) or _text(key) not in current:
                level = ("mapping", "top-level key", "second-level key")[depth]
                if len(argument) == 4:
                    # AWS::LanguageExtensions' DefaultValue form.
                    return self._resolve(_default_value(argument[3], path), path)
                raise TemplateError(f"Fn::FindInMap: {level} {key!r} not found", field=path)
            current = current[_text(key)]
        return current

    def _base64(self, argument: Any, path: str) -> str:
        value = self._resolve(argument, path)
        if not isinstance(value, str):
            raise TemplateError("Fn::Base64 takes a string", field=path)
        return base64.b64encode(value.encode("utf-8")).decode("ascii")

    # --- conditions ---------------------------------------------------------------------------------
    def condition(self, name: str, path: str = "") -> bool:
        """The value of the named entry of the template's Conditions section."""
        if name in self._conditions:
            return self._conditions[name]
        if name not in self.condition_definitions:
            raise TemplateError(f"condition {name!r} is not defined in Conditions", field=path or None)
        if name in self._evaluating:
            cycle = " -> ".join([*self._evaluating[self._evaluating.index(name):], name])
            raise TemplateError(f"circular condition: {cycle}", "Conditions", name)
        self._evaluating.append(name)
        try:
            value = self._evaluate(self.condition_definitions[name], name)
        except TemplateError as exc:
            raise exc.at("Conditions", name) from None
        finally:
            self._evaluating.pop()
        self._conditions[name] = value
        return value

    def _evaluate(self, expression: Any, path: str) -> bool:
        if isinstance(expression, dict) and len(expression) == 1:
            name, argument = next(iter(expression.items()))
            if name in _CONDITION_FUNCTIONS:
                return self._condition_function(name, argument, _join(path, name))
        if isinstance(expression, bool):
            return expression
        if isinstance(expression, str) and expression.lower() in ("true", "false"):
            return expression.lower() == "true"
        raise TemplateError("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition",
                            field=path)

    def _condition_function(self, name: str, argument: Any, path: str) -> bool:
        if name == "Condition":
            if not isinstance(argument, str):
                raise TemplateError("Condition takes a condition name", field=path)
            return self.condition(argument, path)
        if name == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                raise TemplateError("Fn::Equals takes [value, value]", field=path)
            left, right = (self._resolve(item, path) for item in argument)
            return bool(_comparable(left) == _comparable(right))
        if name == "Fn::Not":
            if not isinstance(argument, list) or len(argument) != 1:
                raise TemplateError("Fn::Not takes [condition]", field=path)
            return not self._evaluate(argument[0], path)
        if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
            raise TemplateError(f"{name} takes between 2 and 10 conditions", field=path)
        results = (self._evaluate(item, f"{path}[{index}]") for index, item in enumerate(argument))
        return all(results) if name == "Fn::And" else any(results)


def _default_value(argument: Any, path: str) -> Any:
    if isinstance(argument, dict) and "DefaultValue" in argument:
        return argument["DefaultValue"]
    raise TemplateError("Fn::FindInMap's fourth item must be {DefaultValue: ...}", field=path)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return _text(value) if isinstance(value, str | int | float | bool) else value


def _text(value: Any) -> str:
    """A scalar as CloudFormation turns it into a string (booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
