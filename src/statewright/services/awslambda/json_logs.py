"""Lambda's JSON log format (`LoggingConfig.LogFormat: JSON`): the platform's own records
(`platform.initStart`, `platform.start`, `platform.runtimeDone`, `platform.report`) written as
JSON in place of the text INIT/START/END/REPORT lines, and the log-level filtering Lambda applies
only with JSON logs — `SystemLogLevel` to its records, `ApplicationLogLevel` to the function's
lines (a line that is a JSON object with a `level` has that level; any other line is INFO)."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from .types import FunctionConfig, Outcome

APPLICATION_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")
# How runtimes and logging libraries spell a level, as Lambda reads them.
_SPELLINGS = {"WARNING": "WARN", "CRITICAL": "FATAL"}
# The level at which Lambda writes each of its records (AWS's system log level event mapping).
RECORD_LEVELS = {"platform.initStart": "INFO", "platform.start": "INFO", "platform.runtimeDone": "DEBUG",
                 "platform.report": "INFO"}


def is_json(config: FunctionConfig) -> bool:
    return str(config.logging_config.get("LogFormat", "Text")).upper() == "JSON"


def application_level(config: FunctionConfig) -> str:
    """The function's application log level (INFO unless configured), as AWS_LAMBDA_LOG_LEVEL."""
    return str(config.logging_config.get("ApplicationLogLevel") or "INFO").upper()


def system_level(config: FunctionConfig) -> str:
    return str(config.logging_config.get("SystemLogLevel") or "INFO").upper()


def line_level(line: str) -> str:
    """The level Lambda gives a function's output line."""
    if line.startswith("{"):
        try:
            record = json.loads(line)
        except ValueError:
            return "INFO"
        level = record.get("level") if isinstance(record, dict) else None
        if isinstance(level, str):
            name = _SPELLINGS.get(level.upper(), level.upper())
            if name in APPLICATION_LEVELS:
                return name
    return "INFO"


def _wanted(level: str, threshold: str, order: tuple[str, ...]) -> bool:
    # An unknown threshold keeps everything rather than losing logs.
    return threshold not in order or order.index(level) >= order.index(threshold)


def application_lines(text: str, threshold: str) -> list[str]:
    return [line for line in text.splitlines() if _wanted(line_level(line), threshold, APPLICATION_LEVELS)]


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds * 1000) % 1000:03d}Z"


def _record(kind: str, at: float, record: dict[str, Any]) -> str:
    return json.dumps({"time": _stamp(at), "type": kind, "record": record}, separators=(",", ":"))


def _error_type(outcome: Outcome) -> str | None:
    try:
        answer = json.loads(outcome.payload)
    except ValueError:
        return None
    value = answer.get("errorType") if isinstance(answer, dict) else None
    return value if isinstance(value, str) else None


def invocation_lines(request_id: str, version: str, outcome: Outcome, config: FunctionConfig, function_arn: str,
                     ended: float | None = None) -> list[str]:
    """One invocation's log in the JSON format, filtered by the function's log levels."""
    ended = time.time() if ended is None else ended
    began = ended - outcome.duration_ms / 1000
    threshold, system = application_level(config), system_level(config)
    lines: list[str] = []

    def platform(kind: str, at: float, record: dict[str, Any]) -> None:
        if _wanted(RECORD_LEVELS[kind], system, SYSTEM_LEVELS):
            lines.append(_record(kind, at, record))

    if outcome.init_ms is not None or outcome.init_log_text:
        platform("platform.initStart", began - (outcome.init_ms or 0) / 1000,
                 {"initializationType": "on-demand", "phase": "init", "functionName": config.name,
                  "functionVersion": version})
        lines.extend(application_lines(outcome.init_log_text, threshold))
    platform("platform.start", began, {"requestId": request_id, "functionArn": function_arn, "version": version})
    lines.extend(application_lines(outcome.log_text, threshold))
    # The handler raising is a `failure` of the runtime's work but a normal end of the invocation
    # (the text REPORT has no Status for it); a timeout or a dead runtime is the invocation's too.
    done = {"success": "success", "error": "failure", "timeout": "timeout", "crash": "error"}[outcome.status]
    runtime_done: dict[str, Any] = {"requestId": request_id, "status": done}
    if done != "success" and (error := _error_type(outcome)):
        runtime_done["errorType"] = error
    runtime_done["metrics"] = {"durationMs": round(outcome.duration_ms, 3), "producedBytes": len(outcome.payload)}
    platform("platform.runtimeDone", ended, runtime_done)
    metrics: dict[str, Any] = {"durationMs": round(outcome.duration_ms, 3),
                               "billedDurationMs": max(1, math.ceil(outcome.duration_ms)),
                               "memorySizeMB": config.memory_size, "maxMemoryUsedMB": outcome.max_memory_mb}
    if outcome.init_ms is not None:
        metrics["initDurationMs"] = round(outcome.init_ms, 3)
    report: dict[str, Any] = {"requestId": request_id, "metrics": metrics,
                              "status": done if done in ("timeout", "error") else "success"}
    if done == "error":
        report["errorType"] = "Runtime.ExitError"
    platform("platform.report", ended, report)
    return lines
