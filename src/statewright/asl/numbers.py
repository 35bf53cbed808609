"""How AWS turns JSON values into the numbers a field needs, and how it prints them in causes.

Step Functions runs on Java, reading JSON with a Java JSON library: a fraction becomes a whole
number as Java's Math.round makes it, a string becomes a number only when Java's parsers accept
it, and a value quoted in an error cause is printed the way Java prints it (a double 1e20 is
`1.0E20`). Every field that reads a number from the input goes through these rules, so one value
behaves the same wherever it is used.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1

# Integer.parseInt takes any Unicode decimal digit (Character.digit), as Python's \d does.
_JAVA_INTEGER_TEXT = re.compile(r"[+-]?\d+")
# Double.parseDouble: optional sign, digits with an optional point, an optional exponent and an
# optional type suffix, with leading and trailing whitespace (Java's trim) ignored. Hex forms and
# NaN/Infinity are left out: no finite percentage comes from them.
_JAVA_DOUBLE_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?", re.ASCII)


def is_number(value: Any) -> bool:
    """A JSON number: int or float, not bool (true is no number in JSON)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def java_round(value: float) -> int:
    """The nearest integer, halves away from zero (2.5 -> 3, -2.5 -> -3): Java's
    `BigDecimal.setScale(0, RoundingMode.HALF_UP)`. Not `Math.round` (which sends -2.5 to -2):
    AWS's `States.MathAdd(-2.5, 0)` differs from -2 (issue 10's recorded run), and HALF_UP is the
    one Java rounding that agrees with every observation (see docs/conformance.md). Computed from
    the exact binary fraction, so 0.49999999999999994 stays 0."""
    magnitude = abs(value)
    whole = math.floor(magnitude)
    rounded = int(whole) + (1 if magnitude - whole >= 0.5 else 0)
    return -rounded if value < 0 else rounded


def parse_java_int(text: str, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """The integer Java's Integer.parseInt (or Long.parseLong, with the bounds widened) reads from
    `text`, or None: digits with an optional sign, nothing else, within the type's range."""
    if _JAVA_INTEGER_TEXT.fullmatch(text) is None:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_java_double(text: str) -> float | None:
    """The finite double Java's Double.parseDouble reads from `text`, or None."""
    stripped = text.strip(" \t\n\r\f\v\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f")
    if _JAVA_DOUBLE_TEXT.fullmatch(stripped) is None:
        return None
    number = float(stripped.rstrip("fFdD"))
    return number if math.isfinite(number) else None


def java_double_text(value: float) -> str:
    """Java's Double.toString: `1.5`, `100.0`, `1.0E20`, `1.0E-5`, shortest round-trip digits."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(magnitude)  # Python's repr is plain decimal in this range
        return sign + (text if "." in text else text + ".0")
    digits_tuple, exponent = Decimal(repr(magnitude)).normalize().as_tuple()[1:]
    digits = "".join(str(d) for d in digits_tuple)
    power = len(digits) - 1 + int(exponent)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{power}"


def java_text(value: Any) -> str:
    """A JSON value as AWS quotes it in a cause: a string bare, anything else as compact JSON
    with doubles in Java's notation (Jackson's toString)."""
    if isinstance(value, str):
        return value
    return _node_text(value)


def _node_text(value: Any) -> str:
    if isinstance(value, float):
        return java_double_text(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_node_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_node_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
