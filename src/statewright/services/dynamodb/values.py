"""Attribute values as they travel on the wire (`{"S": "x"}`, `{"N": "1.5"}`, `{"B": "<base64>"}`,
…): validation with AWS's messages, normalization, item size, equality and ordering.

Items are kept in wire form (numbers canonical, binaries base64), so a read hands back what was
stored without conversion; comparisons decode what they need.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from typing import Any

from ..common import AwsError
from . import numbers

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
SCALARS = ("S", "N", "B")
SET_TYPES = ("SS", "NS", "BS")
# An item's size may reach this many bytes and no more (the gate measured to the byte:
# nubo-db/dynamodb-conformance src/item-size.ts, "409,600 accepted, 409,601 refused").
MAX_ITEM_BYTES = 409_600
# "DynamoDB supports nested attributes up to 32 levels deep" (AWS developer guide,
# ServiceQuotas: Nested attribute depth).
MAX_DEPTH = 32

_EMPTY_SET = {
    # AWS's texts, double space included (nubo-db/dynamodb-conformance
    # tests/tier3/error-messages/putItem.test.ts).
    "SS": "One or more parameter values were invalid: An string set  may not be empty",
    "NS": "One or more parameter values were invalid: An number set  may not be empty",
    "BS": "One or more parameter values were invalid: Binary sets should not be empty",
}


def invalid(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def value_type(value: AttributeValue) -> str:
    return next(iter(value))


def decode_binary(text: object) -> bytes:
    if not isinstance(text, str):
        raise invalid("Invalid binary value: expected a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AwsError("SerializationException",
                       "Base64 encoded length is expected a multiple of 4 bytes but found: "
                       f"{len(text)}") from None


def encode_binary(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def normalize_value(value: object, depth: int = 1) -> AttributeValue:
    """A validated copy of one attribute value, numbers in canonical form."""
    if depth > MAX_DEPTH:
        raise invalid("Nesting Levels have exceeded supported limits")
    if not isinstance(value, dict) or not value:
        raise invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    if len(value) > 1:
        raise invalid("Supplied AttributeValue has more than one datatypes set, must contain exactly one "
                      "of the supported datatypes")
    kind, inner = next(iter(value.items()))
    if kind == "S":
        if not isinstance(inner, str):
            raise invalid("Invalid attribute value type")
        return value
    if kind == "N":
        return {"N": numbers.normalize(inner)}
    if kind == "B":
        decode_binary(inner)
        return value
    if kind == "BOOL":
        if not isinstance(inner, bool):
            raise invalid("Invalid attribute value type")
        return value
    if kind == "NULL":
        # `{"NULL": false}` is accepted and stored as true (recorded 2026-06-08, eu-west-2:
        # nubo-db/dynamodb-conformance tests/tier3/error-messages/putItem.test.ts).
        return {"NULL": True}
    if kind == "M":
        if not isinstance(inner, dict):
            raise invalid("Invalid attribute value type")
        return {"M": {name: normalize_value(member, depth + 1) for name, member in inner.items()}}
    if kind == "L":
        if not isinstance(inner, list):
            raise invalid("Invalid attribute value type")
        return {"L": [normalize_value(member, depth + 1) for member in inner]}
    if kind in SET_TYPES:
        return {kind: _normalize_set(kind, inner)}
    raise invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")


def _normalize_set(kind: str, members: object) -> list[str]:
    if not isinstance(members, list):
        raise invalid("Invalid attribute value type")
    if not members:
        raise invalid(_EMPTY_SET[kind])
    if kind == "NS":
        normalized = [numbers.normalize(member) for member in members]
        distinct: set[Any] = {Decimal(member) for member in normalized}
    elif kind == "BS":
        normalized = list(members)
        distinct = {decode_binary(member) for member in members}
    else:
        if not all(isinstance(member, str) for member in members):
            raise invalid("Invalid attribute value type")
        normalized = list(members)
        distinct = set(members)
    if len(distinct) != len(members):
        # AWS renders the collection Java-style: "[a, a]".
        raise invalid("One or more parameter values were invalid: Input collection "
                      f"[{', '.join(map(str, members))}] contains duplicates.")
    return normalized


def normalize_item(item: object, field: str = "Item") -> Item:
    if not isinstance(item, dict):
        raise invalid(f"Invalid {field}: expected a map of attribute values")
    return {name: normalize_value(value) for name, value in item.items()}


# --- size ---------------------------------------------------------------------------------

def value_size(value: AttributeValue) -> int:
    """Bytes one value adds to an item's size, as DynamoDB counts them (AWS developer guide,
    "Item sizes and formats"; numbers as measured, see numbers.byte_size)."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return numbers.byte_size(inner)
    if kind == "B":
        return len(decode_binary(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(member.encode("utf-8")) for member in inner)
    if kind == "NS":
        return sum(numbers.byte_size(member) for member in inner)
    if kind == "BS":
        return sum(len(decode_binary(member)) for member in inner)
    if kind == "L":
        # 3 bytes for the list, 1 per element, plus the elements.
        return 3 + sum(1 + value_size(member) for member in inner)
    # M: 3 bytes for the map, 1 per member, plus the names and values.
    return 3 + sum(1 + len(name.encode("utf-8")) + value_size(member) for name, member in inner.items())


def item_size(item: Item) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def check_item_size(item: Item, *, update: bool = False) -> int:
    """The item's size, or AWS's error past the limit: puts and updates word it differently
    ("Item size to update has exceeded…" for updates, recorded: nubo-db/dynamodb-conformance
    tests/tier3/limits/itemSizeBySurface.test.ts)."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise invalid("Item size to update has exceeded the maximum allowed size" if update
                      else "Item size has exceeded the maximum allowed size")
    return size


# --- equality and order -------------------------------------------------------------------

def _set_members(kind: str, members: list[str]) -> frozenset[Any]:
    if kind == "NS":
        return frozenset(Decimal(member) for member in members)
    if kind == "BS":
        return frozenset(decode_binary(member) for member in members)
    return frozenset(members)


def equal(left: AttributeValue | None, right: AttributeValue | None) -> bool:
    """DynamoDB's `=`: same type and same value (sets regardless of order)."""
    if left is None or right is None:
        return False
    kind = value_type(left)
    if kind != value_type(right):
        return False
    a, b = left[kind], right[kind]
    if kind == "N":
        return Decimal(a) == Decimal(b)
    if kind == "B":
        return decode_binary(a) == decode_binary(b)
    if kind in SET_TYPES:
        return _set_members(kind, a) == _set_members(kind, b)
    if kind == "L":
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if kind == "M":
        return a.keys() == b.keys() and all(equal(a[name], b[name]) for name in a)
    return bool(a == b)


def scalar_key(value: AttributeValue) -> Any:
    """A Python value that orders as DynamoDB orders scalars of one type: numbers numerically,
    strings by UTF-8 bytes (which is code-point order), binaries bytewise."""
    kind, inner = next(iter(value.items()))
    if kind == "N":
        return Decimal(inner)
    if kind == "B":
        return decode_binary(inner)
    return inner


def set_contains(container: AttributeValue, member: AttributeValue) -> bool:
    kind = value_type(container)
    element = {"SS": "S", "NS": "N", "BS": "B"}[kind]
    if value_type(member) != element:
        return False
    return scalar_key(member) in _set_members(kind, container[kind])


def set_union(kind: str, left: list[str], right: list[str]) -> list[str]:
    seen = _set_members(kind, left)
    merged = list(left)
    for member in right:
        key = next(iter(_set_members(kind, [member])))
        if key not in seen:
            merged.append(member)
            seen = seen | {key}
    return merged


def set_difference(kind: str, left: list[str], right: list[str]) -> list[str]:
    removed = _set_members(kind, right)
    return [member for member in left if next(iter(_set_members(kind, [member]))) not in removed]
