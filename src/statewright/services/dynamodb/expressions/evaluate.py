"""Evaluates bound condition expressions against an item, and applies projections.

Semantics from the AWS developer guide ("Condition and filter expressions, operators, and
functions"): a comparison of different types, or with a missing attribute, is false (and `<>`
true); `contains` tests a substring of a string, a member of a set or an element of a list;
`size` is a string's length, a binary's bytes, the number of members of a set, list or map.
"""

from __future__ import annotations

from typing import Any

from .. import values as wire
from .ast import And, Between, Call, Compare, Condition, In, Not, Operand, Or, Path, Size, Value

_MISSING = None


def resolve(item: wire.Item | None, path: Path) -> wire.AttributeValue | None:
    """The value at `path` in `item`, or None."""
    if item is None:
        return None
    elements = path.elements
    head = elements[0]
    if not isinstance(head, str):
        return None
    current: Any = item.get(head)
    for element in elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            inner = current.get("L")
            if inner is None or element >= len(inner):
                return None
            current = inner[element]
        else:
            inner = current.get("M")
            if inner is None:
                return None
            current = inner.get(element)
    return current  # type: ignore[no-any-return]


def operand_value(item: wire.Item | None, operand: Operand) -> wire.AttributeValue | None:
    if isinstance(operand, Path):
        return resolve(item, operand)
    if isinstance(operand, Value):
        return operand.value  # type: ignore[no-any-return]
    if isinstance(operand, Size):
        return _size(resolve(item, operand.path))
    return None


def _size(value: wire.AttributeValue | None) -> wire.AttributeValue | None:
    if value is None:
        return None
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return {"N": str(len(inner))}
    if kind == "B":
        return {"N": str(len(wire.decode_binary(inner)))}
    if kind in ("SS", "NS", "BS", "L", "M"):
        return {"N": str(len(inner))}
    return None


def _compare(operator: str, left: wire.AttributeValue | None, right: wire.AttributeValue | None) -> bool:
    if operator == "=":
        return wire.equal(left, right)
    if operator == "<>":
        return not wire.equal(left, right)
    if left is None or right is None:
        return False
    kind = wire.value_type(left)
    if kind != wire.value_type(right) or kind not in wire.SCALARS:
        return False
    a, b = wire.scalar_key(left), wire.scalar_key(right)
    if operator == "<":
        return bool(a < b)
    if operator == "<=":
        return bool(a <= b)
    if operator == ">":
        return bool(a > b)
    return bool(a >= b)


def _call(item: wire.Item | None, call: Call) -> bool:
    name = call.name
    first = call.args[0]
    assert isinstance(first, Path)  # the parser only builds these functions on paths
    target = resolve(item, first)
    if name == "attribute_exists":
        return target is not None
    if name == "attribute_not_exists":
        return target is None
    if target is None:
        return False
    argument = operand_value(item, call.args[1])
    if argument is None:
        return False
    if name == "attribute_type":
        return wire.value_type(target) == argument.get("S")
    if name == "begins_with":
        kind = wire.value_type(target)
        if kind != wire.value_type(argument) or kind not in ("S", "B"):
            return False
        return bool(wire.scalar_key(target).startswith(wire.scalar_key(argument)))
    return _contains(target, argument)


def _contains(target: wire.AttributeValue, argument: wire.AttributeValue) -> bool:
    kind = wire.value_type(target)
    if kind == "S":
        return wire.value_type(argument) == "S" and argument["S"] in target["S"]
    if kind in wire.SET_TYPES:
        return wire.set_contains(target, argument)
    if kind == "L":
        return any(wire.equal(element, argument) for element in target["L"])
    return False


def matches(item: wire.Item | None, condition: Condition) -> bool:
    """Whether `item` (None when there is none) satisfies `condition`."""
    if isinstance(condition, And):
        return matches(item, condition.left) and matches(item, condition.right)
    if isinstance(condition, Or):
        return matches(item, condition.left) or matches(item, condition.right)
    if isinstance(condition, Not):
        return not matches(item, condition.operand)
    if isinstance(condition, Compare):
        return _compare(condition.operator, operand_value(item, condition.left),
                        operand_value(item, condition.right))
    if isinstance(condition, Between):
        value = operand_value(item, condition.operand)
        return (_compare(">=", value, operand_value(item, condition.low))
                and _compare("<=", value, operand_value(item, condition.high)))
    if isinstance(condition, In):
        value = operand_value(item, condition.operand)
        return any(wire.equal(value, operand_value(item, option)) for option in condition.options)
    return _call(item, condition)


def project(item: wire.Item, paths: tuple[Path, ...]) -> wire.Item:
    """The parts of `item` the paths name, nested as in the item; list elements picked by
    index keep their relative order (AWS developer guide, "Projection expressions")."""
    result: dict[str, Any] = {}
    for path in paths:
        value = resolve(item, path)
        if value is not None:
            _place(result, item, path.elements)
    return _compact(result)


def _place(result: dict[str, Any], source: Any, elements: tuple[str | int, ...]) -> None:
    """Copies the value at `elements` into `result`, building intermediate containers; lists
    are collected as {index: value} and compacted afterwards."""
    head, rest = elements[0], elements[1:]
    value = source[head]
    if not rest:
        result[head] = value  # type: ignore[index]
        return
    nested_key = "L" if isinstance(rest[0], int) else "M"
    container = value[nested_key]
    slot = result.setdefault(str(head), {nested_key: {}})
    if nested_key not in slot:
        return  # the same name both as the whole value and as a part: the whole wins
    _place(slot[nested_key], container, rest)


def _compact(result: dict[str, Any]) -> wire.Item:
    return {name: _compact_value(value) for name, value in result.items()}


def _compact_value(value: Any) -> Any:
    kind, inner = next(iter(value.items()))
    if kind == "L" and isinstance(inner, dict):
        return {"L": [_compact_value(inner[index]) for index in sorted(inner)]}
    if kind == "M":
        return {"M": {name: _compact_value(member) for name, member in inner.items()}}
    return value
