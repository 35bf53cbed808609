"""Step Functions execution log records (AWS's shape), levels, streams, and writing them
through `write_events`."""

from __future__ import annotations

import json

import pytest

from statewright.services.logs.states import (
    MAX_PAYLOAD_BYTES,
    destination,
    log_message,
    log_record,
    machine_name,
    stream_name,
    wanted,
)

from .conftest import NOW, call

ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"
STARTED = {"id": 1, "previousEventId": 0, "timestamp": 1796000000.123, "type": "ExecutionStarted",
           "executionStartedEventDetails": {"input": '{"a":1}', "inputDetails": {"truncated": False},
                                            "roleArn": "arn:aws:iam::123456789012:role/r"}}
FAILED = {"id": 5, "previousEventId": 4, "timestamp": 1796000001.5, "type": "ExecutionFailed",
          "executionFailedEventDetails": {"error": "States.TaskFailed", "cause": "boom"}}


EXITED = {"id": 3, "previousEventId": 2, "timestamp": 1796000000.5, "type": "PassStateExited",
          "stateExitedEventDetails": {"name": "P", "output": '{"b":2}', "outputDetails": {"truncated": False},
                                      "assignedVariables": {"x": "1"}, "assignedVariablesDetails": {"truncated": False}}}


def test_record_shape():
    assert log_record(STARTED, ARN, include_data=True) == {
        "id": "1", "type": "ExecutionStarted", "details": STARTED["executionStartedEventDetails"],
        "previous_event_id": "0", "event_timestamp": "1796000000123", "execution_arn": ARN, "redrive_count": "0"}
    assert list(json.loads(log_message(STARTED, ARN, True, 2))) == [
        "id", "type", "details", "previous_event_id", "event_timestamp", "execution_arn", "redrive_count"]
    assert json.loads(log_message(STARTED, ARN, True, 2))["redrive_count"] == "2"


def test_an_event_without_details_logs_empty_details():
    event = {"id": 4, "previousEventId": 3, "timestamp": 1796000002, "type": "ParallelStateStarted"}
    assert log_record(event, ARN, include_data=True)["details"] == {}


def test_without_execution_data_payloads_and_their_details_are_left_out():
    # As AWS logs them: ExecutionStarted keeps only roleArn, a state's exit only its name.
    assert log_record(STARTED, ARN, include_data=False)["details"] == {"roleArn": "arn:aws:iam::123456789012:role/r"}
    assert log_record(EXITED, ARN, include_data=False)["details"] == {"name": "P"}
    assert log_record(FAILED, ARN, include_data=False)["details"] == {"error": "States.TaskFailed", "cause": "boom"}
    assert log_record(EXITED, ARN, include_data=True)["details"] == EXITED["stateExitedEventDetails"]


def test_a_payload_over_248_kb_is_truncated_and_marked():
    big = dict(STARTED, executionStartedEventDetails={
        "input": json.dumps({"s": "é" * MAX_PAYLOAD_BYTES}), "inputDetails": {"truncated": False}, "roleArn": "r"})
    details = log_record(big, ARN, include_data=True)["details"]
    assert details["inputDetails"] == {"truncated": True}
    assert len(details["input"].encode()) <= MAX_PAYLOAD_BYTES
    assert big["executionStartedEventDetails"]["inputDetails"] == {"truncated": False}  # the event is untouched


@pytest.mark.parametrize(("level", "event_type", "expected"), [
    ("ALL", "PassStateEntered", True), ("ALL", "ExecutionStarted", True),
    ("ERROR", "PassStateEntered", False), ("ERROR", "ExecutionStarted", False), ("ERROR", "TaskSucceeded", False),
    ("ERROR", "TaskFailed", True), ("ERROR", "FailStateEntered", True), ("ERROR", "TaskStateAborted", True),
    ("ERROR", "MapIterationFailed", True), ("ERROR", "ParallelStateAborted", True), ("ERROR", "WaitStateAborted", True),
    ("ERROR", "LambdaFunctionTimedOut", True), ("ERROR", "ActivityTimedOut", True), ("ERROR", "ExecutionAborted", True),
    ("FATAL", "TaskFailed", False), ("FATAL", "FailStateEntered", False),
    ("FATAL", "ExecutionFailed", True), ("FATAL", "ExecutionTimedOut", True), ("FATAL", "ExecutionAborted", True),
    ("OFF", "ExecutionFailed", False),
])
def test_levels(level, event_type, expected):
    assert wanted(level, event_type) is expected


def test_streams_destinations_and_machine_names():
    assert stream_name("orders", NOW / 1000, "0a1b2c3d") == "states/orders/2026-11-30-00-53/0a1b2c3d"
    assert machine_name(ARN) == "orders"
    assert machine_name("arn:aws:states:us-east-1:123456789012:express:fast:run-1:5f0c") == "fast"
    group = "arn:aws:logs:us-east-1:123456789012:log-group:g:*"
    configured = {"level": "ERROR", "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}]}
    assert destination(configured) == group
    assert destination({**configured, "level": "OFF"}) is None
    assert destination({"level": "ALL"}) is None


def test_records_written_to_an_existing_group_only(service):
    call(service, "CreateLogGroup", logGroupName="/aws/vendedlogs/states/orders")
    stream = stream_name("orders", NOW / 1000, "0a1b2c3d")
    group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders:*"
    records = [{"timestamp": int(event["timestamp"] * 1000), "message": log_message(event, ARN, True)}
               for event in (STARTED, FAILED)]
    assert service.write_events(group_arn, stream, records).result() is True
    assert service.write_events("/aws/vendedlogs/states/missing", stream, records).result() is False
    found = call(service, "FilterLogEvents", logGroupName="/aws/vendedlogs/states/orders",
                 filterPattern='{ $.type = "ExecutionFailed" }', startTime=0)
    [event] = found["events"]
    assert event["logStreamName"] == stream
    assert json.loads(event["message"])["details"]["error"] == "States.TaskFailed"
    assert call(service, "DescribeLogGroups", logGroupNamePrefix="/aws/vendedlogs/states/missing")["logGroups"] == []


def test_lambda_sink_creates_the_group_and_stream(service):
    service.lambda_sink("fn", "2026/11/30/[$LATEST]" + "a" * 32, ["START RequestId: r Version: $LATEST", "hi",
                                                                  "END RequestId: r"])
    service.write_events("/aws/lambda/fn", "other", []).result()  # waits for the queued sink write
    got = call(service, "GetLogEvents", logGroupName="/aws/lambda/fn",
               logStreamName="2026/11/30/[$LATEST]" + "a" * 32, startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["START RequestId: r Version: $LATEST", "hi", "END RequestId: r"]
    assert all(e["timestamp"] == NOW for e in got["events"])
