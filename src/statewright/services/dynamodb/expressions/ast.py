"""The parsed forms of DynamoDB's expressions (condition, update, projection, key condition).

Parsing gives trees with placeholders (`#name`, `:value`) still in them, so a parse can be
cached by expression text; `binding.bind` then swaps in the request's names and values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ExpressionError(Exception):
    """What is wrong with an expression, in AWS's words but without the "Invalid X:" prefix,
    which depends on the parameter the expression came in."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Path:
    """A document path: names (str; `#placeholders` until bound) and list indexes (int)."""

    elements: tuple[str | int, ...]

    def describe(self) -> str:
        """The path as AWS prints it in messages: `[a, b, [0]]`."""
        parts = [f"[{element}]" if isinstance(element, int) else element for element in self.elements]
        return "[" + ", ".join(parts) + "]"


@dataclass(frozen=True)
class Value:
    """An `:placeholder` (unbound) or, once bound, the attribute value it stands for."""

    name: str
    value: Any = None


@dataclass(frozen=True)
class Size:
    path: Path


@dataclass(frozen=True)
class Call:
    """A function: the condition ones (`attribute_exists`, `begins_with`, …) and the update
    ones (`if_not_exists`, `list_append`)."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Arithmetic:
    operator: str  # "+" or "-"
    left: Operand
    right: Operand


Operand = Path | Value | Size | Call | Arithmetic


@dataclass(frozen=True)
class Compare:
    operator: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Compare | Between | In | Call | And | Or | Not


@dataclass(frozen=True)
class UpdateAction:
    """One action of an update expression: SET path = value, REMOVE path, ADD path value,
    DELETE path value."""

    clause: str  # SET, REMOVE, ADD, DELETE
    path: Path
    value: Operand | None = None


@dataclass(frozen=True)
class Update:
    actions: tuple[UpdateAction, ...]
