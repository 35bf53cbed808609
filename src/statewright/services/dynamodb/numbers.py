"""DynamoDB's Number type: up to 38 significant digits, magnitudes 1E-130 to 9.99…E+125, exact.

Numbers travel as strings and are kept as strings in their canonical form (no exponent, no
leading or trailing zeros), which is how DynamoDB gives them back: `00042` → `42`, `1.5E2` →
`150`, `-0` → `0` (recorded AWS behaviour; nubo-db/dynamodb-conformance
tests/tier3/limits/numberPrecision.test.ts). Arithmetic uses `decimal` with enough precision to
be exact, then checks the result against the same limits as stored numbers.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

from ..common import AwsError

MAX_DIGITS = 38
MAX_EXPONENT = 125  # adjusted exponent of 9.9999999999999999999999999999999999999E+125
MIN_EXPONENT = -130  # adjusted exponent of 1E-130

# Decimal would also take "NaN", "Infinity" and "1_000"; DynamoDB takes none of them.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Wide enough that adding or subtracting two valid numbers is exact.
_EXACT = Context(prec=400, Emax=999999, Emin=-999999)


def _validation(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def parse(text: object) -> Decimal:
    """The value of an `N` string, or AWS's ValidationException for a bad or out-of-range one."""
    if not isinstance(text, str) or not _NUMBER.fullmatch(text.strip()):
        raise _validation(f"The parameter cannot be converted to a numeric value: {text}")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _validation(f"The parameter cannot be converted to a numeric value: {text}") from None
    return check(value)


def check(value: Decimal) -> Decimal:
    """`value` normalized, if DynamoDB can store it (AWS's texts for the ones it cannot)."""
    if value.is_zero():
        return Decimal(0)
    value = value.normalize(_EXACT)
    digits = len(value.as_tuple().digits)
    if digits > MAX_DIGITS:
        raise _validation("Attempting to store more than 38 significant digits in a Number")
    exponent = value.adjusted()
    if exponent > MAX_EXPONENT:
        raise _validation("Number overflow. Attempting to store a number with magnitude larger "
                          "than supported range")
    if exponent < MIN_EXPONENT:
        raise _validation("Number underflow. Attempting to store a number with magnitude smaller "
                          "than supported range")
    return value


def canonical(value: Decimal) -> str:
    """The text DynamoDB gives back: plain notation, no superfluous zeros."""
    if value.is_zero():
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def normalize(text: object) -> str:
    """A wire `N` string in DynamoDB's canonical form (validated)."""
    return canonical(parse(text))


def add(left: str, right: str) -> str:
    return canonical(check(_EXACT.add(Decimal(left), Decimal(right))))


def subtract(left: str, right: str) -> str:
    return canonical(check(_EXACT.subtract(Decimal(left), Decimal(right))))


def byte_size(text: str) -> int:
    """What a number costs in the item size.

    Measured against AWS (nubo-db/dynamodb-conformance src/item-size.ts, 23 literals captured
    in eu-west-2): 1 byte, plus half the significant digits of the integer part and half
    those of the fraction (each rounded up), plus 1 if negative; zero costs 1. Digits that
    straddle the decimal point are counted in two halves, so `3.14159` costs 5.
    """
    value = Decimal(text)
    if value.is_zero():
        return 1
    sign, digits, exponent = value.normalize(_EXACT).as_tuple()
    assert isinstance(exponent, int)  # finite: checked on the way in
    text_digits = "".join(map(str, digits))
    point = len(text_digits) + exponent  # digits before the decimal point
    if point <= 0:
        integer, fraction = "", text_digits
    elif point >= len(text_digits):
        integer, fraction = text_digits, ""
    else:
        integer, fraction = text_digits[:point], text_digits[point:]
    # normalize() already dropped trailing zeros of the whole value: what is left in the
    # integer part is significant only when a fraction follows it.
    integer_digits = len(integer.rstrip("0")) if not fraction else len(integer)
    fraction_digits = len(fraction)
    return 1 + (integer_digits + 1) // 2 + (fraction_digits + 1) // 2 + (1 if sign else 0)
