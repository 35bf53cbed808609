"""asl.numbers: Java's conversions of JSON numbers and text, the one place every field takes them from."""

from __future__ import annotations

import math
from typing import Any

import pytest

from statewright.asl.numbers import (
    INT_MAX,
    INT_MIN,
    LONG_MAX,
    is_number,
    java_double_text,
    java_round,
    java_text,
    parse_java_double,
    parse_java_int,
)

# value -> the nearest integer, halves away from zero (Java's BigDecimal HALF_UP). Java's
# documented results, not recordings.
JAVA_ROUND = [
    (0.0, 0), (-0.0, 0), (0.49, 0), (0.5, 1), (0.51, 1), (1.49, 1), (1.5, 2), (2.5, 3), (3.5, 4),
    (-0.49, 0), (-0.5, -1), (-0.51, -1), (-1.49, -1), (-1.5, -2), (-1.51, -2), (-2.5, -3), (-3.5, -4),
    (0.49999999999999994, 0), (-0.49999999999999994, 0), (4503599627370497.0, 4503599627370497),
    (1e15 + 0.5, 1_000_000_000_000_001), (-1e15 - 0.5, -1_000_000_000_000_001), (2147483647.5, 2147483648),
    (1e20, 100_000_000_000_000_000_000),
]


@pytest.mark.parametrize(("value", "expected"), JAVA_ROUND)
def test_java_round(value: float, expected: int) -> None:
    assert java_round(value) == expected


@pytest.mark.parametrize("k", range(-50, 50))
def test_java_round_is_half_up_on_exact_halves_and_quarters(k: int) -> None:
    for fraction in (0.0, 0.25, 0.5, 0.75):
        value = k + fraction  # exact in binary: HALF_UP is floor(|x| + 0.5) with the sign put back
        expected = math.floor(abs(value) + 0.5)
        assert java_round(value) == (-expected if value < 0 else expected)


@pytest.mark.parametrize(("value", "expected"), [
    (True, False), (False, False), (None, False), ("1", False), (1, True), (1.5, True), (-0.0, True), ([], False),
])
def test_is_number(value: Any, expected: bool) -> None:
    assert is_number(value) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("7", 7), ("+7", 7), ("-7", -7), ("007", 7), ("-0", 0), ("2147483647", INT_MAX),
    ("-2147483648", INT_MIN), ("2147483648", None), ("-2147483649", None), ("", None), (" 1", None),
    ("1 ", None), ("1.0", None), ("1e2", None), ("0x10", None), ("1_000", None), ("١٢", 12), ("+", None),
])
def test_parse_java_int(text: str, expected: int | None) -> None:
    assert parse_java_int(text) == expected


def test_parse_java_int_as_a_long() -> None:
    assert parse_java_int("9223372036854775807", high=LONG_MAX) == LONG_MAX
    assert parse_java_int("9223372036854775808", high=LONG_MAX) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1.0), ("1.5", 1.5), (" 1.5 ", 1.5), ("-.5", -0.5), ("5.", 5.0), ("1e2", 100.0), ("1E-2", 0.01),
    ("2d", 2.0), ("2F", 2.0), ("", None), ("NaN", None), ("Infinity", None), ("1e999", None), ("1,5", None),
    ("abc", None), (".", None), ("1..2", None),
])
def test_parse_java_double(text: str, expected: float | None) -> None:
    assert parse_java_double(text) == expected


@pytest.mark.parametrize(("value", "text"), [
    (1.5, "1.5"), (100.0, "100.0"), (0.001, "0.001"), (1234567.0, "1234567.0"), (1e7, "1.0E7"),
    (12345678.0, "1.2345678E7"), (1e20, "1.0E20"), (1e-5, "1.0E-5"), (-2.5e-10, "-2.5E-10"), (0.0, "0.0"),
    (-0.0, "-0.0"), (0.1 + 0.2, "0.30000000000000004"), (math.inf, "Infinity"), (-math.inf, "-Infinity"),
    (math.nan, "NaN"),
])
def test_java_double_text(value: float, text: str) -> None:
    assert java_double_text(value) == text


@pytest.mark.parametrize(("value", "text"), [
    ("bare", "bare"), ("", ""), (None, "null"), (True, "true"), (3, "3"), (1e20, "1.0E20"), ([1, 2.0], "[1,2.0]"),
    ({"a": {"b": "é"}}, '{"a":{"b":"é"}}'), ({}, "{}"), ([], "[]"),
])
def test_java_text(value: Any, text: str) -> None:
    assert java_text(value) == text
