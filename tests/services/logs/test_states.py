"""Step Functions execution log records, and writing them through `write_events`."""

from __future__ import annotations

import json

import pytest

from statewright.services.logs.states import log_message, log_record, stream_name, wanted

from .conftest import NOW, call

ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"
STARTED = {"id": 1, "previousEventId": 0, "timestamp": 1796000000.123, "type": "ExecutionStarted",
           "executionStartedEventDetails": {"input": '{"a":1}', "inputDetails": {"truncated": False},
                                            "roleArn": "arn:aws:iam::123456789012:role/r"}}
FAILED = {"id": 5, "previousEventId": 4, "timestamp": 1796000001.5, "type": "ExecutionFailed",
          "executionFailedEventDetails": {"error": "States.TaskFailed", "cause": "boom"}}


def test_record_shape():
    assert log_record(STARTED, ARN, include_data=True) == {
        "id": "1", "type": "ExecutionStarted", "details": STARTED["executionStartedEventDetails"],
        "previous_event_id": "0", "event_timestamp": "1796000000123", "execution_arn": ARN}


def test_without_execution_data_payloads_are_left_out():
    details = log_record(STARTED, ARN, include_data=False)["details"]
    assert details == {"inputDetails": {"truncated": False}, "roleArn": "arn:aws:iam::123456789012:role/r"}
    assert log_record(FAILED, ARN, include_data=False)["details"] == {"error": "States.TaskFailed", "cause": "boom"}


@pytest.mark.parametrize(("level", "event_type", "expected"), [
    ("ALL", "PassStateEntered", True), ("ERROR", "PassStateEntered", False), ("ERROR", "TaskFailed", True),
    ("ERROR", "ActivityTimedOut", True), ("ERROR", "ExecutionAborted", True), ("FATAL", "TaskFailed", False),
    ("FATAL", "ExecutionFailed", True), ("FATAL", "ExecutionTimedOut", True), ("OFF", "ExecutionFailed", False),
])
def test_levels(level, event_type, expected):
    assert wanted(level, event_type) is expected


def test_records_written_to_an_existing_group_only(service):
    call(service, "CreateLogGroup", logGroupName="/aws/vendedlogs/states/orders")
    stream = stream_name("orders", "run-1", started=NOW / 1000)
    assert stream.startswith("states/orders/2026-") and stream.endswith("/run-1")
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
