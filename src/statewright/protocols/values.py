"""Scalar values on the wire: timestamps in AWS's three formats, base64 blobs, and the text form
of a shape's value (URI labels, query strings, headers, XML text, query-protocol forms)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from .errors import ProtocolError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(value: Any) -> datetime:
    """A service's timestamp (aware or naive-UTC datetime, epoch seconds, ISO 8601 text) as an
    aware UTC datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return parse_timestamp(value, "timestamp", "SerializationException")
    raise TypeError(f"not a timestamp: {value!r}")


def parse_timestamp(text: str | int | float, field: str, code: str) -> datetime:
    """A timestamp as a client sends it: epoch seconds, ISO 8601 or RFC 822 (botocore accepts
    all three whatever the model's format, and so do AWS's services)."""
    try:
        if not isinstance(text, str):
            return datetime.fromtimestamp(float(text), UTC)
        if _is_number(text):
            return datetime.fromtimestamp(float(text), UTC)
        if text[:4].isdigit() and "-" in text[:5]:
            parsed = datetime.fromisoformat(text)
        else:
            parsed = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise ProtocolError(code, f"Value '{text}' at '{field}' is not a valid timestamp") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_timestamp(value: Any, timestamp_format: str) -> str | int | float:
    """A timestamp in `iso8601` (millisecond precision, as AWS writes it), `unixtimestamp`
    (seconds, a float only when there is a fraction) or `rfc822`."""
    moment = to_datetime(value)
    kind = timestamp_format.lower()
    if kind == "unixtimestamp":
        seconds = (moment - EPOCH).total_seconds()
        return int(seconds) if seconds == int(seconds) else round(seconds, 3)
    if kind == "rfc822":
        return format_datetime(moment.replace(microsecond=0), usegmt=True)
    millis = moment.microsecond // 1000
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{millis:03d}Z" if millis else "Z")


def b64encode(value: bytes | bytearray | str) -> str:
    data = value.encode() if isinstance(value, str) else bytes(value)
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, field: str, code: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(code, f"Value at '{field}' is not valid base64") from None


def parse_text(shape: Any, text: str, field: str, code: str) -> Any:
    """The value of a scalar shape from its text form; a value that does not fit the type raises
    ProtocolError(code) naming the field."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        raise ProtocolError(code, f"Value '{text}' at '{field}' is not a valid {kind}") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ProtocolError(code, f"Value '{text}' at '{field}' is not a valid boolean")
        return text.lower() == "true"
    if kind == "timestamp":
        return parse_timestamp(text, field, code)
    if kind == "blob":
        return b64decode(text, field, code)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return json.loads(b64decode(text, field, code))
    return text


def format_text(shape: Any, value: Any, default_timestamp_format: str) -> str:
    """The text form of a scalar value (headers, URI labels, XML text)."""
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", default_timestamp_format)
        return str(format_timestamp(value, fmt))
    if kind == "blob":
        return b64encode(value)
    if kind in ("float", "double"):
        return format_float(float(value))
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return b64encode(json.dumps(value, separators=(",", ":")))
    return str(value)


def format_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)
