"""The filter pattern parser: the three pattern forms and errors with positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statewright.services.logs.pattern import PatternError, parse
from statewright.services.logs.pattern.types import (
    And,
    Check,
    Compare,
    DelimitedPattern,
    JsonPattern,
    Or,
    Term,
    TermsPattern,
    Value,
)


def test_terms_sort_into_required_optional_and_excluded():
    assert parse('ERROR ?WARN ?"Bad thing" -Exiting') == TermsPattern(
        required=(Term("ERROR"),), optional=(Term("WARN"), Term("Bad thing")), excluded=(Term("Exiting"),))


def test_regex_term():
    assert parse("%ERROR [0-9]+%") == TermsPattern(required=(Term("ERROR [0-9]+", regex=True),))


def test_json_precedence_and_binds_tighter_than_or():
    parsed = parse("{ $.a = 1 || $.b = 2 && $.c IS TRUE }")
    assert parsed == JsonPattern(Or(Compare(("a",), "=", Value("number", "1", 1.0)),
                                    And(Compare(("b",), "=", Value("number", "2", 2.0)), Check(("c",), "true"))))


def test_json_selectors_values_and_checks():
    assert parse('{ $.objectList[1].id != "x*" }') == JsonPattern(
        Compare(("objectList", 1, "id"), "!=", Value("string", "x*")))
    assert parse("{ $.sourceIPAddress != 123.123.* }").condition.value == Value("string", "123.123.*")
    assert parse("{ $.user NOT EXISTS }").condition == Check(("user",), "not exists")
    assert parse("{ $.user IS NULL }").condition == Check(("user",), "null")
    assert parse("{ $.n = -1.5e3 }").condition.value == Value("number", "-1.5e3", -1500.0)
    assert parse("{ $.m = %^err% }").condition.value == Value("regex", "^err")


def test_delimited_fields_and_conditions():
    parsed = parse("[ip, user, ..., status_code >= 400 && status_code < 500, bytes]")
    assert isinstance(parsed, DelimitedPattern)
    assert parsed.fields == ("ip", "user", "...", "status_code", "bytes")
    assert parsed.conditions == (And(Compare(("status_code",), ">=", Value("number", "400", 400.0)),
                                     Compare(("status_code",), "<", Value("number", "500", 500.0))),)


@pytest.mark.parametrize(("pattern", "position", "reason"), [
    ("{ $.a = }", 8, "expected a value but found '}'"),
    ('{ $.a > "x" }', 6, "'>' compares numbers only"),
    ("{ $.a = 1", 9, "expected '}' but found the end of the pattern"),
    ("{ a = 1 }", 2, "expected a selector"),
    ("{ $.a = 1 } trailing", 12, "expected the end of the pattern"),
    ("{ $.a IS MAYBE }", 9, "expected TRUE, FALSE or NULL"),
    ("{ $.a NOT THERE }", 10, "expected EXISTS"),
    ("{ $.a..b = 1 }", 5, "unexpected '.' in the selector"),
    ("[a, b", 5, "expected ',' or ']'"),
    ("[a, a]", 4, "named twice"),
    ("[1a, b]", 1, "not a valid field name"),
    ("[..., x = 1, ... = 2]", 17, "'...' cannot have a condition"),
    ("%(ab)%", 0, "cannot use '(' or ')'"),
    ("{ $.a = %[% }", 8, "invalid regular expression"),
])
def test_errors(pattern, position, reason):
    with pytest.raises(PatternError) as caught:
        parse(pattern)
    assert reason in caught.value.reason
    assert caught.value.position == position


def test_a_condition_on_an_unknown_field_is_an_error():
    with pytest.raises(PatternError, match="names 'other'"):
        parse("[a, b = 1 || other = 2]")


@given(st.text(max_size=40))
def test_any_text_parses_or_fails_with_a_pattern_error(text):
    try:
        parse(text)
    except PatternError as error:
        assert 0 <= error.position <= len(text)
