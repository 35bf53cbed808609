"""Step Functions execution logs: which history events a `loggingConfiguration.level` keeps,
and the record AWS writes for each to the state machine's log group (see docs/logs.md)."""

from __future__ import annotations

import json
import time
from typing import Any

FATAL_EVENTS = frozenset({"ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})
# Without includeExecutionData these payloads are left out of the details.
PAYLOAD_KEYS = ("input", "output", "parameters", "result")


def wanted(level: str, event_type: str) -> bool:
    """Whether a state machine logging at `level` (ALL, ERROR, FATAL, OFF) logs this event."""
    if level == "ALL":
        return True
    if level == "FATAL":
        return event_type in FATAL_EVENTS
    if level == "ERROR":
        return event_type in FATAL_EVENTS or event_type.endswith(("Failed", "TimedOut"))
    return False


def log_record(event: dict[str, Any], execution_arn: str, include_data: bool) -> dict[str, Any]:
    """AWS's log record for a history event (`{"id", "type", "previousEventId", "timestamp"
    (epoch seconds), "<x>EventDetails": {…}}`): ids and the millisecond timestamp as strings."""
    details: dict[str, Any] = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            details = value if include_data else {k: v for k, v in value.items() if k not in PAYLOAD_KEYS}
    return {"id": str(event["id"]), "type": event["type"], "details": details,
            "previous_event_id": str(event.get("previousEventId", 0)),
            "event_timestamp": str(int(float(event["timestamp"]) * 1000)), "execution_arn": execution_arn}


def log_message(event: dict[str, Any], execution_arn: str, include_data: bool) -> str:
    return json.dumps(log_record(event, execution_arn, include_data), separators=(",", ":"), ensure_ascii=False)


def stream_name(state_machine_name: str, execution_name: str, started: float | None = None) -> str:
    """`states/<state machine>/<YYYY-MM-DD-HH-mm>/<execution>`: one stream per execution."""
    stamp = time.strftime("%Y-%m-%d-%H-%M", time.gmtime(time.time() if started is None else started))
    return f"states/{state_machine_name}/{stamp}/{execution_name}"
