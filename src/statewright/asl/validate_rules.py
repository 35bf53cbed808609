"""Validation of the rule lists inside states: Choice rules, retriers and catchers."""

from __future__ import annotations

from typing import Any, Final

from .validate_common import (
    JSONATA,
    MAX_INT,
    Collector,
    assign,
    child,
    expect_enum,
    expect_int,
    expect_string,
    is_number,
    jsonata_value,
    path_field,
    reference_path_ok,
    required_fields,
    unknown_fields,
)

_STRING_OPS: Final = ("StringEquals", "StringLessThan", "StringGreaterThan",
                      "StringLessThanEquals", "StringGreaterThanEquals")
_NUMERIC_OPS: Final = ("NumericEquals", "NumericLessThan", "NumericGreaterThan",
                       "NumericLessThanEquals", "NumericGreaterThanEquals")
_TIMESTAMP_OPS: Final = ("TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
                         "TimestampLessThanEquals", "TimestampGreaterThanEquals")
_TYPE_TESTS: Final = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")

# The literal comparison operators and what their value must be; each but StringMatches and the
# type tests also has a `…Path` twin whose value is a reference path.
_VALUE_KIND: Final[dict[str, str]] = {
    **{op: "string" for op in _STRING_OPS + _TIMESTAMP_OPS + ("StringMatches",)},
    **{op: "number" for op in _NUMERIC_OPS},
    "BooleanEquals": "boolean",
    **{op: "boolean" for op in _TYPE_TESTS},
}
_PATH_OPS: Final = frozenset(op + "Path" for op in _STRING_OPS + _NUMERIC_OPS + _TIMESTAMP_OPS
                             + ("BooleanEquals",))
_COMBINATORS: Final = ("And", "Or", "Not")
COMPARISONS: Final = frozenset(_VALUE_KIND) | _PATH_OPS

_JSONPATH_RULE_FIELDS: Final = frozenset({"Variable", "Comment", *COMPARISONS, *_COMBINATORS})
_JSONATA_RULE_FIELDS: Final = frozenset({"Condition", "Comment"})
# Only a top-level rule transitions, so only it has Next and may assign or shape output.
_TOP_RULE_EXTRA: Final = frozenset({"Next", "Assign"})

STATES_ALL: Final = "States.ALL"
_RETRIER_FIELDS: Final = frozenset({"ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                    "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"})
_CATCHER_JSONPATH: Final = frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"})
_CATCHER_JSONATA: Final = frozenset({"ErrorEquals", "Next", "Output", "Assign", "Comment"})


# --- Choice ----------------------------------------------------------------------------------------


def choice_rule(c: Collector, rule: Any, location: str, language: str, *, top: bool) -> None:
    """One rule of `Choices`; nested rules (under And/Or/Not) have no Next."""
    if not isinstance(rule, dict):
        c.schema("A Choice rule must be an object", location)
        return
    base = _JSONATA_RULE_FIELDS if language == JSONATA else _JSONPATH_RULE_FIELDS
    allowed = base | _TOP_RULE_EXTRA if top else base
    if top and language == JSONATA:
        allowed = allowed | {"Output"}
    unknown_fields(c, rule, allowed, location)
    if top:
        required_fields(c, rule, ("Next",), location)
        expect_string(c, rule, "Next", location)
        if "Assign" in rule:
            assign(c, rule["Assign"], child(location, "Assign"), language)
        if "Output" in rule and language == JSONATA:
            jsonata_value(c, rule["Output"], child(location, "Output"))
    if language == JSONATA:
        _jsonata_rule(c, rule, location)
    else:
        _jsonpath_rule(c, rule, location, language)


def _jsonata_rule(c: Collector, rule: dict[str, Any], location: str) -> None:
    if not required_fields(c, rule, ("Condition",), location):
        return
    condition = rule["Condition"]
    if isinstance(condition, bool):
        return
    if not (isinstance(condition, str) and condition.startswith("{%")):
        c.schema("Field 'Condition' must be a JSONata expression or a boolean",
                 child(location, "Condition"))
        return
    jsonata_value(c, condition, child(location, "Condition"))


def _jsonpath_rule(c: Collector, rule: dict[str, Any], location: str, language: str) -> None:
    operators = [k for k in rule if k in COMPARISONS or k in _COMBINATORS]
    if len(operators) != 1:
        names = f" (found {', '.join(operators)})" if operators else ""
        c.schema(f"A Choice rule must have exactly one comparison operator{names}", location)
        return
    op = operators[0]
    if op in _COMBINATORS:
        if "Variable" in rule:
            c.schema("Field 'Variable' is not supported", location)
        _combinator(c, rule, op, location, language)
        return
    if required_fields(c, rule, ("Variable",), location):
        path_field(c, rule, "Variable", location)
    _comparison_value(c, op, rule[op], child(location, op))


def _combinator(c: Collector, rule: dict[str, Any], op: str, location: str, language: str) -> None:
    where = child(location, op)
    value = rule[op]
    if op == "Not":
        if not isinstance(value, dict):
            c.schema("Field 'Not' must be an object", where)
            return
        choice_rule(c, value, where, language, top=False)
        return
    if not isinstance(value, list) or not value:
        c.schema(f"Field '{op}' must be a non-empty array", where)
        return
    for i, nested in enumerate(value):
        choice_rule(c, nested, child(where, i), language, top=False)


def _comparison_value(c: Collector, op: str, value: Any, location: str) -> None:
    if op in _PATH_OPS:
        if not reference_path_ok(value):
            c.schema(f"The value for the field '{op}' must be a valid ReferencePath", location)
        return
    kind = _VALUE_KIND[op]
    ok = (isinstance(value, str) if kind == "string"
          else isinstance(value, bool) if kind == "boolean" else is_number(value))
    if not ok:
        c.schema(f"Field '{op}' must be a {kind}", location)


# --- Retry and Catch -------------------------------------------------------------------------------


def retriers(c: Collector, value: Any, location: str) -> None:
    if not isinstance(value, list):
        c.schema("Field 'Retry' must be an array", location)
        return
    for i, retrier in enumerate(value):
        where = child(location, i)
        if not isinstance(retrier, dict):
            c.schema("A Retrier must be an object", where)
            continue
        unknown_fields(c, retrier, _RETRIER_FIELDS, where)
        _error_equals(c, retrier, where, last=i == len(value) - 1, what="Retrier")
        expect_int(c, retrier, "IntervalSeconds", where, 1)
        expect_int(c, retrier, "MaxAttempts", where, 0)
        expect_int(c, retrier, "MaxDelaySeconds", where, 1)
        _backoff_rate(c, retrier, where)
        expect_enum(c, retrier, "JitterStrategy", ("FULL", "NONE"), where)


def _backoff_rate(c: Collector, retrier: dict[str, Any], location: str) -> None:
    if "BackoffRate" not in retrier:
        return
    rate = retrier["BackoffRate"]
    where = child(location, "BackoffRate")
    if not is_number(rate):
        c.schema("Field 'BackoffRate' must be a number", where)
    elif rate < 1.0:
        c.schema("Field 'BackoffRate' must be greater than or equal to 1.0", where)
    elif rate > MAX_INT:
        c.schema(f"Field 'BackoffRate' must be less than or equal to {MAX_INT}", where)


def catchers(c: Collector, value: Any, location: str, language: str) -> None:
    if not isinstance(value, list):
        c.schema("Field 'Catch' must be an array", location)
        return
    allowed = _CATCHER_JSONATA if language == JSONATA else _CATCHER_JSONPATH
    for i, catcher in enumerate(value):
        where = child(location, i)
        if not isinstance(catcher, dict):
            c.schema("A Catcher must be an object", where)
            continue
        unknown_fields(c, catcher, allowed, where)
        _error_equals(c, catcher, where, last=i == len(value) - 1, what="Catcher")
        required_fields(c, catcher, ("Next",), where)
        expect_string(c, catcher, "Next", where)
        if language == JSONATA:
            if "Output" in catcher:
                jsonata_value(c, catcher["Output"], child(where, "Output"))
        else:
            path_field(c, catcher, "ResultPath", where, reference=True, nullable=True)
        if "Assign" in catcher:
            assign(c, catcher["Assign"], child(where, "Assign"), language)


def _error_equals(c: Collector, raw: dict[str, Any], location: str, *, last: bool,
                  what: str) -> None:
    if not required_fields(c, raw, ("ErrorEquals",), location):
        return
    errors = raw["ErrorEquals"]
    where = child(location, "ErrorEquals")
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        c.schema("Field 'ErrorEquals' must be a non-empty array of strings", where)
        return
    if STATES_ALL in errors:
        # A wildcard must stand alone and come last, or the matchers after it could never match.
        if len(errors) > 1:
            c.schema(f"'{STATES_ALL}' must appear alone in 'ErrorEquals'", where)
        if not last:
            c.schema(f"A {what} with '{STATES_ALL}' must be the last in its list", where)

