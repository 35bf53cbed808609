"""Contracts only: the parsed forms of a filter pattern (what the parser builds and the matcher
walks)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    """The right-hand side of a comparison: `kind` is "number", "string" (where `*` is a
    wildcard) or "regex"."""

    kind: str
    text: str
    number: float = 0.0


@dataclass(frozen=True)
class Compare:
    """`<field> <op> <value>`: `field` is a JSON selector's steps or a delimited field's name."""

    field: tuple[str | int, ...]
    op: str
    value: Value


@dataclass(frozen=True)
class Check:
    """`IS TRUE` / `IS FALSE` / `IS NULL` / `NOT EXISTS` / `EXISTS` on a JSON field."""

    field: tuple[str | int, ...]
    test: str  # "true", "false", "null", "exists", "not exists"


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


Condition = Compare | Check | And | Or


@dataclass(frozen=True)
class Term:
    """A word or quoted phrase (`regex` False: a case-sensitive substring) or a `%regex%`."""

    text: str
    regex: bool = False


@dataclass(frozen=True)
class TermsPattern:
    """Unstructured text: every `required` term, at least one `optional` (`?`) term when there
    are any, and none of the `excluded` (`-`) terms."""

    required: tuple[Term, ...] = ()
    optional: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()


@dataclass(frozen=True)
class JsonPattern:
    """`{ condition }` over a JSON log event."""

    condition: Condition


@dataclass(frozen=True)
class DelimitedPattern:
    """`[a, b, ..., c = 1]`: named fields (`...` matches any number of fields) and the
    conditions written in them, all of which must hold."""

    fields: tuple[str, ...]
    conditions: tuple[Condition, ...]


ELLIPSIS = "..."

Pattern = TermsPattern | JsonPattern | DelimitedPattern
