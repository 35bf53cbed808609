"""Numbers: canonical form, limits and byte size as AWS has them."""

from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statewright.services.common import AwsError
from statewright.services.dynamodb import numbers

# The 23 literals measured against AWS (eu-west-2, 2026-08-18) by accept/reject pairs at the
# 400 KB gate: nubo-db/dynamodb-conformance src/item-size.ts, CAPTURED_NUMBER_BYTES.
MEASURED = [("0", 1), ("1", 2), ("12", 2), ("123", 3), ("1234", 3),
            ("12345678901234567890123456789012345678", 20), ("0042", 2), ("100", 2), ("1010", 3),
            ("0.0000001", 2), ("1E125", 2), ("1E-100", 2), ("1.5", 3), ("15", 2), ("1.2", 3), ("1.200", 3),
            ("1.234", 4), ("3.14159", 5), ("123456", 4), ("100.5", 4), ("0.15", 2), ("-42", 3), ("-0", 1)]


@pytest.mark.parametrize(("literal", "size"), MEASURED)
def test_byte_size_matches_what_aws_measured(literal, size):
    assert numbers.byte_size(numbers.normalize(literal)) == size


@pytest.mark.parametrize(("literal", "canonical"), [
    # Round trips recorded against AWS (nubo-db/dynamodb-conformance numberPrecision.test.ts and
    # numberByteSize.test.ts).
    ("00042", "42"), ("1.0", "1"), ("3.1400", "3.14"), ("1.5E2", "150"), ("-0", "0"), ("0042.1200", "42.12"),
    ("1E125", "1" + "0" * 125),
])
def test_numbers_come_back_in_canonical_form(literal, canonical):
    assert numbers.normalize(literal) == canonical


@pytest.mark.parametrize(("literal", "message"), [
    ("123456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
    ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("-1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("abc", "The parameter cannot be converted to a numeric value: abc"),
    ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
    ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
])
def test_out_of_range_and_malformed_numbers_get_aws_errors(literal, message):
    with pytest.raises(AwsError) as raised:
        numbers.normalize(literal)
    assert raised.value.code == "ValidationException"
    assert raised.value.message == message


def test_limits_themselves_are_accepted():
    # AWS developer guide, Data types: "Positive range: 1E-130 to 9.9999999999999999999999999999999999999E+125".
    for literal in ("9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
                    "1E-130", "-1E-130", "12345678901234567890123456789012345678"):
        assert Decimal(numbers.normalize(literal)) == Decimal(literal)


def test_arithmetic_is_exact_and_overflow_is_refused():
    assert numbers.add("0.1", "0.2") == "0.3"  # no float rounding
    assert numbers.subtract("10000000000000000000000000000000000001", "1") == "1" + "0" * 37
    with pytest.raises(AwsError, match="Number overflow"):
        numbers.add("9.9e125", "9.9e125")  # recorded: nubo-db numberPrecision.test.ts
    with pytest.raises(AwsError, match="38 significant digits"):
        numbers.add("1" + "0" * 37, "0.1")


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-10**30, max_value=10**30),
       st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**30, max_value=10**30))
def test_addition_agrees_with_exact_decimal_arithmetic(a, b):
    try:
        left, right = numbers.normalize(str(a)), numbers.normalize(str(b))
    except AwsError:
        return
    try:
        total = numbers.add(left, right)
    except AwsError:
        assert len(_EXACT.add(Decimal(left), Decimal(right)).normalize(_EXACT).as_tuple().digits) > 38
        return
    assert Decimal(total) == _EXACT.add(Decimal(left), Decimal(right))


_EXACT = Context(prec=200)
