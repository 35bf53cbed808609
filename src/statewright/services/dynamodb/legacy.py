"""The legacy conditional parameters (`Expected`, `KeyConditions`, `QueryFilter`, `ScanFilter`,
`AttributeUpdates`, `AttributesToGet`) turned into the same trees the expressions give, so one
evaluator serves both (AWS developer guide, "Legacy conditional parameters")."""

from __future__ import annotations

from typing import Any

from .expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    Condition,
    In,
    Not,
    Or,
    Path,
    Update,
    UpdateAction,
    Value,
)
from .schema import invalid
from .values import normalize_value

_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ARGUMENTS = {"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0, "NULL": 0, "CONTAINS": 1,
              "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "BETWEEN": 2}


def _value(value: Any) -> Value:
    return Value(":legacy", normalize_value(value))


def _one(name: str, spec: dict[str, Any]) -> Condition:
    path = Path((name,))
    operator = spec.get("ComparisonOperator")
    if operator is None:
        exists = spec.get("Exists", True)
        if exists is False:
            if "Value" in spec:
                raise invalid("One or more parameter values were invalid: Value cannot be used when Exists is "
                              "false for Attribute: " + name)
            return Call("attribute_not_exists", (path,))
        if "Value" not in spec:
            raise invalid("One or more parameter values were invalid: Value must be provided when Exists is "
                          f"true for Attribute: {name}")
        return Compare("=", path, _value(spec["Value"]))
    arguments = [_value(value) for value in spec.get("AttributeValueList") or []]
    if "Value" in spec and not arguments:
        arguments = [_value(spec["Value"])]
    expected = _ARGUMENTS.get(operator)
    if operator == "IN":
        if not arguments:
            raise invalid(f"One or more parameter values were invalid: Invalid number of argument(s) for the "
                          f"{operator} ComparisonOperator")
        return In(path, tuple(arguments))
    if expected is None:
        raise invalid(f"1 validation error detected: Value '{operator}' at 'comparisonOperator' failed to satisfy "
                      "constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, "
                      "GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")
    if len(arguments) != expected:
        raise invalid(f"One or more parameter values were invalid: Invalid number of argument(s) for the "
                      f"{operator} ComparisonOperator")
    if operator in _COMPARATORS:
        return Compare(_COMPARATORS[operator], path, arguments[0])
    if operator == "NOT_NULL":
        return Call("attribute_exists", (path,))
    if operator == "NULL":
        return Call("attribute_not_exists", (path,))
    if operator == "CONTAINS":
        return Call("contains", (path, arguments[0]))
    if operator == "NOT_CONTAINS":
        return Not(Call("contains", (path, arguments[0])))
    if operator == "BEGINS_WITH":
        return Call("begins_with", (path, arguments[0]))
    return Between(path, arguments[0], arguments[1])


def conditions(specs: object, operator: object = None, field: str = "Expected") -> Condition | None:
    """`Expected`, `QueryFilter`, `ScanFilter` or `KeyConditions` with `ConditionalOperator`."""
    if specs is None:
        return None
    if not isinstance(specs, dict):
        raise invalid(f"Invalid {field}")
    if operator not in (None, "AND", "OR"):
        raise invalid(f"1 validation error detected: Value '{operator}' at 'conditionalOperator' failed to satisfy "
                      "constraint: Member must satisfy enum value set: [OR, AND]")
    combined: Condition | None = None
    for name, spec in specs.items():
        one = _one(name, spec)
        if combined is None:
            combined = one
        else:
            combined = Or(combined, one) if operator == "OR" else And(combined, one)
    return combined


def attribute_updates(updates: object) -> Update:
    if not isinstance(updates, dict):
        raise invalid("Invalid AttributeUpdates")
    actions = []
    for name, spec in updates.items():
        action = spec.get("Action", "PUT")
        path = Path((name,))
        value = _value(spec["Value"]) if "Value" in spec else None
        if action == "PUT":
            if value is None:
                raise invalid("One or more parameter values were invalid: Only DELETE action is allowed when no "
                              f"attribute value is specified: {name}")
            actions.append(UpdateAction("SET", path, value))
        elif action == "DELETE":
            actions.append(UpdateAction("DELETE", path, value) if value is not None else UpdateAction("REMOVE", path))
        elif action == "ADD":
            if value is None:
                raise invalid("One or more parameter values were invalid: Only DELETE action is allowed when no "
                              f"attribute value is specified: {name}")
            actions.append(UpdateAction("ADD", path, value))
        else:
            raise invalid(f"1 validation error detected: Value '{action}' at 'attributeUpdates.{name}.member.action' "
                          "failed to satisfy constraint: Member must satisfy enum value set: [DELETE, ADD, PUT]")
    return Update(tuple(actions))


def attributes_to_get(names: object) -> tuple[Path, ...] | None:
    if names is None:
        return None
    if not isinstance(names, list) or not names:
        raise invalid("1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: "
                      "Member must have length greater than or equal to 1")
    if len(set(names)) != len(names):
        raise invalid(f"One or more parameter values were invalid: Duplicate value in attribute name: {names[0]}")
    return tuple(Path((name,)) for name in names)
