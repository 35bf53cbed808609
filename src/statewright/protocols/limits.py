"""Limits every protocol holds a request to before a service sees it.

Parsers and services walk request values recursively; a body nested a thousand levels deep made
Python's recursion limit fail every operation with a 500. No AWS request needs more than a few
dozen levels (DynamoDB, the deepest, allows 32 levels of attribute values, two JSON levels each),
so a request nested deeper is refused as unreadable, in the protocol's error shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import ProtocolError

MAX_NESTING = 100


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts in `value` nest more than `limit` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list | tuple))
    return False


def too_deep(limit: int = MAX_NESTING) -> ProtocolError:
    return ProtocolError("SerializationException",
                         f"The request is nested more than {limit} levels deep, which no operation accepts")


def check_nesting(value: Any, limit: int = MAX_NESTING) -> None:
    if nested_deeper_than(value, limit):
        raise too_deep(limit)
