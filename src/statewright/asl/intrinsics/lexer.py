"""Tokens of an intrinsic function call such as `States.Format('{} x', $.a, 1.5)`.

The lexer knows nothing of function names or argument counts; it only cuts the text into tokens
that carry their offset, so the parser can point at the exact character that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class IntrinsicSyntaxError(ValueError):
    """Malformed intrinsic text; `position` is the offset of the problem in the text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class Kind(Enum):
    NAME = "name"  # States.Format
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    STRING = "string"  # 'text' - value unescaped, raw kept for States.Format's braces
    NUMBER = "number"
    PATH = "path"  # $.a, $$.Execution.Id, $var.x
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str  # the source text of the token
    position: int
    value: object = None  # the decoded value of STRING and NUMBER tokens


_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"true": Kind.TRUE, "false": Kind.FALSE, "null": Kind.NULL}
_PUNCT = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}
# Inside a string literal only these may follow a backslash (AWS rejects others, e.g. `\n`).
_ESCAPABLE = "'{}\\"


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with an END token. Raises IntrinsicSyntaxError."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            tokens.append(Token(Kind.END, "", n))
            return tokens
        token = _next_token(text, i)
        tokens.append(token)
        i = token.position + len(token.text)


def _next_token(text: str, i: int) -> Token:
    ch = text[i]
    if ch in _PUNCT:
        return Token(_PUNCT[ch], ch, i)
    if ch == "'":
        return _string(text, i)
    if ch == "$":
        return _path(text, i)
    if ch == "-" or ch.isdigit():
        m = _NUMBER.match(text, i)
        if not m:
            raise IntrinsicSyntaxError("invalid number", i)
        is_float = m.group(1) is not None or m.group(2) is not None
        value: object = float(m.group(0)) if is_float else int(m.group(0))
        return Token(Kind.NUMBER, m.group(0), i, value)
    m = _NAME.match(text, i)
    if m:
        return Token(Kind.NAME, m.group(0), i)
    m = _WORD.match(text, i)
    if m and m.group(0) in _KEYWORDS:
        return Token(_KEYWORDS[m.group(0)], m.group(0), i)
    raise IntrinsicSyntaxError(f"unexpected character {ch!r}", i)


def _string(text: str, start: int) -> Token:
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n or text[i + 1] not in _ESCAPABLE:
                raise IntrinsicSyntaxError("invalid escape sequence in string literal", i)
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "'":
            return Token(Kind.STRING, text[start : i + 1], start, "".join(out))
        out.append(ch)
        i += 1
    raise IntrinsicSyntaxError("unterminated string literal", start)


def _path(text: str, start: int) -> Token:
    """A path runs to the first `,` `)` or space outside brackets, parentheses and quotes."""
    depth = 0
    quote = ""
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (ch == "," or ch.isspace()):
            break
        i += 1
    if quote or depth:
        raise IntrinsicSyntaxError("unterminated path", start)
    return Token(Kind.PATH, text[start:i], start)
