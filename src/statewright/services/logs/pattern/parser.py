"""Filter patterns, second stage: tokens → a `Pattern` (see `types.py`), with AWS's forms:

- terms: `ERROR`, `"Internal Server Error"`, `?ERROR ?WARN`, `ERROR -Exiting`, `%reg[ex]%`;
- JSON: `{ $.level = "ERROR" }`, `{ $.latency > 1000 && ($.a = x* || $.b IS TRUE) }`,
  `{ $.user.id NOT EXISTS }`, `{ $.list[0] = 1 }`;
- space-delimited: `[ip, user, ..., status_code = 4*, bytes > 1000]`.
"""

from __future__ import annotations

import re

from . import lexer
from .errors import PatternError
from .lexer import Token
from .types import (
    ELLIPSIS,
    And,
    Check,
    Compare,
    Condition,
    DelimitedPattern,
    JsonPattern,
    Or,
    Pattern,
    Term,
    TermsPattern,
    Value,
)

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SELECTOR_STEP = re.compile(r"\.([A-Za-z0-9_@:-]+)|\[(\d+)\]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse(pattern: str) -> Pattern:
    """The pattern `pattern` stands for; `PatternError` (with a position) when it is malformed."""
    stripped = pattern.strip()
    if stripped.startswith("{"):
        return _Expression(lexer.tokenize_expression(pattern)).json()
    if stripped.startswith("["):
        return _Expression(lexer.tokenize_expression(pattern)).delimited()
    return _terms(lexer.tokenize_terms(pattern))


def _terms(tokens: list[Token]) -> TermsPattern:
    required: list[Term] = []
    optional: list[Term] = []
    excluded: list[Term] = []
    target = required
    for token in tokens:
        if token.kind == lexer.END:
            break
        if token.kind in (lexer.OPTIONAL, lexer.EXCLUDE):
            target = optional if token.kind == lexer.OPTIONAL else excluded
            continue
        if token.kind == lexer.REGEX:
            target.append(Term(_checked_regex(token), regex=True))
        else:
            target.append(Term(token.text))
        target = required
    # A quoted empty phrase (`""`) matches everything, as an empty pattern does.
    required = [term for term in required if term.text]
    return TermsPattern(tuple(required), tuple(optional), tuple(excluded))


def _checked_regex(token: Token) -> str:
    # AWS's regex filters have no groups; a pattern Python cannot compile is reported here.
    if "(" in token.text or ")" in token.text:
        raise PatternError("regular expressions in filter patterns cannot use '(' or ')'", token.position)
    try:
        re.compile(token.text)
    except re.error as error:
        raise PatternError(f"invalid regular expression: {error.msg}", token.position) from None
    return token.text


class _Expression:
    """A recursive-descent reader over the tokens of a JSON or space-delimited pattern."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self, kind: str, what: str) -> Token:
        token = self.token
        if token.kind != kind:
            found = f"'{token.text}'" if token.kind != lexer.END else "the end of the pattern"
            raise PatternError(f"expected {what} but found {found}", token.position)
        self.at += 1
        return token

    def json(self) -> JsonPattern:
        self.take(lexer.LBRACE, "'{'")
        condition = self.disjunction(self.json_comparison)
        self.take(lexer.RBRACE, "'}'")
        self.take(lexer.END, "the end of the pattern")
        return JsonPattern(condition)

    def delimited(self) -> DelimitedPattern:
        self.take(lexer.LBRACKET, "'['")
        fields: list[str] = []
        conditions: list[Condition] = []
        while self.token.kind != lexer.RBRACKET:
            if fields:
                self.take(lexer.COMMA, "',' or ']'")
            name = self.take(lexer.WORD, "a field name or '...'")
            if name.text != ELLIPSIS and not _NAME.fullmatch(name.text):
                raise PatternError(f"'{name.text}' is not a valid field name", name.position)
            if name.text in fields and name.text != ELLIPSIS:
                raise PatternError(f"the field '{name.text}' is named twice", name.position)
            fields.append(name.text)
            if self.token.kind == lexer.OP:
                if name.text == ELLIPSIS:
                    raise PatternError("'...' cannot have a condition", self.token.position)
                self.at -= 1  # re-read the name as the first comparison's field
                conditions.append(self.disjunction(self.delimited_comparison))
        self.take(lexer.RBRACKET, "']'")
        self.take(lexer.END, "the end of the pattern")
        for condition in conditions:
            _check_names(condition, fields)
        return DelimitedPattern(tuple(fields), tuple(conditions))

    def disjunction(self, comparison) -> Condition:  # type: ignore[no-untyped-def]
        left = self.conjunction(comparison)
        while self.token.kind == lexer.OR:
            self.at += 1
            left = Or(left, self.conjunction(comparison))
        return left

    def conjunction(self, comparison) -> Condition:  # type: ignore[no-untyped-def]
        left = self.primary(comparison)
        while self.token.kind == lexer.AND:
            self.at += 1
            left = And(left, self.primary(comparison))
        return left

    def primary(self, comparison) -> Condition:  # type: ignore[no-untyped-def]
        if self.token.kind == lexer.LPAREN:
            self.at += 1
            inner = self.disjunction(comparison)
            self.take(lexer.RPAREN, "')'")
            return inner
        result: Condition = comparison()
        return result

    def json_comparison(self) -> Condition:
        selector = self.take(lexer.SELECTOR, "a selector such as '$.field'")
        field = _selector(selector)
        if self.token.kind == lexer.WORD and self.token.text.upper() in ("IS", "NOT", "EXISTS"):
            return Check(field, self.check())
        operator = self.take(lexer.OP, "a comparison operator (=, !=, <, <=, >, >=), IS or NOT EXISTS")
        return Compare(field, operator.text, self.value(operator))

    def check(self) -> str:
        word = self.take(lexer.WORD, "IS, NOT or EXISTS")
        keyword = word.text.upper()
        if keyword == "EXISTS":
            return "exists"
        if keyword == "NOT":
            follow = self.take(lexer.WORD, "EXISTS")
            if follow.text.upper() != "EXISTS":
                raise PatternError(f"expected EXISTS but found '{follow.text}'", follow.position)
            return "not exists"
        follow = self.take(lexer.WORD, "TRUE, FALSE or NULL")
        if follow.text.upper() not in ("TRUE", "FALSE", "NULL"):
            raise PatternError(f"expected TRUE, FALSE or NULL but found '{follow.text}'", follow.position)
        return follow.text.lower()

    def delimited_comparison(self) -> Condition:
        name = self.take(lexer.WORD, "a field name")
        operator = self.take(lexer.OP, "a comparison operator (=, !=, <, <=, >, >=)")
        return Compare((name.text,), operator.text, self.value(operator))

    def value(self, operator: Token) -> Value:
        token = self.token
        if token.kind == lexer.STRING:
            value = Value("string", token.text)
        elif token.kind == lexer.REGEX:
            value = Value("regex", _checked_regex(token))
        elif token.kind == lexer.WORD and _NUMBER.fullmatch(token.text):
            value = Value("number", token.text, float(token.text))
        elif token.kind == lexer.WORD:
            value = Value("string", token.text)
        else:
            found = f"'{token.text}'" if token.kind != lexer.END else "the end of the pattern"
            raise PatternError(f"expected a value but found {found}", token.position)
        if value.kind != "number" and operator.text not in ("=", "!="):
            raise PatternError(f"'{operator.text}' compares numbers only", operator.position)
        self.at += 1
        return value


def _selector(token: Token) -> tuple[str | int, ...]:
    text = token.text
    if not text.startswith("$") or len(text) < 3:
        raise PatternError(f"'{text}' is not a selector such as '$.field'", token.position)
    steps: list[str | int] = []
    i = 1
    while i < len(text):
        match = _SELECTOR_STEP.match(text, i)
        if match is None:
            raise PatternError(f"unexpected '{text[i]}' in the selector '{text}'", token.position + i)
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        i = match.end()
    return tuple(steps)


def _check_names(condition: Condition, fields: list[str]) -> None:
    if isinstance(condition, (And, Or)):
        _check_names(condition.left, fields)
        _check_names(condition.right, fields)
    elif condition.field[0] not in fields:
        raise PatternError(f"the condition names '{condition.field[0]}', which is not a field of the pattern", 0)
