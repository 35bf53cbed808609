"""Key values as bytes that SQLite's `memcmp` order sorts as DynamoDB sorts keys.

"DynamoDB sorts by sort key value: numbers numerically, strings and binaries by their UTF-8 or
raw bytes" (AWS developer guide, Query: Key condition expressions). Strings are their UTF-8
bytes and binaries their bytes, both already in that order. Numbers get an order-preserving
encoding, so a Query is a range scan over an SQLite index.
"""

from __future__ import annotations

import zlib
from decimal import Context, Decimal

from .values import AttributeValue, decode_binary

_NEGATIVE, _ZERO, _POSITIVE = b"\x01", b"\x02", b"\x03"
# Negative mantissas end with a byte above every (complemented) digit, so that a longer
# mantissa (a bigger magnitude, a smaller number) sorts first.
_NEGATIVE_END = b"\xff"
_CONTEXT = Context(prec=60)
_EXPONENT_BIAS = 130  # adjusted exponents are within [-130, 125]: one byte, 0..255


def encode_number(text: str) -> bytes:
    """Order-preserving bytes for a canonical DynamoDB number.

    Positive: marker, biased exponent, the mantissa digits (no trailing zeros; a shorter
    mantissa with the same prefix is the smaller number, as bytes compare). Negative: the same
    with exponent and digits complemented, and a terminator so prefixes sort after.
    """
    value = Decimal(text)
    if value.is_zero():
        return _ZERO
    # normalize() rounds to its context's precision: use one that holds all 38 digits.
    sign, digits, _ = value.normalize(_CONTEXT).as_tuple()
    mantissa = bytes(0x30 + digit for digit in digits).rstrip(b"0")
    exponent = value.adjusted() + _EXPONENT_BIAS
    if not sign:
        return _POSITIVE + bytes([exponent]) + mantissa
    complemented = bytes(0x30 + 9 - (byte - 0x30) for byte in mantissa)
    return _NEGATIVE + bytes([255 - exponent]) + complemented + _NEGATIVE_END


def encode(value: AttributeValue) -> bytes:
    """The sortable bytes of a scalar key value (S, N or B)."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return bytes(inner.encode("utf-8"))
    if kind == "N":
        return encode_number(inner)
    return decode_binary(inner)


def partition_hash(encoded_hash_key: bytes) -> int:
    """Where an item's partition sits in scan order (a 32-bit hash, as DynamoDB scans by the
    hash of the partition key). Scan segments are ranges of it."""
    return zlib.crc32(encoded_hash_key)


def segment_bounds(segment: int, total: int) -> tuple[int, int]:
    """The [low, high) range of partition hashes that makes up one parallel-scan segment."""
    space = 1 << 32
    return (segment * space + total - 1) // total, ((segment + 1) * space + total - 1) // total
