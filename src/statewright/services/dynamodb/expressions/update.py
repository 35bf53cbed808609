"""Applies a bound update expression to an item (AWS developer guide, "Update expressions").

Every right-hand side is evaluated against the item as it was before the update, so
`SET a = b, b = a` swaps; the actions are then applied to a copy.
"""

from __future__ import annotations

import copy
from typing import Any

from ... import common
from .. import numbers
from .. import values as wire
from .ast import Arithmetic, Call, ExpressionError, Operand, Path, Update, UpdateAction
from .evaluate import operand_value, resolve

_INVALID_PATH = "The document path provided in the update expression is invalid for update"
_WRONG_TYPE = "An operand in the update expression has an incorrect data type"
_MISSING = "The provided expression refers to an attribute that does not exist in the item"


def _fail(message: str) -> common.AwsError:
    return common.AwsError("ValidationException", message)


def check_paths(paths: list[Path]) -> None:
    """AWS refuses two paths of one expression when one contains the other ("overlap") or when
    they use one level both as a list and as a map ("conflict")."""
    for index, first in enumerate(paths):
        for second in paths[index + 1:]:
            shared = 0
            for a, b in zip(first.elements, second.elements, strict=False):
                if a != b:
                    if isinstance(a, int) != isinstance(b, int):
                        raise ExpressionError("Two document paths conflict with each other; must remove or "
                                              f"rewrite one of these paths; path one: {first.describe()}, "
                                              f"path two: {second.describe()}")
                    break
                shared += 1
            else:
                raise ExpressionError("Two document paths overlap with each other; must remove or rewrite "
                                      f"one of these paths; path one: {first.describe()}, path two: "
                                      f"{second.describe()}")


def _value(old: wire.Item | None, operand: Operand) -> wire.AttributeValue:
    if isinstance(operand, Arithmetic):
        left, right = _value(old, operand.left), _value(old, operand.right)
        if "N" not in left or "N" not in right:
            raise _fail(_WRONG_TYPE)
        combine = numbers.add if operand.operator == "+" else numbers.subtract
        return {"N": combine(left["N"], right["N"])}
    if isinstance(operand, Call):
        if operand.name == "if_not_exists":
            path = operand.args[0]
            assert isinstance(path, Path)
            existing = resolve(old, path)
            return existing if existing is not None else _value(old, operand.args[1])
        first, second = _value(old, operand.args[0]), _value(old, operand.args[1])
        if "L" not in first or "L" not in second:
            raise _fail(_WRONG_TYPE)
        return {"L": first["L"] + second["L"]}
    value = operand_value(old, operand)
    if value is None:
        raise _fail(_MISSING)
    return value


def _parent(item: wire.Item, path: Path) -> tuple[Any, str | int] | None:
    """The container holding the last element of `path` (a dict of attributes or members, or
    a list), and that element; None when the path does not lead anywhere."""
    container: Any = item
    for element in path.elements[:-1]:
        if isinstance(container, list):
            if not isinstance(element, int) or element >= len(container):
                return None
            value = container[element]
        else:
            if not isinstance(element, str) or element not in container:
                return None
            value = container[element]
        container = value.get("L") if isinstance(value, dict) and "L" in value else value.get("M")
        if container is None:
            return None
    return container, path.elements[-1]


def _set(item: wire.Item, path: Path, value: wire.AttributeValue) -> None:
    found = _parent(item, path)
    if found is None:
        raise _fail(_INVALID_PATH)
    container, last = found
    if isinstance(container, list):
        if not isinstance(last, int):
            raise _fail(_INVALID_PATH)
        if last >= len(container):
            container.append(value)  # past the end: appended (AWS developer guide, SET)
        else:
            container[last] = value
    else:
        if not isinstance(last, str):
            raise _fail(_INVALID_PATH)
        container[last] = value


def _remove(item: wire.Item, path: Path) -> None:
    found = _parent(item, path)
    if found is None:
        if len(path.elements) > 1 and resolve(item, Path(path.elements[:-1])) is None:
            return
        raise _fail(_INVALID_PATH)
    container, last = found
    if isinstance(container, list):
        if isinstance(last, int) and last < len(container):
            del container[last]
    elif isinstance(last, str):
        container.pop(last, None)


def _add(item: wire.Item, path: Path, value: wire.AttributeValue) -> None:
    existing = resolve(item, path)
    kind = wire.value_type(value)
    if existing is None:
        _set(item, path, value)
        return
    if wire.value_type(existing) != kind:
        raise _fail(_WRONG_TYPE)
    if kind == "N":
        _set(item, path, {"N": numbers.add(existing["N"], value["N"])})
    else:
        _set(item, path, {kind: wire.set_union(kind, existing[kind], value[kind])})


def _delete(item: wire.Item, path: Path, value: wire.AttributeValue) -> None:
    existing = resolve(item, path)
    if existing is None:
        return
    kind = wire.value_type(value)
    if wire.value_type(existing) != kind:
        raise _fail(_WRONG_TYPE)
    remaining = wire.set_difference(kind, existing[kind], value[kind])
    if remaining:
        _set(item, path, {kind: remaining})
    else:
        _remove(item, path)


def _removal_order(action: UpdateAction) -> list[tuple[int, Any]]:
    # Indexes of one list refer to the list before the update: remove the highest first.
    return [(1, -element) if isinstance(element, int) else (0, element) for element in action.path.elements]


def apply(old: wire.Item | None, key: wire.Item, update: Update) -> wire.Item:
    """The item after `update`: `old` (or, when there is none, just the key) changed."""
    item: wire.Item = copy.deepcopy(old) if old is not None else dict(key)
    computed = [(action, _value(old, action.value) if action.clause == "SET" and action.value is not None
                 else None) for action in update.actions]
    removals = sorted((action for action in update.actions if action.clause == "REMOVE"), key=_removal_order)
    for action, value in computed:
        if action.clause == "SET" and value is not None:
            _set(item, action.path, value)
        elif action.clause in ("ADD", "DELETE"):
            operand = action.value
            assert operand is not None
            literal = operand_value(old, operand)
            assert literal is not None
            (_add if action.clause == "ADD" else _delete)(item, action.path, literal)
    for action in removals:
        _remove(item, action.path)
    return item
