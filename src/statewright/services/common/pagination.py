"""Opaque pagination tokens, each tied to the listing it came from (AWS rejects a token reused
for another listing with `InvalidToken`-style errors; the caller names the error)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from .errors import AwsError, validation_error

MAX_TOKEN_LENGTH = 1024


def encode_token(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": scope, "o": offset}).encode()).decode()


def decode_token(token: object, scope: str, field: str, invalid: Callable[[str], AwsError]) -> int:
    """The offset a token stands for. A token that is not a string of 1–1024 characters fails
    the field's length constraint; one that is not ours, or belongs to another listing, is
    `invalid(token)`."""
    if not isinstance(token, str) or not 1 <= len(token) <= MAX_TOKEN_LENGTH:
        raise validation_error(field, token, f"Member must have length between 1 and {MAX_TOKEN_LENGTH}")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["s"] == scope and isinstance(decoded["o"], int) and decoded["o"] >= 0:
            return int(decoded["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise invalid(token)


def page_size(value: Any, field: str, default: int, maximum: int) -> int:
    """A page-size field: absent or 0 means `default`; negative or above `maximum` fails with
    AWS's range wording."""
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise AwsError("SerializationException", f"Expected an integer for '{field}'")
    if value < 0:
        raise validation_error(field, value, "Member must have value greater than or equal to 0")
    if value > maximum:
        raise validation_error(field, value, f"Member must have value less than or equal to {maximum}")
    return value or default
