"""Positions in a log and the tokens that carry them.

An event's position is (timestamp, id): events are ordered by timestamp, ties by arrival. It is
written as a 56-digit number, the width of AWS's own `eventId`s and GetLogEvents tokens
(`f/<56 digits>/s` forward, `b/<56 digits>/s` backward), so the values look like AWS's to tools.
Listing tokens (DescribeLogGroups, DescribeLogStreams, FilterLogEvents) are opaque base64 JSON
tied to their listing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

from .checks import invalid

_ID_DIGITS = 10**20
_STREAM_TOKEN = re.compile(r"([fb])/(\d{1,56})/s")

Position = tuple[int, int]


def position_number(position: Position) -> str:
    timestamp, event_id = position
    return f"{timestamp * _ID_DIGITS + event_id:056d}"


def event_id(position: Position) -> str:
    return position_number(position)


def stream_token(direction: str, position: Position) -> str:
    return f"{direction}/{position_number(position)}/s"


def parse_stream_token(token: object) -> tuple[str, Position]:
    """GetLogEvents' `nextToken`: its direction ("f" or "b") and position."""
    match = _STREAM_TOKEN.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise invalid("The specified nextToken is invalid.")
    number = int(match.group(2))
    return match.group(1), (number // _ID_DIGITS, number % _ID_DIGITS)


def page_token(scope: str, key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": scope, "k": key}).encode()).decode()


def parse_page_token(token: object, scope: str, shape: Callable[[Any], bool]) -> Any:
    """The key a listing token carries; InvalidParameterException when it is not one of ours,
    belongs to another listing, or its key does not have the listing's `shape`."""
    if isinstance(token, str):
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
            if isinstance(decoded, dict) and decoded.get("s") == scope and shape(decoded.get("k")):
                return decoded["k"]
        except (ValueError, binascii.Error):
            pass
    raise invalid("The specified nextToken is invalid.")


def is_text(key: Any) -> bool:
    return isinstance(key, str)


def is_count(key: Any) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and key >= 0


def is_position(key: Any) -> bool:
    return isinstance(key, list) and len(key) == 2 and all(is_count(part) or part == -1 for part in key)
