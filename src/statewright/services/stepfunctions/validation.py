"""Checks of request fields with AWS's error codes and wording, and the pagination token."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from .errors import ApiError, missing, validation_error

MAX_PAYLOAD = 256 * 1024  # input, output and cause: AWS's 256 KiB
MAX_DEFINITION = 1024 * 1024  # definition: AWS's 1 MB
DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAX_TAGS = 50

# AWS: no whitespace, brackets, wildcards, the listed specials, or control characters.
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


def required_str(request: dict[str, Any], field: str, max_length: int | None = None) -> str:
    value = request.get(field)
    if value is None:
        raise missing(field)
    return string(request, field, max_length) or ""


def string(request: dict[str, Any], field: str, max_length: int | None = None) -> str | None:
    """An optional string field (None when absent), checked for type and length."""
    value = request.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError("SerializationException", f"Expected a string for '{field}'")
    if max_length is not None and len(value.encode()) > max_length:
        raise validation_error(field, _shorten(value), f"Member must have length less than or equal to {max_length}")
    return value


def boolean(request: dict[str, Any], field: str, default: bool = False) -> bool:
    value = request.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError("SerializationException", f"Expected a boolean for '{field}'")
    return value


def one_of(request: dict[str, Any], field: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = string(request, field)
    if value is None:
        return default
    if value not in allowed:
        raise validation_error(field, value, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value


def name(request: dict[str, Any], field: str = "name", required: bool = True) -> str | None:
    value = required_str(request, field) if required else string(request, field)
    if value is None:
        return None
    if not 1 <= len(value) <= 80 or _BAD_NAME.search(value):
        raise ApiError("InvalidName", f"Invalid Name: '{value}'")
    return value


def payload(request: dict[str, Any], field: str, code: str, default: str | None = "{}") -> str | None:
    """A JSON text field such as `input` or `output`: at most 256 KiB, and valid JSON."""
    text = string(request, field)
    if text is None:
        return default
    if len(text.encode()) > MAX_PAYLOAD:
        raise validation_error(field, _shorten(text), f"Member must have length less than or equal to {MAX_PAYLOAD}")
    try:
        json.loads(text)
    except ValueError as error:
        raise ApiError(code, f"Invalid {field.capitalize()}: '{error}'") from None
    return text


def page_size(request: dict[str, Any]) -> int:
    value = request.get("maxResults", 0)
    if value is None:
        return DEFAULT_PAGE
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError("SerializationException", "Expected an integer for 'maxResults'")
    if value < 0:
        raise validation_error("maxResults", value, "Member must have value greater than or equal to 0")
    if value > MAX_PAGE:
        raise validation_error("maxResults", value, f"Member must have value less than or equal to {MAX_PAGE}")
    return value or DEFAULT_PAGE


def page_start(request: dict[str, Any], scope: str) -> int:
    """The offset a `nextToken` stands for; the token is tied to `scope` (the listing's key)."""
    token = request.get("nextToken")
    if token is None:
        return 0
    if not isinstance(token, str) or not 1 <= len(token) <= 1024:
        raise validation_error("nextToken", token, "Member must have length between 1 and 1024")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["s"] == scope and isinstance(decoded["o"], int) and decoded["o"] >= 0:
            return int(decoded["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise ApiError("InvalidToken", f"Invalid Token: '{token}'")


def next_token(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": scope, "o": offset}).encode()).decode()


def paginate(request: dict[str, Any], scope: str, items: list[Any], key: str) -> dict[str, Any]:
    """One page of `items` under `key`, with `nextToken` when more remain."""
    start = page_start(request, scope)
    size = page_size(request)
    page = items[start:start + size]
    answer: dict[str, Any] = {key: page}
    if start + size < len(items):
        answer["nextToken"] = next_token(scope, start + size)
    return answer


def tags(request: dict[str, Any], field: str = "tags") -> dict[str, str]:
    value = request.get(field) or []
    if not isinstance(value, list):
        raise ApiError("SerializationException", f"Expected a list for '{field}'")
    result: dict[str, str] = {}
    for tag in value:
        if not isinstance(tag, dict) or not isinstance(tag.get("key"), str):
            raise validation_error(f"{field}.member.key", None, "Member must not be null")
        key, tag_value = tag["key"], tag.get("value", "")
        if not 1 <= len(key) <= 128:
            raise validation_error(f"{field}.member.key", key, "Member must have length between 1 and 128")
        if not isinstance(tag_value, str) or len(tag_value) > 256:
            raise validation_error(f"{field}.member.value", tag_value, "Member must have length less than or equal to 256")
        result[key] = tag_value
    return result


def _shorten(text: str) -> str:
    return text if len(text) <= 64 else text[:64] + "…"
