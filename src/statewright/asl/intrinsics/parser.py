"""Parse intrinsic text into a small tree: Call(name, args) whose args are literals, paths or calls.

Only the grammar and the function names are checked here. Argument counts and types are checked
when the call is evaluated, because AWS reports those as runtime failures of the state, not as an
invalid definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..paths import PathError, compile_path
from .lexer import IntrinsicSyntaxError, Kind, Token, tokenize

FUNCTION_NAMES = frozenset(
    "States." + name
    for name in (
        "Format StringToJson JsonToString Array ArrayPartition ArrayContains ArrayRange "
        "ArrayGetItem ArrayLength ArrayUnique Base64Encode Base64Decode Hash JsonMerge "
        "MathRandom MathAdd StringSplit UUID"
    ).split()
)


@dataclass(frozen=True)
class Literal:
    """A constant argument. `raw` is the quoted source of a string literal (None otherwise):
    States.Format needs it to tell an escaped `\\{` from a placeholder brace."""

    value: Any
    raw: str | None = None


@dataclass(frozen=True)
class PathRef:
    """A JSONPath argument (`$.a`, `$$.Execution.Id`, `$var`), resolved by the engine."""

    text: str


@dataclass(frozen=True)
class Call:
    """A call of one of the 18 functions; `args` may hold nested calls."""

    name: str
    args: tuple[Literal | PathRef | Call, ...]
    position: int = 0


Arg = Literal | PathRef | Call

_CONSTANTS = {Kind.TRUE: True, Kind.FALSE: False, Kind.NULL: None}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self, kind: Kind, what: str) -> Token:
        token = self.current
        if token.kind is not kind:
            found = "end of text" if token.kind is Kind.END else repr(token.text)
            raise IntrinsicSyntaxError(f"expected {what}, found {found}", token.position)
        self.index += 1
        return token

    def call(self) -> Call:
        name = self.take(Kind.NAME, "an intrinsic function name")
        if name.text not in FUNCTION_NAMES:
            raise IntrinsicSyntaxError(f"unknown intrinsic function {name.text!r}", name.position)
        self.take(Kind.LPAREN, "'('")
        args: list[Arg] = []
        if self.current.kind is not Kind.RPAREN:
            args.append(self.argument())
            while self.current.kind is Kind.COMMA:
                self.index += 1
                args.append(self.argument())
        self.take(Kind.RPAREN, "',' or ')'")
        return Call(name.text, tuple(args), name.position)

    def argument(self) -> Arg:
        token = self.current
        if token.kind is Kind.NAME:
            return self.call()
        self.index += 1
        if token.kind is Kind.STRING:
            return Literal(token.value, token.text)
        if token.kind is Kind.NUMBER:
            return Literal(token.value)
        if token.kind in _CONSTANTS:
            return Literal(_CONSTANTS[token.kind])
        if token.kind is Kind.PATH:
            try:
                compile_path(token.text)
            except PathError as exc:
                raise IntrinsicSyntaxError(f"invalid path {token.text!r}", token.position) from exc
            return PathRef(token.text)
        found = "end of text" if token.kind is Kind.END else repr(token.text)
        raise IntrinsicSyntaxError(f"expected an argument, found {found}", token.position)


def parse(text: str) -> Call:
    """Parse a whole intrinsic call (`States.X(...)`, nothing after it). Raises IntrinsicSyntaxError."""
    if not isinstance(text, str):
        raise IntrinsicSyntaxError("an intrinsic function must be a string", 0)
    parser = _Parser(text)
    call = parser.call()
    parser.take(Kind.END, "end of text")
    return call
