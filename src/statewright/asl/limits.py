"""AWS's 256 KiB quota on payloads: state input and output, task requests and results, and the
variables one state assigns. One measure (compact JSON, UTF-8) for every place that checks it."""

from __future__ import annotations

from typing import Any

from .errors import DATA_LIMIT_EXCEEDED, StatesError
from .history import dumps

MAX_PAYLOAD_BYTES = 256 * 1024


def payload_size(value: Any) -> int:
    """Bytes of `value` as AWS measures a payload."""
    return len(dumps(value).encode())


def result_too_large(state_name: str) -> StatesError:
    return StatesError(DATA_LIMIT_EXCEEDED, f"The state/task '{state_name}' returned a result with a size "
                       "exceeding the maximum number of bytes service limit.")


def check_result(value: Any, state_name: str) -> int:
    """The size of `value`; raises States.DataLimitExceeded when it is over the quota."""
    size = payload_size(value)
    if size > MAX_PAYLOAD_BYTES:
        raise result_too_large(state_name)
    return size
