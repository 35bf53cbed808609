"""Task and attachment ids: sortable by creation time and unique (ULID layout, Crockford base32)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(now_ms: Callable[[], int] | None = None, entropy: Callable[[int], bytes] = os.urandom) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits, so ids sort by creation time."""
    millis = now_ms() if now_ms else time.time_ns() // 1_000_000
    randomness = int.from_bytes(entropy(10), "big")
    return _encode(millis, 10) + _encode(randomness, 16)


def is_id(text: object) -> bool:
    return isinstance(text, str) and len(text) == 26 and all(c in _ALPHABET for c in text)
