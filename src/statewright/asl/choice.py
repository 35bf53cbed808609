"""Choice rules in JSONPath mode: compile a rule once, then evaluate it against a state's data.

A rule compiles to a small tree of frozen dataclasses: a `Comparison` (`StringEquals`, `NumericLessThanPath`,
...), a `TypeTest` (`IsNull`, `IsPresent`, ...) or a boolean combinator (`And`, `Or`, `Not`). The tree holds
operands already prepared for comparing (timestamps parsed, wildcard patterns tokenised), so evaluating a
rule does no parsing. Paths are not walked here: the engine supplies `resolve`, which knows about `$`, `$$`
and `$variable` roots.

Semantics follow AWS (recorded in ../shared/conformance, choice_operators cases):
- a value of the wrong type for the operator makes the comparison false, never an error (a number is never
  a string, a boolean is never a number, a string that is not a timestamp is not a timestamp);
- a `Variable` (or `...Path` operand) that names nothing fails the execution with States.Runtime, except for
  `IsPresent`, whose whole purpose is to ask that question;
- `And`/`Or` short-circuit, which is what makes `And: [IsPresent, StringEquals]` safe on a missing field.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from statewright.asl.errors import RUNTIME, StatesError
from statewright.asl.paths import PathError, PathNotFound, compile_path

Resolve = Callable[[str], Any]

# Keys a rule may carry that say what happens after it matched, not whether it matches.
_IGNORED_KEYS = frozenset({"Next", "Comment", "Assign", "Output"})

_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

_TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
_COMBINATORS = ("And", "Or", "Not")


def _missing(path: str) -> StatesError:
    # AWS's wording; the engine prefixes "An error occurred while executing the state ...".
    return StatesError(
        RUNTIME, f"Invalid path '{path}': The choice state's condition path references an invalid value."
    )


# ---------------------------------------------------------------------------------------------------------
# Timestamps


# RFC 3339 as AWS restricts it: an uppercase T between date and time, and an uppercase Z unless a numeric
# offset is given. Fractions are kept to the nanosecond (as Java's parser does), which `datetime` cannot.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_timestamp(text: str) -> int | None:
    """Nanoseconds since the Unix epoch for an AWS-valid timestamp string, else None."""
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    offset = timedelta(0)
    if m.group(9):
        off_h, off_m = int(m.group(10)), int(m.group(11))
        if off_h > 23 or off_m > 59:
            return None
        offset = timedelta(hours=off_h, minutes=off_m) * (-1 if m.group(9) == "-" else 1)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    except ValueError:  # Feb 30, hour 24, second 60 ...
        return None
    whole = (moment - _EPOCH) // timedelta(seconds=1)
    fraction = int((m.group(7) or "").ljust(9, "0"))
    return whole * 1_000_000_000 + fraction


# ---------------------------------------------------------------------------------------------------------
# How each operator family sees a JSON value: a comparable key, or None when the value is the wrong type.


def _string_key(value: Any) -> bytes | None:
    # AWS orders strings as Java does, by UTF-16 code units; big-endian UTF-16 bytes sort the same way
    # (Python's own str order, by code point, differs above U+FFFF).
    return value.encode("utf-16-be", "surrogatepass") if isinstance(value, str) else None


def _number_key(value: Any) -> int | float | None:
    # JSON true/false are not numbers, though Python's bool is an int.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _boolean_key(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _timestamp_key(value: Any) -> int | None:
    return parse_timestamp(value) if isinstance(value, str) else None


_KINDS: dict[str, Callable[[Any], Any]] = {
    "String": _string_key,
    "Numeric": _number_key,
    "Boolean": _boolean_key,
    "Timestamp": _timestamp_key,
}

_KIND_NOUNS = {
    "String": "a string",
    "Numeric": "a number",
    "Boolean": "a boolean",
    "Timestamp": "a timestamp",
}


def _operator_table() -> dict[str, tuple[str, str, bool]]:
    """Every comparison operator name -> (kind, relation, operand is a path)."""
    table: dict[str, tuple[str, str, bool]] = {}
    for kind in _KINDS:
        relations = ["Equals"] if kind == "Boolean" else list(_RELATIONS)
        for relation in relations:
            table[kind + relation] = (kind, relation, False)
            table[kind + relation + "Path"] = (kind, relation, True)
    table["StringMatches"] = ("String", "Matches", False)
    return table


_OPERATORS = _operator_table()


# ---------------------------------------------------------------------------------------------------------
# StringMatches: `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.

_STAR = None  # the wildcard token; every other token is one literal character


def _wildcard_tokens(pattern: str) -> tuple[str | None, ...]:
    tokens: list[str | None] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            tokens.append(pattern[i + 1])
            i += 2
            continue
        if ch == "*":
            if not tokens or tokens[-1] is not _STAR:  # `**` means the same as `*`
                tokens.append(_STAR)
        else:
            tokens.append(ch)
        i += 1
    return tuple(tokens)


def _wildcard_match(tokens: tuple[str | None, ...], text: str) -> bool:
    # Greedy matching that backtracks only to the last star: O(len(text) * len(tokens)) at worst, where a
    # translated regular expression can go exponential on patterns such as `*a*a*a*b`.
    t = p = 0
    last_star, resume_at = -1, 0
    while t < len(text):
        if p < len(tokens) and tokens[p] is not _STAR and tokens[p] == text[t]:
            p += 1
            t += 1
        elif p < len(tokens) and tokens[p] is _STAR:
            last_star, resume_at = p, t
            p += 1
        elif last_star >= 0:
            p = last_star + 1
            resume_at += 1
            t = resume_at
        else:
            return False
    while p < len(tokens) and tokens[p] is _STAR:
        p += 1
    return p == len(tokens)


# ---------------------------------------------------------------------------------------------------------
# The rule tree


@dataclass(frozen=True)
class Comparison:
    """`Variable` compared with a literal (`path` is None) or with the value at `path` (`...Path` forms).

    `operand` is the literal already turned into its comparable key (see `_KINDS`); for StringMatches it
    is the tokenised pattern.
    """

    variable: str
    operator: str  # the AWS name, e.g. "NumericLessThanPath"
    kind: str  # String, Numeric, Boolean or Timestamp
    relation: str  # Equals, LessThan, ..., or Matches
    operand: Any = None
    path: str | None = None

    def holds(self, resolve: Resolve) -> bool:
        value = _resolve(resolve, self.variable)
        if self.relation == "Matches":
            return isinstance(value, str) and _wildcard_match(self.operand, value)
        key_of = _KINDS[self.kind]
        left = key_of(value)
        right = self.operand if self.path is None else key_of(_resolve(resolve, self.path))
        if left is None or right is None:
            return False
        return _RELATIONS[self.relation](left, right)


@dataclass(frozen=True)
class TypeTest:
    """`IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean` or `IsTimestamp` against `expected`."""

    variable: str
    test: str
    expected: bool

    def holds(self, resolve: Resolve) -> bool:
        if self.test == "IsPresent":
            try:
                resolve(self.variable)
            except PathNotFound:
                return not self.expected
            return self.expected
        return _is_type(self.test, _resolve(resolve, self.variable)) == self.expected


@dataclass(frozen=True)
class And:
    """True when every rule holds; stops at the first that does not."""

    rules: tuple[Rule, ...]

    def holds(self, resolve: Resolve) -> bool:
        return all(rule.holds(resolve) for rule in self.rules)


@dataclass(frozen=True)
class Or:
    """True when any rule holds; stops at the first that does."""

    rules: tuple[Rule, ...]

    def holds(self, resolve: Resolve) -> bool:
        return any(rule.holds(resolve) for rule in self.rules)


@dataclass(frozen=True)
class Not:
    """True when `rule` does not hold (an error inside it is still an error)."""

    rule: Rule

    def holds(self, resolve: Resolve) -> bool:
        return not self.rule.holds(resolve)


Rule = Comparison | TypeTest | And | Or | Not


def _resolve(resolve: Resolve, path: str) -> Any:
    try:
        return resolve(path)
    except PathNotFound:
        raise _missing(path) from None


def _is_type(test: str, value: Any) -> bool:
    if test == "IsNull":
        return value is None
    if test == "IsNumeric":
        return _number_key(value) is not None
    if test == "IsString":
        return isinstance(value, str)
    if test == "IsBoolean":
        return isinstance(value, bool)
    return _timestamp_key(value) is not None  # IsTimestamp


def evaluate(rule: Rule, resolve: Resolve) -> bool:
    """Whether `rule` holds. `resolve(path)` returns the value a path names or raises PathNotFound.

    Raises StatesError(States.Runtime) when a compared path names nothing.
    """
    return rule.holds(resolve)


# ---------------------------------------------------------------------------------------------------------
# Compiling


def compile_rule(rule: dict[str, Any]) -> Rule:
    """Compile one JSONPath-mode Choice rule (top-level `Next`/`Comment`/`Assign`/`Output` are ignored).

    Raises ValueError naming the field and the problem for a malformed rule.
    """
    return _compile(rule, "Choice rule")


def _compile(rule: Any, where: str) -> Rule:
    if not isinstance(rule, dict):
        raise ValueError(f"{where} must be an object, got {_show(rule)}")
    if "Condition" in rule:
        raise ValueError(f"{where}: 'Condition' is JSONata; JSONPath rules use 'Variable' and an operator")
    fields = [key for key in rule if key not in _IGNORED_KEYS]
    unknown = [
        key
        for key in fields
        if key != "Variable" and key not in _OPERATORS and key not in _TYPE_TESTS and key not in _COMBINATORS
    ]
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}")
    ops = [key for key in fields if key != "Variable"]
    if len(ops) != 1:
        found = ", ".join(ops) if ops else "none"
        raise ValueError(f"{where} must have exactly one operator (found: {found})")
    op = ops[0]
    if op in _COMBINATORS:
        if "Variable" in rule:
            raise ValueError(f"{where}: 'Variable' is not allowed with {op!r}")
        return _compile_combinator(op, rule[op], where)
    variable = _reference_path(rule, "Variable", where)
    if op in _TYPE_TESTS:
        expected = rule[op]
        if not isinstance(expected, bool):
            raise ValueError(f"{where}: {op} must be true or false, got {_show(expected)}")
        return TypeTest(variable, op, expected)
    return _compile_comparison(op, rule, variable, where)


def _compile_combinator(op: str, body: Any, where: str) -> Rule:
    if op == "Not":
        return Not(_compile(body, f"{where}.Not"))
    if not isinstance(body, list) or not body:
        raise ValueError(f"{where}: {op} must be a non-empty array of rules, got {_show(body)}")
    rules = tuple(_compile(child, f"{where}.{op}[{i}]") for i, child in enumerate(body))
    return And(rules) if op == "And" else Or(rules)


def _compile_comparison(op: str, rule: dict[str, Any], variable: str, where: str) -> Comparison:
    kind, relation, by_path = _OPERATORS[op]
    if by_path:
        return Comparison(variable, op, kind, relation, path=_reference_path(rule, op, where))
    literal = rule[op]
    if relation == "Matches":
        if not isinstance(literal, str):
            raise ValueError(f"{where}: {op} must be a string, got {_show(literal)}")
        return Comparison(variable, op, kind, relation, operand=_wildcard_tokens(literal))
    key = _KINDS[kind](literal)
    if key is None:
        raise ValueError(f"{where}: {op} must be {_KIND_NOUNS[kind]}, got {_show(literal)}")
    return Comparison(variable, op, kind, relation, operand=key)


def _reference_path(rule: dict[str, Any], field: str, where: str) -> str:
    if field not in rule:
        raise ValueError(f"{where}: 'Variable' is required")
    text = rule[field]
    # AWS accepts any JSONPath here (a query such as `$.list[*]` compares the list it yields),
    # so anything that compiles is allowed; only text that is no path at all is refused.
    if not isinstance(text, str) or not _compiles(text):
        raise ValueError(f"{where}: {field} must be a JSONPath such as '$.a.b', got {_show(text)}")
    return text


def _compiles(text: str) -> bool:
    try:
        compile_path(text)
    except PathError:
        return False
    return True


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
