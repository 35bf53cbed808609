"""Step Functions execution logs: which history events a `loggingConfiguration.level` keeps,
the record AWS writes for each to the state machine's log group, and the stream it goes to
(see docs/logs.md). The sink that writes them is `states_sink.py`."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

FATAL_EVENTS = frozenset({"ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})
# AWS's table of log levels ("Log levels for Step Functions execution events") lists these for
# ERROR. Its table has no activity or Map Run events; their failures are errors too, so they are
# here as well (a choice of ours, said in docs/logs.md).
ERROR_EVENTS = FATAL_EVENTS | frozenset({
    "FailStateEntered",
    "LambdaFunctionFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "LambdaFunctionTimedOut",
    "MapStateAborted", "MapStateFailed", "MapIterationAborted", "MapIterationFailed",
    "MapRunAborted", "MapRunFailed",
    "ParallelStateAborted", "ParallelStateFailed",
    "TaskFailed", "TaskStartFailed", "TaskStateAborted", "TaskSubmitFailed", "TaskTimedOut",
    "WaitStateAborted",
    "ActivityFailed", "ActivityScheduleFailed", "ActivityTimedOut",
})
LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
# Execution data: without includeExecutionData these (and their `…Details`) are left out.
PAYLOAD_KEYS = ("input", "output", "parameters", "assignedVariables")
_LEFT_OUT = frozenset(PAYLOAD_KEYS) | frozenset(f"{key}Details" for key in PAYLOAD_KEYS)
# AWS truncates an escaped input or output over 248 KB in a log record (and says so in `truncated`).
MAX_PAYLOAD_BYTES = 248 * 1024


def wanted(level: str, event_type: str) -> bool:
    """Whether a state machine logging at `level` (ALL, ERROR, FATAL, OFF) logs this event."""
    if level == "ALL":
        return True
    if level == "ERROR":
        return event_type in ERROR_EVENTS
    if level == "FATAL":
        return event_type in FATAL_EVENTS
    return False


def level_events(level: str) -> frozenset[str] | None:
    """The event types a level logs; None for every type (ALL)."""
    if level == "ALL":
        return None
    return ERROR_EVENTS if level == "ERROR" else FATAL_EVENTS if level == "FATAL" else frozenset()


def log_record(event: Mapping[str, Any], execution_arn: str, include_data: bool,
               redrive_count: int = 0) -> dict[str, Any]:
    """AWS's log record for a history event: `{"id", "type", "details", "previous_event_id",
    "event_timestamp" (ms since the epoch), "execution_arn", "redrive_count"}`, numbers as strings;
    `details` is the event's `<x>EventDetails` object ({} when it has none)."""
    details: dict[str, Any] = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            details = _with_data(value) if include_data else {k: v for k, v in value.items() if k not in _LEFT_OUT}
            break
    return {"id": str(event["id"]), "type": event["type"], "details": details,
            "previous_event_id": str(event.get("previousEventId", 0)),
            "event_timestamp": str(int(round(float(event["timestamp"]) * 1000))),
            "execution_arn": execution_arn, "redrive_count": str(redrive_count)}


def _with_data(details: dict[str, Any]) -> dict[str, Any]:
    """The details with every payload over AWS's limit cut to it, marked truncated."""
    cut: dict[str, Any] | None = None
    for key in PAYLOAD_KEYS:
        value = details.get(key)
        if isinstance(value, str) and len(value) > MAX_PAYLOAD_BYTES // 4:  # only long text can be too long
            data = value.encode("utf-8")
            if len(data) > MAX_PAYLOAD_BYTES:
                cut = cut if cut is not None else dict(details)
                cut[key] = data[:MAX_PAYLOAD_BYTES].decode("utf-8", "ignore")
                cut[f"{key}Details"] = {**(details.get(f"{key}Details") or {}), "truncated": True}
    return details if cut is None else cut


def log_message(event: Mapping[str, Any], execution_arn: str, include_data: bool, redrive_count: int = 0) -> str:
    return json.dumps(log_record(event, execution_arn, include_data, redrive_count),
                      separators=(",", ":"), ensure_ascii=False)


def stream_name(state_machine_name: str, timestamp: float, suffix: str) -> str:
    """`states/<state machine>/<YYYY-MM-DD-HH-mm>/<suffix>`: the minute of the event (UTC) and
    the writer's 8 hex digits. A stream holds the events of every execution of that machine in
    that minute, as on AWS; each record names its execution (`execution_arn`)."""
    return f"states/{state_machine_name}/{time.strftime('%Y-%m-%d-%H-%M', time.gmtime(timestamp))}/{suffix}"


def machine_name(execution_arn: str) -> str:
    """The state machine's name in a Standard (`…:execution:<machine>:<name>`) or Express
    (`…:express:<machine>:<name>:<id>`) execution ARN."""
    parts = execution_arn.split(":")
    return parts[6] if len(parts) > 6 else execution_arn


def destination(logging: Mapping[str, Any]) -> str | None:
    """The log group ARN a logging configuration writes to; None when it writes nowhere."""
    if logging.get("level", "OFF") == "OFF":
        return None
    for entry in logging.get("destinations") or []:
        group = (entry or {}).get("cloudWatchLogsLogGroup") or {}
        arn = group.get("logGroupArn")
        if isinstance(arn, str) and arn:
            return arn
    return None
