"""The engine's event sink: queued on the caller's thread, written to the log group of the
configuration by its own thread, in AWS's record shape and stream names."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future

import pytest

from statewright.services.logs import states, states_sink
from statewright.services.logs.states_sink import StatesLogSink

from .conftest import NOW, call

GROUP = "/aws/vendedlogs/states/orders"
GROUP_ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"
EXPRESS_ARN = "arn:aws:states:us-east-1:123456789012:express:orders:run-2:0b1c2d3e"


def configuration(level: str = "ALL", include_data: bool = False, group: str = GROUP_ARN) -> dict:
    return {"level": level, "includeExecutionData": include_data,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}]}


def history(seconds: float = NOW / 1000) -> list[dict]:
    return [
        {"id": 1, "previousEventId": 0, "timestamp": seconds, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}", "inputDetails": {"truncated": False}, "roleArn": "r"}},
        {"id": 2, "previousEventId": 0, "timestamp": seconds, "type": "FailStateEntered",
         "stateEnteredEventDetails": {"name": "F", "input": "{}", "inputDetails": {"truncated": False}}},
        {"id": 3, "previousEventId": 2, "timestamp": seconds + 0.001, "type": "ExecutionFailed",
         "executionFailedEventDetails": {"error": "E", "cause": "c"}},
    ]


def messages(service, **request) -> list[dict]:
    found = call(service, "FilterLogEvents", logGroupName=GROUP, startTime=0, **request)
    return [json.loads(event["message"]) | {"stream": event["logStreamName"], "ts": event["timestamp"]}
            for event in found["events"]]


def test_events_become_records_in_the_group(service):
    call(service, "CreateLogGroup", logGroupName=GROUP)
    sink = service.states_sink
    sink(ARN, configuration(), history()[:2])
    sink(ARN, configuration(), history()[2:])
    sink.flush().result(10)
    logged = messages(service)
    assert [record["type"] for record in logged] == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert logged[0]["details"] == {"roleArn": "r"}
    assert logged[2]["details"] == {"error": "E", "cause": "c"}
    assert {record["execution_arn"] for record in logged} == {ARN}
    assert [record["ts"] for record in logged] == [NOW, NOW, NOW + 1]
    assert {record["stream"] for record in logged} == {f"states/orders/2026-11-30-00-53/{sink.suffix}"}


def test_levels_and_execution_data_apply_per_execution(service):
    call(service, "CreateLogGroup", logGroupName=GROUP)
    sink = service.states_sink
    sink(ARN, configuration("FATAL"), history())
    sink(EXPRESS_ARN, configuration("ERROR", include_data=True), history(), redrive_count=0)
    sink.flush().result(10)
    standard = messages(service, filterPattern=f'{{ $.execution_arn = "{ARN}" }}')
    assert [record["type"] for record in standard] == ["ExecutionFailed"]
    express = messages(service, filterPattern=f'{{ $.execution_arn = "{EXPRESS_ARN}" }}')
    assert [record["type"] for record in express] == ["FailStateEntered", "ExecutionFailed"]
    assert express[0]["details"] == {"name": "F", "input": "{}", "inputDetails": {"truncated": False}}


def test_a_missing_group_or_a_bad_destination_drops_the_events(service):
    sink = service.states_sink
    sink(ARN, configuration(), history())
    sink(ARN, configuration(group="not-an-arn"), history())
    sink.flush().result(10)
    assert call(service, "DescribeLogGroups")["logGroups"] == []  # never created by the sink
    call(service, "CreateLogGroup", logGroupName=GROUP)
    sink(ARN, configuration(), history())  # the sink still works
    sink.flush().result(10)
    assert len(messages(service)) == 3


def test_the_caller_never_waits_and_a_flooded_sink_drops(monkeypatch):
    monkeypatch.setattr(states_sink, "MAX_QUEUED", 3)
    release, written = threading.Event(), []

    def slow_write(group: str, stream: str, records: list) -> Future:
        release.wait(10)
        written.extend(records)
        done: Future = Future()
        done.set_result(True)
        return done

    sink = StatesLogSink(slow_write, suffix="00000000")
    try:
        for _ in range(10):
            sink(ARN, configuration(), history()[:1])
        assert sink.dropped >= 10 - 3 - 1  # the thread took at most one batch before blocking
        release.set()
        sink.flush().result(10)
        assert 1 <= len(written) <= 4
    finally:
        release.set()
        sink.close()


def test_after_close_calls_are_ignored(service):
    call(service, "CreateLogGroup", logGroupName=GROUP)
    sink = service.states_sink
    sink(ARN, configuration(), history()[:1])
    sink.close()  # writes what it holds first
    sink(ARN, configuration(), history()[1:])
    assert sink.flush().result(1) is None
    assert [record["type"] for record in messages(service)] == ["ExecutionStarted"]


@pytest.mark.parametrize("events", [[], None])
def test_nothing_to_log_starts_no_thread(events):
    sink = StatesLogSink(lambda *args: Future(), suffix="00000000")
    sink(ARN, configuration(), events or [])
    assert sink.flush().done()
    sink.close()


@pytest.mark.parametrize(("level", "expected"), [("ALL", None), ("ERROR", states.ERROR_EVENTS),
                                                 ("FATAL", states.FATAL_EVENTS), ("OFF", frozenset())])
def test_the_sink_tells_the_engine_which_events_it_writes(level, expected):
    sink = StatesLogSink(lambda *args: Future())
    assert sink.wanted_events(configuration(level)) == expected
    for event_type in ("ExecutionStarted", "TaskFailed", "ExecutionFailed", "MapRunAborted"):
        assert (expected is None or event_type in expected) == states.wanted(level, event_type)
    assert sink.wanted_events({"level": "ALL", "destinations": []}) == frozenset()  # nowhere to write


def test_a_missing_group_is_reported_once_until_it_is_written_again(service, caplog):
    sink = service.states_sink
    with caplog.at_level("WARNING", logger=states_sink.__name__):
        for _ in range(3):
            sink(ARN, configuration(), history())
            sink.flush().result(10)
    warnings = [record.getMessage() for record in caplog.records if "does not exist" in record.getMessage()]
    assert len(warnings) == 1 and GROUP_ARN in warnings[0]
    assert sink.undelivered == {GROUP_ARN: 9}
    call(service, "CreateLogGroup", logGroupName=GROUP)
    sink(ARN, configuration(), history())
    sink.flush().result(10)
    assert len(messages(service)) == 3
    call(service, "DeleteLogGroup", logGroupName=GROUP)
    caplog.clear()
    with caplog.at_level("WARNING", logger=states_sink.__name__):
        sink(ARN, configuration(), history())
        sink.flush().result(10)
    assert len([record for record in caplog.records if "does not exist" in record.getMessage()]) == 1
    assert sink.undelivered == {GROUP_ARN: 12}
