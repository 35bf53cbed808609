"""Choice rules: the recorded AWS cases (choice_operators), then the corners those do not reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statewright.asl import paths
from statewright.asl.choice import (
    And,
    Comparison,
    Not,
    Or,
    TypeTest,
    compile_rule,
    evaluate,
    parse_timestamp,
)
from statewright.asl.errors import StatesError

# ../shared next to the repository root (tests/asl/test_choice.py -> parents[2] is the repo).
CASES_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "cases.jsonl"


def _choice_cases() -> list[dict[str, Any]]:
    if not CASES_FILE.exists():
        return []
    with CASES_FILE.open(encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh if line.strip()]
    return [c for c in cases if "choice_operators" in c.get("test_id", "")]


CASES = _choice_cases()


def _resolver(doc: Any) -> Any:
    return lambda text: paths.compile_path(text).get(doc)


def _branch_taken(choice: dict[str, Any], doc: Any) -> str | None:
    resolve = _resolver(doc)
    for raw in choice["Choices"]:
        if evaluate(compile_rule(raw), resolve):
            return str(raw["Next"])
    default = choice.get("Default")
    return None if default is None else str(default)


def _branch_expected(case: dict[str, Any]) -> str:
    # Each branch is a Pass state with its own Result, so the recorded output names the branch that ran.
    states = case["definition"]["States"]
    output = case["expected"]["output"]
    named = [n for n, s in states.items() if s["Type"] == "Pass" and "Result" in s and s["Result"] == output]
    assert len(named) == 1, f"output {output!r} does not single out a branch"
    return str(named[0])


@pytest.mark.skipif(not CASES, reason="../shared/conformance/cases.jsonl is not present")
@pytest.mark.parametrize("case", CASES or [{}], ids=lambda c: c["id"].split("::")[-1] if c else "none")
def test_recorded_choice_operator_case(case: dict[str, Any]) -> None:
    definition = case["definition"]
    choice = definition["States"][definition["StartAt"]]
    assert choice["Type"] == "Choice"
    assert case["expected"]["status"] == "SUCCEEDED"
    assert _branch_taken(choice, case["input"]) == _branch_expected(case)


def test_recorded_cases_are_all_there() -> None:
    if not CASES:
        pytest.skip("../shared/conformance/cases.jsonl is not present")
    assert len(CASES) == 290


# ----------------------------------------------------------------------------------------------------------
# helpers for the unit tests


def holds(rule: dict[str, Any], doc: Any) -> bool:
    return evaluate(compile_rule(rule), _resolver(doc))


def matches(pattern: str, text: str) -> bool:
    return holds({"Variable": "$.v", "StringMatches": pattern}, {"v": text})


# ----------------------------------------------------------------------------------------------------------
# StringMatches


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("log-*.txt", "log-2024.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "log-1.txt.gz", False),
        ("*", "", True),
        ("", "", True),
        ("", "a", False),
        ("a*b*c", "abc", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "acb", False),
        ("**a", "xa", True),
        ("*a*a*a*a*a*a*b", "a" * 200, False),
        ("exact", "exact", True),
        ("exact", "Exact", False),
        ("a.b", "aXb", False),  # only * is special; . ? [ ] are literal
        ("a?", "ab", False),
        ("a?", "a?", True),
        ("[ab]", "[ab]", True),
    ],
)
def test_string_matches_wildcards(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


def test_string_matches_escaped_star_is_literal() -> None:
    # JSON "a\\*b" is the text a\*b: a literal star, not a wildcard.
    assert matches("a\\*b", "a*b")
    assert not matches("a\\*b", "aXb")
    assert matches("\\**", "*anything")
    assert not matches("\\**", "anything")


def test_string_matches_escaped_backslash_is_one_backslash() -> None:
    # JSON "a\\\\*" is a\\* : one literal backslash, then a wildcard.
    assert matches("a\\\\*", "a\\")
    assert matches("a\\\\*", "a\\tail")
    assert not matches("a\\\\*", "a")
    assert matches("a\\\\\\*", "a\\*")  # a\\\* : backslash, then literal star


def test_string_matches_lone_backslash_is_literal() -> None:
    assert matches("a\\b", "a\\b")
    assert matches("end\\", "end\\")


def test_string_matches_non_string_is_false() -> None:
    for value in (1, None, True, ["a"], {"a": 1}):
        assert not holds({"Variable": "$.v", "StringMatches": "*"}, {"v": value})


# ----------------------------------------------------------------------------------------------------------
# Strings and numbers


def test_string_order_is_utf16_code_units_like_aws() -> None:
    # U+FF5E is above the surrogates (U+D800..) in code points but below them in UTF-16: Java says
    # "\U0001F600" < "\uFF5E"; Python's str order says the opposite.
    doc = {"v": "\U0001f600"}
    assert holds({"Variable": "$.v", "StringLessThan": "\uff5e"}, doc)
    assert not holds({"Variable": "$.v", "StringGreaterThan": "\uff5e"}, doc)


def test_string_operators_ignore_other_types() -> None:
    values: list[Any] = [1, 1.5, True, None, [], {}]
    for value in values:
        doc = {"v": value, "s": "1"}
        assert not holds({"Variable": "$.v", "StringEquals": "1"}, doc)
        assert not holds({"Variable": "$.v", "StringLessThanEquals": "zzz"}, doc)
        assert not holds({"Variable": "$.s", "StringEqualsPath": "$.v"}, doc)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("NumericEquals", 1, 1.0, True),
        ("NumericEquals", 0.1 + 0.2, 0.3, False),
        ("NumericLessThan", -1, 0, True),
        ("NumericGreaterThan", 2**63, 2**63 - 1, True),
        ("NumericLessThanEquals", 2.5, 2.5, True),
        ("NumericGreaterThanEquals", 2, 2.5, False),
    ],
)
def test_numeric_operators(op: str, left: Any, right: Any, expected: bool) -> None:
    assert holds({"Variable": "$.v", op: right}, {"v": left}) is expected
    assert holds({"Variable": "$.v", op + "Path": "$.w"}, {"v": left, "w": right}) is expected


def test_booleans_are_not_numbers_and_numbers_not_booleans() -> None:
    assert not holds({"Variable": "$.v", "NumericEquals": 1}, {"v": True})
    assert not holds({"Variable": "$.v", "BooleanEquals": False}, {"v": 0})
    assert not holds({"Variable": "$.v", "IsNumeric": True}, {"v": False})
    assert holds({"Variable": "$.v", "BooleanEqualsPath": "$.w"}, {"v": False, "w": False})
    assert not holds({"Variable": "$.v", "BooleanEqualsPath": "$.w"}, {"v": False, "w": 0})


# ----------------------------------------------------------------------------------------------------------
# Timestamps


@pytest.mark.parametrize(
    "text",
    [
        "2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00.1Z",
        "2016-03-14T01:59:00.123456789Z",
        "2016-03-14T01:59:00+01:00",
        "2016-03-14T01:59:00-05:30",
        "2016-02-29T00:00:00Z",
    ],
)
def test_valid_timestamps(text: str) -> None:
    assert parse_timestamp(text) is not None
    assert holds({"Variable": "$.v", "IsTimestamp": True}, {"v": text})


@pytest.mark.parametrize(
    "text",
    [
        "2016-03-14t01:59:00Z",  # lowercase t
        "2016-03-14T01:59:00z",  # lowercase z
        "2016-03-14 01:59:00Z",  # space separator
        "2016-03-14T01:59:00",  # no zone
        "2016-03-14",  # date only
        "2016-03-14T01:59Z",  # no seconds
        "2016-03-14T01:59:00+0100",  # offset without colon
        "2016-03-14T01:59:00.Z",  # empty fraction
        "2016-03-14T01:59:00.1234567890Z",  # beyond nanoseconds
        "2015-02-29T00:00:00Z",  # not a leap year
        "2016-03-14T24:00:00Z",
        "2016-03-14T01:59:60Z",
        "2016-03-14T01:59:00+24:00",
        "２０16-03-14T01:59:00Z",  # non-ASCII digits
        "",
    ],
)
def test_invalid_timestamps(text: str) -> None:
    assert parse_timestamp(text) is None
    assert not holds({"Variable": "$.v", "IsTimestamp": True}, {"v": text})
    # A value that is not a timestamp compares false with every timestamp operator.
    assert not holds({"Variable": "$.v", "TimestampLessThan": "2999-01-01T00:00:00Z"}, {"v": text})
    assert not holds({"Variable": "$.v", "TimestampGreaterThan": "1970-01-01T00:00:00Z"}, {"v": text})


def test_timestamps_compare_as_instants_across_zones() -> None:
    doc = {"v": "2012-10-09T20:00:55+01:00"}
    assert holds({"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}, doc)
    assert holds({"Variable": "$.v", "TimestampLessThan": "2012-10-09T19:00:55.000000001Z"}, doc)
    assert holds({"Variable": "$.v", "TimestampGreaterThanEquals": "2012-10-09T14:00:55-05:00"}, doc)
    assert holds({"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55.000Z"}, doc)


def test_timestamp_fractions_keep_nanoseconds() -> None:
    a, b = "2020-01-01T00:00:00.000000001Z", "2020-01-01T00:00:00.000000002Z"
    assert holds({"Variable": "$.a", "TimestampLessThanPath": "$.b"}, {"a": a, "b": b})
    assert not holds({"Variable": "$.a", "TimestampEqualsPath": "$.b"}, {"a": a, "b": b})


def test_timestamp_path_operand_not_a_timestamp_is_false() -> None:
    doc = {"v": "2020-01-01T00:00:00Z", "w": "yesterday"}
    assert not holds({"Variable": "$.v", "TimestampLessThanEqualsPath": "$.w"}, doc)
    assert not holds({"Variable": "$.v", "TimestampEqualsPath": "$.v2"}, {**doc, "v2": 1577836800})


# ----------------------------------------------------------------------------------------------------------
# Type tests, And / Or / Not


def test_type_tests() -> None:
    doc: dict[str, Any] = {"n": None, "i": 3, "s": "x", "b": False, "t": "2020-01-01T00:00:00Z", "o": {}}
    assert holds({"Variable": "$.n", "IsNull": True}, doc)
    assert holds({"Variable": "$.i", "IsNull": False}, doc)
    assert holds({"Variable": "$.i", "IsNumeric": True}, doc)
    assert holds({"Variable": "$.s", "IsString": True}, doc)
    assert holds({"Variable": "$.t", "IsString": True}, doc)
    assert holds({"Variable": "$.b", "IsBoolean": True}, doc)
    assert holds({"Variable": "$.o", "IsString": False}, doc)
    assert holds({"Variable": "$.n", "IsPresent": True}, doc)  # null is present
    assert holds({"Variable": "$.missing", "IsPresent": False}, doc)
    assert not holds({"Variable": "$.missing", "IsPresent": True}, doc)
    assert holds({"Variable": "$.o.deeper.still", "IsPresent": False}, doc)


def test_and_or_not_nesting() -> None:
    rule = {
        "And": [
            {"Not": {"Variable": "$.type", "StringEquals": "Private"}},
            {
                "Or": [
                    {"Variable": "$.value", "NumericLessThan": 0},
                    {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                ]
            },
        ],
        "Next": "Somewhere",
    }
    assert holds(rule, {"type": "Public", "value": 22})
    assert holds(rule, {"type": "Public", "value": -1})
    assert not holds(rule, {"type": "Public", "value": 5})
    assert not holds(rule, {"type": "Private", "value": 22})
    compiled = compile_rule(rule)
    assert isinstance(compiled, And)
    assert isinstance(compiled.rules[0], Not)
    assert isinstance(compiled.rules[1], Or)


def test_and_or_short_circuit_protects_missing_fields() -> None:
    guarded = {
        "And": [
            {"Variable": "$.maybe", "IsPresent": True},
            {"Variable": "$.maybe", "StringEquals": "foo"},
        ]
    }
    assert not holds(guarded, {})
    assert holds(guarded, {"maybe": "foo"})
    either = {"Or": [{"Variable": "$.maybe", "IsPresent": False}, {"Variable": "$.maybe", "IsNull": True}]}
    assert holds(either, {})


def test_singleton_and() -> None:
    assert holds({"And": [{"Variable": "$.type", "StringEquals": "Public"}]}, {"type": "Public"})


# ----------------------------------------------------------------------------------------------------------
# Paths and errors


def test_variable_may_use_context_and_variables() -> None:
    values = {"$$.Execution.Input.x": 5, "$myVar.field": "on"}

    def resolve(path: str) -> Any:
        if path in values:
            return values[path]
        raise paths.PathNotFound(path)

    assert evaluate(compile_rule({"Variable": "$$.Execution.Input.x", "NumericEquals": 5}), resolve)
    assert evaluate(compile_rule({"Variable": "$myVar.field", "StringEqualsPath": "$myVar.field"}), resolve)
    assert evaluate(compile_rule({"Variable": "$other", "IsPresent": False}), resolve)


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.missing", "StringEquals": "x"},
        {"Variable": "$.missing", "NumericGreaterThan": 1},
        {"Variable": "$.missing", "BooleanEquals": True},
        {"Variable": "$.missing", "TimestampEquals": "2020-01-01T00:00:00Z"},
        {"Variable": "$.missing", "StringMatches": "*"},
        {"Variable": "$.missing", "IsNull": True},
        {"Variable": "$.missing", "IsString": False},
        {"Not": {"Variable": "$.missing", "StringEquals": "x"}},
    ],
)
def test_missing_variable_is_a_runtime_error(rule: dict[str, Any]) -> None:
    with pytest.raises(StatesError) as caught:
        holds(rule, {"present": 1})
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )


def test_missing_path_operand_is_a_runtime_error() -> None:
    with pytest.raises(StatesError) as caught:
        holds({"Variable": "$.v", "NumericEqualsPath": "$.gone"}, {"v": 1})
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "Invalid path '$.gone': The choice state's condition path references an invalid value."
    )


def test_compiled_tree_is_frozen_and_prepared() -> None:
    rule = compile_rule({"Variable": "$.v", "TimestampEquals": "2020-01-01T00:00:00Z", "Next": "X"})
    assert rule == Comparison("$.v", "TimestampEquals", "Timestamp", "Equals", 1577836800 * 10**9)
    assert compile_rule({"Variable": "$.v", "IsNull": True}) == TypeTest("$.v", "IsNull", True)
    with pytest.raises(AttributeError):
        rule.variable = "$.w"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("not a rule", "must be an object"),
        ({"Variable": "$.v"}, "exactly one operator (found: none)"),
        ({"Variable": "$.v", "StringEquals": "a", "NumericEquals": 1}, "exactly one operator"),
        ({"Variable": "$.v", "StringEqual": "a"}, "unknown field 'StringEqual'"),
        ({"StringEquals": "a"}, "'Variable' is required"),
        ({"Variable": "v", "StringEquals": "a"}, "Variable must be a JSONPath"),
        ({"Variable": 3, "StringEquals": "a"}, "Variable must be a JSONPath"),
        ({"Variable": "$.v", "StringEquals": 1}, "StringEquals must be a string"),
        ({"Variable": "$.v", "StringMatches": None}, "StringMatches must be a string"),
        ({"Variable": "$.v", "NumericEquals": "1"}, "NumericEquals must be a number"),
        ({"Variable": "$.v", "NumericEquals": True}, "NumericEquals must be a number"),
        ({"Variable": "$.v", "BooleanEquals": "true"}, "BooleanEquals must be a boolean"),
        ({"Variable": "$.v", "TimestampEquals": "2020-01-01"}, "TimestampEquals must be a timestamp"),
        ({"Variable": "$.v", "StringEqualsPath": "v"}, "StringEqualsPath must be a JSONPath"),
        ({"Variable": "$.v", "IsNull": "yes"}, "IsNull must be true or false"),
        ({"Variable": "$.v", "BooleanLessThan": True}, "unknown field 'BooleanLessThan'"),
        ({"Variable": "$.v", "StringMatchesPath": "$.p"}, "unknown field 'StringMatchesPath'"),
        ({"And": []}, "And must be a non-empty array"),
        ({"Or": {"Variable": "$.v", "IsNull": True}}, "Or must be a non-empty array"),
        ({"Not": [{"Variable": "$.v", "IsNull": True}]}, "Choice rule.Not must be an object"),
        ({"And": [{"Variable": "$.v", "IsNull": True}], "Variable": "$.v"}, "'Variable' is not allowed"),
        ({"And": [{"Variable": "$.v", "IsNull": True}, {"Variable": "$.v"}]}, "Choice rule.And[1] must have"),
        ({"Condition": "{% true %}", "Next": "X"}, "'Condition' is JSONata"),
    ],
)
def test_malformed_rules_are_rejected_with_a_reason(rule: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        compile_rule(rule)
    assert message in str(caught.value)
