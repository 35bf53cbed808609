"""Checks of request fields with AWS's error codes and wording, and the pagination token."""

from __future__ import annotations

import json
import re
from typing import Any

from statewright.asl.limits import TooDeep, load_limited
from statewright.services.common import AwsError, validation_error
from statewright.services.common.checks import boolean, one_of, required_str, shorten, string
from statewright.services.common.pagination import decode_token, encode_token
from statewright.services.common.pagination import page_size as read_page_size

__all__ = ["boolean", "one_of", "required_str", "string"]  # re-exported for the action modules

MAX_PAYLOAD = 256 * 1024  # input, output and cause: AWS's 256 KiB
MAX_DEFINITION = 1024 * 1024  # definition: AWS's 1 MB
DEFAULT_PAGE = 100
# ListExecutions' statusFilter values.
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
MAX_PAGE = 1000
MAX_TAGS = 50

# AWS: no whitespace, brackets, wildcards, the listed specials, or control characters; and no
# Unicode noncharacters U+FFFE/U+FFFF (which JSON carries but many readers refuse).
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]")
MAX_NAME = 80


def name(request: dict[str, Any], field: str = "name", required: bool = True) -> str | None:
    """A resource name: its length is the model's constraint (ValidationException, in Coral's
    words), its characters Step Functions' own rule (InvalidName)."""
    value = required_str(request, field) if required else string(request, field)
    if value is None:
        return None
    if not value:
        raise validation_error(field, value, "Member must have length greater than or equal to 1")
    if len(value) > MAX_NAME:
        raise validation_error(field, value, f"Member must have length less than or equal to {MAX_NAME}")
    if _BAD_NAME.search(value):
        raise AwsError("InvalidName", f"Invalid Name: '{value}'")
    return value


def payload(request: dict[str, Any], field: str, code: str, default: str | None = "{}") -> str | None:
    """A JSON text field such as `input` or `output`: at most 256 KiB, and valid JSON."""
    text = string(request, field)
    if text is None:
        return default
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PAYLOAD:
        raise validation_error(field, shorten(text), f"Member must have length less than or equal to {MAX_PAYLOAD}")
    try:
        value = load_limited(text, field)
    except TooDeep as error:  # the engine walks payloads: deeper than it allows is refused now
        raise AwsError(code, f"Invalid {field.capitalize()}: '{error}'") from None
    except ValueError as error:
        raise AwsError(code, f"Invalid {field.capitalize()}: '{error}'") from None
    if "\\u" in text and not _encodable(value):
        # An escaped lone surrogate ("\\ud800") is valid JSON but no valid text: it could be
        # neither stored nor answered later, so it is refused now.
        raise AwsError(code, f"Invalid {field.capitalize()}: 'the JSON holds an unpaired surrogate escape'")
    return text


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


def page_size(request: dict[str, Any]) -> int:
    return read_page_size(request.get("maxResults", 0), "maxResults", DEFAULT_PAGE, MAX_PAGE)


def page_start(request: dict[str, Any], scope: str) -> int:
    """The offset a `nextToken` stands for; the token is tied to `scope` (the listing's key)."""
    token = request.get("nextToken")
    if token is None:
        return 0
    return decode_token(token, scope, "nextToken", lambda bad: AwsError("InvalidToken", f"Invalid Token: '{bad}'"))


def next_token(scope: str, offset: int) -> str:
    return encode_token(scope, offset)


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
        raise AwsError("SerializationException", f"Expected a list for '{field}'")
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
