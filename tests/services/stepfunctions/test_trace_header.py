"""X-Ray's trace header on StartExecution and StartSyncExecution: from the body's `traceHeader`
or, preferred, the `X-Amzn-Trace-Id` HTTP header (which the edge hands over as the request
context's `traceHeader`); DescribeExecution answers it (executions.py)."""

from __future__ import annotations

import json

import pytest

from statewright.services.common import AwsError, RequestContext

from .conftest import Caller

ROLE = "arn:aws:iam::123456789012:role/r"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
HEADER = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1"


def machine(service: Caller, kind: str = "STANDARD") -> str:
    arn: str = service.handle("CreateStateMachine", {"name": f"m-{kind}", "definition": PASS, "roleArn": ROLE,
                                                     "type": kind})["stateMachineArn"]
    return arn


def test_the_body_trace_header_is_kept_and_described(service):
    arn = service.handle("StartExecution", {"stateMachineArn": machine(service), "traceHeader": HEADER})["executionArn"]
    assert service.handle("DescribeExecution", {"executionArn": arn})["traceHeader"] == HEADER


def test_without_one_there_is_none(service):
    arn = service.handle("StartExecution", {"stateMachineArn": machine(service)})["executionArn"]
    assert "traceHeader" not in service.handle("DescribeExecution", {"executionArn": arn})


def test_the_http_header_wins_over_the_body(service):
    traced = RequestContext(extra={"traceHeader": HEADER})
    request = {"stateMachineArn": machine(service), "traceHeader": "Root=1-00000000-000000000000000000000000"}
    arn = service.service.handle("StartExecution", request, traced)["executionArn"]
    assert service.handle("DescribeExecution", {"executionArn": arn})["traceHeader"] == HEADER


def test_start_sync_execution_answers_it(service):
    traced = RequestContext(extra={"traceHeader": HEADER})
    answer = service.service.handle("StartSyncExecution", {"stateMachineArn": machine(service, "EXPRESS")}, traced)
    assert answer["status"] == "SUCCEEDED" and answer["traceHeader"] == HEADER


def test_a_body_trace_header_over_256_characters_is_refused(service):
    with pytest.raises(AwsError) as refused:
        service.handle("StartExecution", {"stateMachineArn": machine(service), "traceHeader": "R" * 257})
    assert refused.value.code == "ValidationException" and "traceHeader" in refused.value.message
