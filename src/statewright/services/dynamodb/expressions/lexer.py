"""Splits an expression into tokens, each with its position, so errors can quote AWS's
`token: "…", near: "…"`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ast import ExpressionError


@dataclass(frozen=True)
class Token:
    kind: str  # name, hashname, value, number, op, eof, invalid
    text: str
    start: int
    end: int


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<hashname>\#[A-Za-z0-9_]+)
  | (?P<value>:[A-Za-z0-9_]+)
  | (?P<number>[0-9]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|<=|>=|[=<>()\[\],.+\-])
  | (?P<invalid>.)
""", re.VERBOSE | re.DOTALL)


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with an `eof` token."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "invalid"
        if kind == "space":
            continue
        tokens.append(Token(kind, match.group(), match.start(), match.end()))
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens


def syntax_error(text: str, tokens: list[Token], index: int) -> ExpressionError:
    """AWS's syntax error: the offending token, and the text from the token before it to the
    token after it (`Syntax error; token: ":", near: "hits : incr"`, recorded in
    aws/aws-cdk#7591; `token: "INVALID", near: "INVALID SYNTAX"` at the start, recorded in
    nubo-db/dynamodb-conformance tests/tier3/error-messages/updateItem.test.ts)."""
    token = tokens[index]
    first = tokens[index - 1] if index > 0 else token
    last = tokens[index + 1] if index + 1 < len(tokens) and token.kind != "eof" else token
    if last.kind == "eof":
        last = token if token.kind != "eof" else first
    near = text[first.start:max(last.end, first.end)]
    return ExpressionError(f'Syntax error; token: "{token.text}", near: "{near}"')
