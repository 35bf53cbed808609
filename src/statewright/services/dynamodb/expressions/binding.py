"""Puts a request's `ExpressionAttributeNames` and `ExpressionAttributeValues` into a parsed
expression, and makes the checks AWS makes once the operands are known."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import values as wire
from .ast import (
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    Condition,
    ExpressionError,
    In,
    Not,
    Operand,
    Or,
    Path,
    Size,
    Update,
    UpdateAction,
    Value,
)

ATTRIBUTE_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")


@dataclass
class Binder:
    """Binds every expression of one request, remembering which names and values were used,
    so the request can then be told about the unused ones."""

    names: dict[str, str]
    values: dict[str, Any]
    used_names: set[str] = field(default_factory=set)
    used_values: set[str] = field(default_factory=set)

    def path(self, path: Path) -> Path:
        elements: list[str | int] = []
        for element in path.elements:
            if isinstance(element, str) and element.startswith("#"):
                if element not in self.names:
                    raise ExpressionError("An expression attribute name used in the document path is not "
                                          f"defined; attribute name: {element}")
                self.used_names.add(element)
                elements.append(self.names[element])
            else:
                elements.append(element)
        return Path(tuple(elements))

    def operand(self, operand: Operand) -> Operand:
        if isinstance(operand, Path):
            return self.path(operand)
        if isinstance(operand, Value):
            if operand.name not in self.values:
                raise ExpressionError("An expression attribute value used in expression is not defined; "
                                      f"attribute value: {operand.name}")
            self.used_values.add(operand.name)
            return Value(operand.name, self.values[operand.name])
        if isinstance(operand, Size):
            return Size(self.path(operand.path))
        if isinstance(operand, Arithmetic):
            return Arithmetic(operand.operator, self.operand(operand.left), self.operand(operand.right))
        return self.call(operand)

    def call(self, call: Call) -> Call:
        args = tuple(self.operand(arg) for arg in call.args)
        if call.name in ("contains", "begins_with"):
            _distinct(call.name, args)
        if call.name == "attribute_type":
            kind = args[1]
            if isinstance(kind, Value):
                name = kind.value.get("S") if isinstance(kind.value, dict) else None
                if name not in ATTRIBUTE_TYPES:
                    raise ExpressionError(f"Invalid attribute type name found; type: {name}, "
                                          "valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }")
        if call.name == "begins_with":
            _scalar_operand("begins_with", args[1], allowed=("S", "B"))
        return Call(call.name, args)

    def condition(self, condition: Condition) -> Condition:
        if isinstance(condition, And):
            return And(self.condition(condition.left), self.condition(condition.right))
        if isinstance(condition, Or):
            return Or(self.condition(condition.left), self.condition(condition.right))
        if isinstance(condition, Not):
            return Not(self.condition(condition.operand))
        if isinstance(condition, Compare):
            left, right = self.operand(condition.left), self.operand(condition.right)
            _distinct(condition.operator, (left, right))
            if condition.operator not in ("=", "<>"):
                for operand in (left, right):
                    _scalar_operand(condition.operator, operand, allowed=wire.SCALARS)
            return Compare(condition.operator, left, right)
        if isinstance(condition, Between):
            operand, low, high = (self.operand(condition.operand), self.operand(condition.low),
                                  self.operand(condition.high))
            _distinct("BETWEEN", (operand, low, high))
            for each in (operand, low, high):
                _scalar_operand("BETWEEN", each, allowed=wire.SCALARS)
            _check_bounds(low, high)
            return Between(operand, low, high)
        if isinstance(condition, In):
            operand = self.operand(condition.operand)
            options = tuple(self.operand(option) for option in condition.options)
            _distinct("IN", (operand, *options))
            return In(operand, options)
        return self.call(condition)

    def update(self, update: Update) -> Update:
        actions = []
        for action in update.actions:
            value = None if action.value is None else self.operand(action.value)
            if action.clause in ("ADD", "DELETE") and isinstance(value, Value):
                allowed = ("N", "SS", "NS", "BS") if action.clause == "ADD" else ("SS", "NS", "BS")
                kind = _first(value.value)
                if kind not in allowed:
                    raise ExpressionError("Incorrect operand type for operator or function; operator: "
                                          f"{action.clause}, operand type: {_type_name(kind)}")
            actions.append(UpdateAction(action.clause, self.path(action.path), value))
        return Update(tuple(actions))

    def projection(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(self.path(path) for path in paths)


def _first(value: Any) -> str:
    return next(iter(value)) if isinstance(value, dict) and value else ""


# AWS's names for attribute types in "operand type:" messages of update expressions.
_TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN", "NULL": "NULL",
               "M": "MAP", "L": "LIST", "SS": "STRING_SET", "NS": "NUMBER_SET", "BS": "BINARY_SET"}


def _type_name(kind: str) -> str:
    return _TYPE_NAMES.get(kind, kind)


def _scalar_operand(operator: str, operand: Operand, allowed: tuple[str, ...]) -> None:
    if isinstance(operand, Value):
        kind = _first(operand.value)
        if kind not in allowed:
            raise ExpressionError("Incorrect operand type for operator or function; operator or function: "
                                  f"{operator}, operand type: {kind}")


def _distinct(operator: str, operands: tuple[Operand, ...]) -> None:
    """AWS refuses an operator whose first operand repeats among the others: `contains(#a, #a)`
    gives "The first operand must be distinct from the remaining operands for this operator or
    function; operator: contains, first operand: [data]" (nubo-db/dynamodb-conformance
    tests/tier3/error-messages/putItem.test.ts)."""
    first = operands[0]
    if isinstance(first, Path) and any(first == other for other in operands[1:]):
        raise ExpressionError("The first operand must be distinct from the remaining operands for this "
                              f"operator or function; operator: {operator}, first operand: {first.describe()}")


def _check_bounds(low: Operand, high: Operand) -> None:
    if not (isinstance(low, Value) and isinstance(high, Value)):
        return
    kind = _first(low.value)
    if kind != _first(high.value) or kind not in wire.SCALARS:
        return
    if wire.scalar_key(low.value) > wire.scalar_key(high.value):
        raise ExpressionError("The BETWEEN operator requires upper bound to be greater than or equal to lower "
                              f"bound; lower bound operand: AttributeValue: {{{kind}:{low.value[kind]}}}, "
                              f"upper bound operand: AttributeValue: {{{kind}:{high.value[kind]}}}")

