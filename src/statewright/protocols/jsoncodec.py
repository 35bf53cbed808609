"""JSON values walked along a botocore shape: the body codec of restJson1 (and the plain encoder
awsJson uses). Blobs are base64 text, timestamps epoch seconds unless the shape says otherwise,
members renamed by their `locationName`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .errors import ProtocolError
from .values import b64decode, b64encode, format_timestamp, parse_timestamp


def default(value: Any) -> Any:
    """`json.dumps` fallback for what services return beyond plain JSON."""
    if isinstance(value, bytes | bytearray):
        return b64encode(value)
    if isinstance(value, datetime):
        return format_timestamp(value, "unixtimestamp")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# `json.dumps(value, default=default, separators=(",", ":"))`, configured once: json.dumps
# builds a new encoder on every call when given any option. Stateless, so shared freely.
_ENCODER = json.JSONEncoder(default=default, separators=(",", ":"))


def dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


def encode(shape: Any, value: Any, timestamp_format: str = "unixtimestamp") -> Any:
    """A service's value of `shape` as JSON-ready data."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value
        members = shape.members
        out = {}
        for name, item in value.items():
            member = members.get(name)
            if member is None:
                out[name] = item  # not in the model: passed on as is (clients ignore it)
            elif item is not None and member.serialization.get("location") is None:
                out[member.serialization.get("name", name)] = encode(member, item, timestamp_format)
        return out
    if kind == "list":
        return [encode(shape.member, item, timestamp_format) for item in value]
    if kind == "map":
        return {key: encode(shape.value, item, timestamp_format) for key, item in value.items()}
    if kind == "blob":
        return b64encode(value)
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", timestamp_format))
    return value


def decode(shape: Any, value: Any, path: str, code: str = "SerializationException") -> Any:
    """A client's JSON value of `shape` as a service reads it: blobs as bytes, timestamps as
    datetimes, members under their model names. Other values are left as sent (services
    validate them)."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.is_document_type:
        if not isinstance(value, dict):
            raise ProtocolError(code, f"Value at '{path}' must be a JSON object")
        by_wire = {m.serialization.get("name", n): (n, m) for n, m in shape.members.items()}
        out = {}
        for key, item in value.items():
            name, member = by_wire.get(key, (key, None))
            out[name] = decode(member, item, f"{path}.{name}" if path else name, code)
        return out
    if kind == "list" and isinstance(value, list):
        return [decode(shape.member, item, f"{path}.{i + 1}", code) for i, item in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        return {key: decode(shape.value, item, f"{path}.{key}", code) for key, item in value.items()}
    if kind == "blob" and isinstance(value, str):
        return b64decode(value, path, code)
    if kind == "timestamp" and isinstance(value, str | int | float) and not isinstance(value, bool):
        return parse_timestamp(value, path, code)
    return value
