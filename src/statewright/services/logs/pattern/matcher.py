"""Filter patterns, third stage: does a parsed pattern match a log event's message?

Semantics, from AWS's filter pattern documentation: terms match case-sensitively anywhere in
the message; JSON patterns apply only to messages that are JSON objects; space-delimited
patterns split the message on spaces, a `"…"` or `[…]` run being one field (without its
quotes or brackets). A comparison with a field that is absent is false (`!=` included).
String values match whole field values, `*` standing for any run of characters; numbers
compare numerically; `%regex%` searches the field's text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from .types import (
    ELLIPSIS,
    And,
    Check,
    Condition,
    DelimitedPattern,
    JsonPattern,
    Or,
    Pattern,
    Term,
    TermsPattern,
    Value,
)

_MISSING = object()


def matches(pattern: Pattern, message: str) -> bool:
    if isinstance(pattern, TermsPattern):
        return _terms(pattern, message)
    if isinstance(pattern, JsonPattern):
        document = _json_object(message)
        return document is not None and _holds(pattern.condition, lambda path: _select(document, path))
    return _delimited(pattern, message)


def _term(term: Term, message: str) -> bool:
    if term.regex:
        return _regex(term.text).search(message) is not None
    return term.text in message


def _terms(pattern: TermsPattern, message: str) -> bool:
    if not all(_term(term, message) for term in pattern.required):
        return False
    if pattern.optional and not any(_term(term, message) for term in pattern.optional):
        return False
    return not any(_term(term, message) for term in pattern.excluded)


def _json_object(message: str) -> dict[str, Any] | None:
    text = message.strip()
    if not text.startswith("{"):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _select(document: Any, path: tuple[str | int, ...]) -> Any:
    current = document
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or step >= len(current):
                return _MISSING
            current = current[step]
        elif isinstance(current, dict) and step in current:
            current = current[step]
        else:
            return _MISSING
    return current


def _holds(condition: Condition, lookup: Any) -> bool:
    if isinstance(condition, And):
        return _holds(condition.left, lookup) and _holds(condition.right, lookup)
    if isinstance(condition, Or):
        return _holds(condition.left, lookup) or _holds(condition.right, lookup)
    found = lookup(condition.field)
    if isinstance(condition, Check):
        return _check(condition.test, found)
    if found is _MISSING:
        return False
    return _compare(found, condition.op, condition.value)


def _check(test: str, found: Any) -> bool:
    if test == "exists":
        return found is not _MISSING
    if test == "not exists":
        return found is _MISSING
    if test == "null":
        return found is None
    return found is (test == "true")


def _compare(found: Any, op: str, value: Value) -> bool:
    if value.kind == "number":
        number = _as_number(found)
        if number is None:
            return False
        return {"=": number == value.number, "!=": number != value.number, "<": number < value.number,
                "<=": number <= value.number, ">": number > value.number, ">=": number >= value.number}[op]
    if isinstance(found, (dict, list)) or found is None:
        return False
    text = _text(found)
    if value.kind == "regex":
        hit = _regex(value.text).search(text) is not None
    else:
        hit = _wildcard(value.text).fullmatch(text) is not None
    return hit if op == "=" else not hit


def _as_number(found: Any) -> float | None:
    if isinstance(found, bool):
        return None
    if isinstance(found, (int, float)):
        return float(found)
    if isinstance(found, str):
        try:
            return float(found)
        except ValueError:
            return None
    return None


def _text(found: Any) -> str:
    if isinstance(found, bool):
        return "true" if found else "false"
    return str(found)


@lru_cache(maxsize=256)
def _regex(text: str) -> re.Pattern[str]:
    return re.compile(text)


@lru_cache(maxsize=256)
def _wildcard(text: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


def split_fields(message: str) -> list[str]:
    """A message's space-delimited fields: `"…"` and `[…]` runs are one field each, without
    their quotes or brackets."""
    fields: list[str] = []
    i, size = 0, len(message)
    while i < size:
        if message[i] == " ":
            i += 1
            continue
        closer = {'"': '"', "[": "]"}.get(message[i])
        if closer is not None:
            end = message.find(closer, i + 1)
            if end >= 0:
                fields.append(message[i + 1:end])
                i = end + 1
                continue
        end = message.find(" ", i)
        end = size if end < 0 else end
        fields.append(message[i:end])
        i = end
    return fields


def _delimited(pattern: DelimitedPattern, message: str) -> bool:
    values = _bind(pattern.fields, split_fields(message))
    if values is None:
        return False
    return all(_holds(condition, lambda path: values.get(str(path[0]), _MISSING))
               for condition in pattern.conditions)


def _bind(names: tuple[str, ...], fields: list[str]) -> dict[str, str] | None:
    """Field values by name, or None when the message has too few or too many fields. Each
    `...` takes as many fields as the others leave (several `...` share them, leftmost first
    taking none), which is how AWS lines up patterns such as `[..., status, bytes]`."""
    fixed = sum(1 for name in names if name != ELLIPSIS)
    spare = len(fields) - fixed
    gaps = sum(1 for name in names if name == ELLIPSIS)
    if spare < 0 or (gaps == 0 and spare != 0):
        return None
    values: dict[str, str] = {}
    at, gaps_left = 0, gaps
    for name in names:
        if name == ELLIPSIS:
            gaps_left -= 1
            if gaps_left == 0:
                at += spare
                spare = 0
            continue
        values[name] = fields[at]
        at += 1
    return values
