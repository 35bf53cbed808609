"""CloudWatch Logs' checks of request fields, with its error codes and wording.

Logs answers a field that breaks its model constraints with `InvalidParameterException`
carrying the usual "1 validation error detected: …" text.
"""

from __future__ import annotations

import re
from typing import Any

from statewright.services.common import AwsError
from statewright.services.common.checks import shorten

GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]+")
STREAM_NAME = re.compile(r"[^:*]*")
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653)


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


def constraint(field: str, value: object, text: str) -> AwsError:
    shown = "null" if value is None else f"'{shorten(str(value))}'"
    return invalid(f"1 validation error detected: Value {shown} at '{field}' failed to satisfy constraint: {text}")


def group_not_found() -> AwsError:
    return AwsError("ResourceNotFoundException", "The specified log group does not exist.")


def stream_not_found() -> AwsError:
    return AwsError("ResourceNotFoundException", "The specified log stream does not exist.")


def string(request: dict[str, Any], field: str, *, required: bool = False, max_length: int = 512,
           min_length: int = 1, pattern: re.Pattern[str] | None = None) -> str | None:
    value = request.get(field)
    if value is None:
        if required:
            raise constraint(field, None, "Member must not be null")
        return None
    if not isinstance(value, str):
        raise AwsError("SerializationException", f"Expected a string for '{field}'")
    if not _is_unicode(value):
        # A lone surrogate (JSON's "\ud800") is not text SQLite or UTF-8 can hold.
        raise constraint(field, value.encode("utf-8", "backslashreplace").decode("ascii", "replace"),
                         "Member must contain valid Unicode characters")
    if len(value) < min_length:
        raise constraint(field, value, f"Member must have length greater than or equal to {min_length}")
    if len(value) > max_length:
        raise constraint(field, value, f"Member must have length less than or equal to {max_length}")
    if pattern is not None and not pattern.fullmatch(value):
        raise constraint(field, value, f"Member must satisfy regular expression pattern: {pattern.pattern}")
    return value


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def integer(request: dict[str, Any], field: str, *, minimum: int | None = None,
            maximum: int | None = None) -> int | None:
    value = request.get(field)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise AwsError("SerializationException", f"Expected an integer for '{field}'")
    if minimum is not None and value < minimum:
        raise constraint(field, value, f"Member must have value greater than or equal to {minimum}")
    if maximum is not None and value > maximum:
        raise constraint(field, value, f"Member must have value less than or equal to {maximum}")
    return value


def boolean(request: dict[str, Any], field: str, default: bool = False) -> bool:
    value = request.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise AwsError("SerializationException", f"Expected a boolean for '{field}'")
    return value


def group_name(request: dict[str, Any], field: str = "logGroupName", required: bool = True) -> str | None:
    return string(request, field, required=required, pattern=GROUP_NAME)


def stream_name(request: dict[str, Any], field: str = "logStreamName", required: bool = True) -> str | None:
    return string(request, field, required=required, pattern=STREAM_NAME)


def retention(request: dict[str, Any]) -> int:
    value = integer(request, "retentionInDays")
    if value is None:
        raise constraint("retentionInDays", None, "Member must not be null")
    if value not in RETENTION_DAYS:
        raise constraint("retentionInDays", value,
                         f"Member must satisfy enum value set: [{', '.join(map(str, RETENTION_DAYS))}]")
    return value


def tags(request: dict[str, Any], field: str = "tags") -> dict[str, str]:
    value = request.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise AwsError("SerializationException", f"Expected a map of strings for '{field}'")
    if not 1 <= len(value) <= 50:
        raise constraint(field, value, "Member must have length between 1 and 50")
    return dict(value)


LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")


def log_group_class(request: dict[str, Any]) -> str | None:
    value = request.get("logGroupClass")
    if value is not None and value not in LOG_GROUP_CLASSES:
        raise constraint("logGroupClass", value,
                         f"Member must satisfy enum value set: [{', '.join(LOG_GROUP_CLASSES)}]")
    return value


def strings(request: dict[str, Any], field: str, *, max_items: int,
            pattern: re.Pattern[str] | None = None) -> list[str] | None:
    """An optional list of 1..max_items strings, each checked as `field.member.N`."""
    value = request.get(field)
    if value is None:
        return None
    if not isinstance(value, list):
        raise AwsError("SerializationException", f"Expected a list for '{field}'")
    if not 1 <= len(value) <= max_items:
        raise constraint(field, f"[{len(value)} items]", f"Member must have length between 1 and {max_items}")
    return [string({"item": item}, "item", required=True, pattern=pattern) or "" for item in value]
