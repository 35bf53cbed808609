"""Checks of request fields that every service needs, with AWS's error codes and wording."""

from __future__ import annotations

from typing import Any

from .errors import AwsError, validation_error


def missing(field: str) -> AwsError:
    return validation_error(field, None, "Member must not be null")


def shorten(text: str, limit: int = 64) -> str:
    """A long value as AWS quotes it in messages: cut, so that an error never echoes megabytes."""
    return text if len(text) <= limit else text[:limit] + "…"


def string(request: dict[str, Any], field: str, max_length: int | None = None) -> str | None:
    """An optional string field (None when absent), checked for type and length in bytes."""
    value = request.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AwsError("SerializationException", f"Expected a string for '{field}'")
    if max_length is not None and len(value.encode("utf-8", "surrogatepass")) > max_length:
        raise validation_error(field, shorten(value),
                               f"Member must have length less than or equal to {max_length}")
    return value


def required_str(request: dict[str, Any], field: str, max_length: int | None = None) -> str:
    if request.get(field) is None:
        raise missing(field)
    return string(request, field, max_length) or ""


def boolean(request: dict[str, Any], field: str, default: bool = False) -> bool:
    value = request.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise AwsError("SerializationException", f"Expected a boolean for '{field}'")
    return value


def one_of(request: dict[str, Any], field: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = string(request, field)
    if value is None:
        return default
    if value not in allowed:
        raise validation_error(field, value, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value
