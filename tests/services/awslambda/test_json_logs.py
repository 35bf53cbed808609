"""Lambda's JSON log format: the platform records in place of START/END/REPORT, and log-level
filtering of the platform's records and of the function's lines."""

from __future__ import annotations

import json

import pytest

from statewright.services.awslambda import FunctionConfig
from statewright.services.awslambda.json_logs import application_lines, invocation_lines, line_level
from statewright.services.awslambda.types import Outcome

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
REQUEST = "8f1c0d7e-1111-2222-3333-444455556666"


def config(**logging: str) -> FunctionConfig:
    return FunctionConfig("fn", "app.handler", "python3.11", "/code", memory_size=256,
                          logging_config={"LogFormat": "JSON", **logging})


def records(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(("line", "level"), [
    ('{"level": "WARNING", "message": "x"}', "WARN"),
    ('{"level": "debug", "msg": "x"}', "DEBUG"),
    ('{"level": "CRITICAL"}', "FATAL"),
    ('{"level": "trace"}', "TRACE"),
    ('{"level": "loud"}', "INFO"),       # not a level: INFO, as Lambda assigns it
    ('{"message": "no level"}', "INFO"),
    ("plain text", "INFO"),
    ("{not json", "INFO"),
    ('["level", "ERROR"]', "INFO"),
])
def test_a_line_has_its_level_or_info(line, level):
    assert line_level(line) == level


def test_application_lines_below_the_level_are_dropped():
    text = "\n".join(['{"level": "DEBUG", "m": 1}', "plain", '{"level": "WARN", "m": 2}', '{"level": "ERROR", "m": 3}'])
    assert application_lines(text, "WARN") == ['{"level": "WARN", "m": 2}', '{"level": "ERROR", "m": 3}']
    assert len(application_lines(text, "TRACE")) == 4
    assert application_lines(text, "FATAL") == []


def test_a_cold_invocation_at_the_default_levels():
    outcome = Outcome(b'{"ok": 1}', None, "hello\n", 12.3456, init_ms=150.25, max_memory_mb=40,
                      init_log_text="loading\n")
    lines = invocation_lines(REQUEST, "$LATEST", outcome, config(), ARN, ended=1796046332.5)
    assert lines[1] == "loading" and lines[3] == "hello"
    init, start, report = records([lines[0], lines[2], lines[4]])
    assert len(lines) == 5  # runtimeDone is a DEBUG record: not written at INFO
    assert init == {"time": "2026-11-30T13:45:32.337Z", "type": "platform.initStart",
                    "record": {"initializationType": "on-demand", "phase": "init", "functionName": "fn",
                               "functionVersion": "$LATEST"}}
    assert start == {"time": "2026-11-30T13:45:32.487Z", "type": "platform.start",
                     "record": {"requestId": REQUEST, "functionArn": ARN, "version": "$LATEST"}}
    assert report == {"time": "2026-11-30T13:45:32.500Z", "type": "platform.report",
                      "record": {"requestId": REQUEST, "status": "success",
                                 "metrics": {"durationMs": 12.346, "billedDurationMs": 13, "memorySizeMB": 256,
                                             "maxMemoryUsedMB": 40, "initDurationMs": 150.25}}}


def test_debug_system_level_adds_runtime_done_and_warn_drops_the_records():
    outcome = Outcome(b'{"errorType": "ValueError", "errorMessage": "bad"}', "Unhandled", "", 2.0, status="error")
    debug = records(invocation_lines(REQUEST, "$LATEST", outcome, config(SystemLogLevel="DEBUG"), ARN))
    assert [r["type"] for r in debug] == ["platform.start", "platform.runtimeDone", "platform.report"]
    assert debug[1]["record"] == {"requestId": REQUEST, "status": "failure", "errorType": "ValueError",
                                  "metrics": {"durationMs": 2.0, "producedBytes": len(outcome.payload)}}
    # The handler raising ends the invocation normally, as the text REPORT has no Status for it.
    assert debug[2]["record"]["status"] == "success" and "initDurationMs" not in debug[2]["record"]["metrics"]
    assert invocation_lines(REQUEST, "$LATEST", outcome, config(SystemLogLevel="WARN"), ARN) == []


def test_timeouts_and_crashes_are_reported():
    timeout = Outcome(b'{"errorType": "Sandbox.Timedout"}', "Unhandled", "", 3000.0, status="timeout")
    report = records(invocation_lines(REQUEST, "$LATEST", timeout, config(), ARN))[-1]["record"]
    assert report["status"] == "timeout" and report["metrics"]["durationMs"] == 3000.0
    crash = Outcome(b'{"errorType": "Runtime.ExitError"}', "Unhandled", "", 0.0, status="crash")
    report = records(invocation_lines(REQUEST, "$LATEST", crash, config(), ARN))[-1]["record"]
    assert (report["status"], report["errorType"]) == ("error", "Runtime.ExitError")
