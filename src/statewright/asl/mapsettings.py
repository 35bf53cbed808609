"""A Map state's numeric settings as AWS reads them at run time.

MaxConcurrency, ToleratedFailureCount, ToleratedFailurePercentage and ItemBatcher's
MaxItemsPerBatch and MaxInputBytesPerBatch each come as a literal (checked when the definition is
validated), a `…Path` into the state's input, or a JSONata expression. One rule per kind of
setting, the same whichever way the value arrived:

- integer settings take a JSON integer in Java's int range, or a string Java's Integer.parseInt
  reads ("3"); anything else "is not a valid integer";
- the percentage takes any finite JSON number, or a string Java's Double.parseDouble reads;
  anything else "is not a valid float";
- then each setting checks its own range, with its own cause.

All failures are States.Runtime, except a JSONata result of the wrong JSON type, which is the
usual States.QueryEvaluationError.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, Final

from . import jsonata
from .errors import RUNTIME, StatesError
from .numbers import INT_MAX, INT_MIN, is_number, java_text, parse_java_double, parse_java_int

PERCENTAGE: Final = "ToleratedFailurePercentage"


def from_path(field: str, path_text: str, value: Any) -> int | float:
    """The setting `field` read from the value its `…Path` selected."""
    number: int | float | None
    if field == PERCENTAGE:
        number = _as_double(value)
        kind = "float"
    else:
        number = _as_int(value)
        kind = "integer"
    if number is None:
        raise StatesError(RUNTIME, f'The {field}Path field refers to value "{java_text(value)}" which is not '
                                   f"a valid {kind}: {path_text}")
    return check_range(field, number)


def from_jsonata(field: str, source: str, value: Any) -> int | float:
    """The setting `field` from a JSONata result: a number of the right kind, then its range."""
    if field == PERCENTAGE:
        jsonata.expect_type(value, "number", source, field)
        return check_range(field, value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    jsonata.expect_type(value, "integer", source, field)
    return check_range(field, value)


def check_range(field: str, number: int | float) -> int | float:
    """`number` if it is in `field`'s range, else the cause AWS gives for that setting."""
    check = _RANGES.get(field)
    if check is not None:
        cause = check(number)
        if cause is not None:
            raise StatesError(RUNTIME, cause)
    return number


def _as_int(value: Any) -> int | None:
    if isinstance(value, str):
        return parse_java_int(value)
    if isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX:
        return value
    return None


def _as_double(value: Any) -> float | None:
    if isinstance(value, str):
        return parse_java_double(value)
    if is_number(value) and math.isfinite(value):
        return float(value)
    return None


def _concurrency(n: int | float) -> str | None:
    return f"Expected non-negative integer for MaxConcurrency, got '{n}' instead." if n < 0 else None


def _count(n: int | float) -> str | None:
    return "ToleratedFailureCount cannot be negative." if n < 0 else None


def _percentage(n: int | float) -> str | None:
    return f"{PERCENTAGE} must be between 0 and 100." if not 0 <= n <= 100 else None


def _positive(field: str) -> Callable[[int | float], str | None]:
    # No recording shows these causes; the wording follows the MaxConcurrency one.
    return lambda n: f"Expected positive integer for {field}, got '{n}' instead." if n <= 0 else None


_RANGES: Final[dict[str, Callable[[int | float], str | None]]] = {
    "MaxConcurrency": _concurrency,
    "ToleratedFailureCount": _count,
    PERCENTAGE: _percentage,
    "MaxItemsPerBatch": _positive("MaxItemsPerBatch"),
    "MaxInputBytesPerBatch": _positive("MaxInputBytesPerBatch"),
    "MaxItems": _positive("MaxItems"),
}


def batch(items: list[Any], max_items: int | None, max_bytes: int | None,
          batch_input: Any, has_batch_input: bool) -> list[dict[str, Any]]:
    """`items` in batches of at most `max_items` items and `max_bytes` bytes of JSON (a batch
    always takes at least one item, so an item larger than the byte limit travels alone)."""
    batches: list[dict[str, Any]] = []
    current: list[Any] = []
    size = 2  # the brackets of the Items array
    for item in items:
        item_size = len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace"))
        extra = item_size + (1 if current else 0)
        full = (max_items is not None and len(current) >= max_items) or (
            max_bytes is not None and current and size + extra > max_bytes)
        if full:
            batches.append(_one_batch(current, batch_input, has_batch_input))
            current, size, extra = [], 2, item_size
        current.append(item)
        size += extra
    if current:
        batches.append(_one_batch(current, batch_input, has_batch_input))
    return batches


def _one_batch(items: list[Any], batch_input: Any, has_batch_input: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"Items": items}
    if has_batch_input:
        result["BatchInput"] = batch_input
    return result
