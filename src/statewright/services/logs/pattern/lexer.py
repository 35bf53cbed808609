"""Filter patterns, first stage: text → tokens, each with the position it starts at.

CloudWatch Logs has three pattern forms, told apart by their first character: `{` a JSON
pattern, `[` a space-delimited pattern, anything else a list of terms. Terms and expressions
are tokenized differently (in a term list `=` or `(` are ordinary characters), so there are
two entry points over one token type.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PatternError

# Token kinds.
LBRACE, RBRACE, LBRACKET, RBRACKET, LPAREN, RPAREN = "{", "}", "[", "]", "(", ")"
COMMA, AND, OR, OP = ",", "&&", "||", "OP"
STRING, REGEX, SELECTOR, WORD, END = "STRING", "REGEX", "SELECTOR", "WORD", "END"
# Term-list prefixes.
OPTIONAL, EXCLUDE = "?", "-"

_PUNCTUATION = {"{": LBRACE, "}": RBRACE, "[": LBRACKET, "]": RBRACKET, "(": LPAREN, ")": RPAREN,
                ",": COMMA}
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
# Characters that end a bare word inside an expression.
_WORD_STOP = set(" \t\r\n{}[](),=!<>&|\"%")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int  # 0-based offset in the pattern


def tokenize_terms(pattern: str) -> list[Token]:
    """A term list: words, `"quoted phrases"`, `%regex%`, each optionally prefixed by `?`
    (any of these) or `-` (none of these)."""
    tokens: list[Token] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char.isspace():
            i += 1
        elif char in "?-" and i + 1 < len(pattern) and not pattern[i + 1].isspace():
            tokens.append(Token(OPTIONAL if char == "?" else EXCLUDE, char, i))
            i += 1
        elif char == '"':
            start = i
            text, i = _quoted(pattern, i)
            tokens.append(Token(STRING, text, start))
        elif char == "%":
            start = i
            text, i = _regex(pattern, i)
            tokens.append(Token(REGEX, text, start))
        else:
            start = i
            while i < len(pattern) and not pattern[i].isspace() and pattern[i] != '"':
                i += 1
            tokens.append(Token(WORD, pattern[start:i], start))
    tokens.append(Token(END, "", len(pattern)))
    return tokens


def tokenize_expression(pattern: str) -> list[Token]:
    """A JSON (`{ … }`) or space-delimited (`[ … ]`) pattern."""
    tokens: list[Token] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char.isspace():
            i += 1
        elif char == "$":
            # A selector keeps its `[n]` steps: `[` and `]` only delimit outside selectors.
            start = i
            while i < len(pattern) and (pattern[i] not in _WORD_STOP or pattern[i] in "[]"):
                i += 1
            tokens.append(Token(SELECTOR, pattern[start:i], start))
        elif char in _PUNCTUATION:
            tokens.append(Token(_PUNCTUATION[char], char, i))
            i += 1
        elif pattern.startswith("&&", i) or pattern.startswith("||", i):
            tokens.append(Token(pattern[i:i + 2], pattern[i:i + 2], i))
            i += 2
        elif char in "=!<>":
            operator = next((op for op in _OPERATORS if pattern.startswith(op, i)), None)
            if operator is None:
                raise PatternError(f"unexpected character '{char}'", i)
            tokens.append(Token(OP, operator, i))
            i += len(operator)
        elif char == '"':
            start = i
            text, i = _quoted(pattern, i)
            tokens.append(Token(STRING, text, start))
        elif char == "%":
            start = i
            text, i = _regex(pattern, i)
            tokens.append(Token(REGEX, text, start))
        elif char in "&|":
            raise PatternError(f"'{char}' must be doubled ('{char * 2}')", i)
        else:
            start = i
            while i < len(pattern) and pattern[i] not in _WORD_STOP:
                i += 1
            tokens.append(Token(WORD, pattern[start:i], start))
    tokens.append(Token(END, "", len(pattern)))
    return tokens


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """The text of a double-quoted string at `start` (backslash escapes `"` and `\\`) and the
    offset after its closing quote."""
    out: list[str] = []
    i = start + 1
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
        elif char == '"':
            return "".join(out), i + 1
        else:
            out.append(char)
            i += 1
    raise PatternError("unterminated quoted string", start)


def _regex(pattern: str, start: int) -> tuple[str, int]:
    end = pattern.find("%", start + 1)
    if end < 0:
        raise PatternError("unterminated regular expression (it must end with '%')", start)
    if end == start + 1:
        raise PatternError("empty regular expression", start)
    return pattern[start + 1:end], end + 1
