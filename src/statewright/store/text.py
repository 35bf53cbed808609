"""Text at the store boundary: what SQLite can hold, and JSON that always can.

SQLite stores text as UTF-8, and a Python string with a lone surrogate ('\\ud800', which JSON's
`\\ud800` escape produces) has no UTF-8 form: binding it raises `UnicodeEncodeError`. Two cases:

- Names, ARNs, kinds, tag keys and values are identifiers: one with a lone surrogate is refused
  with `InvalidText` naming the field, which the API answers as a ValidationException. The check
  is SQLite's own failure to encode, caught (transaction.py): nothing extra on the normal path.
- JSON documents (bodies, history events, checkpoints, definitions) are stored losslessly: a
  lone surrogate inside JSON text is written as its `\\uXXXX` escape, which `json.loads` reads
  back as the same string; the store never fails an execution's step for one. (One exception: a
  high and a low surrogate side by side, which JSON parsing never produces, read back joined.)
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    # Encoding is the fast check (C speed, no regex) and the exact condition SQLite needs.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def storable_json(text: str) -> str:
    """JSON text that SQLite can store and that parses to the same value as `text`.

    Outside strings JSON is ASCII, so every surrogate is inside a string, where its escape
    means the same character."""
    if not has_surrogate(text):
        return text
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _ascii_chunks() -> Any:
    """The C encoder behind json.dumps(value, separators=(",", ":")), built once: json.dumps
    with `separators` builds a new one per call, a sixth of the cost of encoding a step's
    events. No circular-reference markers (a shared dict would be shared between threads); a
    cycle ends in RecursionError instead of ValueError. None without the C accelerator."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    return make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii,
                None, ":", ",", False, False, True)


_CHUNKS = _ascii_chunks()


def dumps(value: Any) -> str:
    """Compact JSON that SQLite can always store (ASCII: non-ASCII characters escaped)."""
    if _CHUNKS is None:
        return json.dumps(value, separators=(",", ":"))
    return "".join(_CHUNKS(value, 0))
