"""AWS's quotas on data: 256 KiB payloads (state input and output, task requests and results,
the variables one state assigns), and how deeply JSON may nest.

One measure of size (compact JSON, UTF-8) for every place that checks it. A lone surrogate
('\\ud800', which JSON's escape can produce) has no UTF-8 form; it counts as the one byte Java's
UTF-8 encoder (AWS's) writes in its place, so measuring never fails.

Nesting: AWS's JSON parser (Jackson) refuses documents nested more than 1,000 levels. Statewright
refuses more than MAX_NESTING_DEPTH (512) levels, because its evaluators recurse on the Python
stack: the limit leaves them room, so a deep document gets an error, never a RecursionError.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import DATA_LIMIT_EXCEEDED, RUNTIME, StatesError
from .history import dumps

MAX_PAYLOAD_BYTES = 256 * 1024
# AWS's hard quota on a Standard execution's history: event 25,000 is its last. When it is not
# ExecutionSucceeded, the execution fails there (docs: "Avoid reaching the history quota").
MAX_HISTORY_EVENTS = 25_000
MAX_NESTING_DEPTH = 512


class TooDeep(ValueError):
    """JSON nested more than MAX_NESTING_DEPTH levels; the message names `what`."""

    def __init__(self, what: str) -> None:
        super().__init__(f"The {what} is nested more than {MAX_NESTING_DEPTH} levels deep")


def payload_size(value: Any) -> int:
    """Bytes of `value` as AWS measures a payload."""
    return text_size(dumps(value))


def text_size(text: str) -> int:
    """Bytes of a payload already written as JSON text (`payload_size` without the encoding)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "replace"))


def result_too_large(state_name: str) -> StatesError:
    return StatesError(DATA_LIMIT_EXCEEDED, f"The state/task '{state_name}' returned a result with a size "
                       "exceeding the maximum number of bytes service limit.")


def check_result(value: Any, state_name: str) -> int:
    """The size of `value`; raises States.DataLimitExceeded when it is over the quota."""
    size = payload_size(value)
    if size > MAX_PAYLOAD_BYTES:
        raise result_too_large(state_name)
    return size


def check_text(text: str, state_name: str) -> int:
    """`check_result` for a payload already written as JSON text."""
    size = text_size(text)
    if size > MAX_PAYLOAD_BYTES:
        raise result_too_large(state_name)
    return size


def too_deep(value: Any, limit: int = MAX_NESTING_DEPTH) -> bool:
    """Whether `value` nests objects and arrays more than `limit` levels (iterative: any depth)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def load_limited(text: str | bytes, what: str) -> Any:
    """`json.loads(text)`, refusing (TooDeep) a document nested too deeply; other bad JSON
    raises ValueError as json.loads does."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(what) from None
    # Fewer brackets than the limit cannot nest that deep: most documents skip the walk.
    opening = text.count("{") + text.count("[") if isinstance(text, str) else MAX_NESTING_DEPTH + 1
    if opening > MAX_NESTING_DEPTH and too_deep(value):
        raise TooDeep(what)
    return value


def nesting_failure(error: BaseException) -> StatesError:
    """What a step that ran out of stack on deeply nested data fails the execution with."""
    return StatesError(RUNTIME, f"The data is nested too deeply to evaluate (more than {MAX_NESTING_DEPTH} "
                       f"levels are not supported): {type(error).__name__}")
