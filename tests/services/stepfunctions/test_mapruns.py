"""services.stepfunctions.mapruns: ListMapRuns, DescribeMapRun and UpdateMapRun on a real runtime."""

from __future__ import annotations

import json
import time

import pytest

from statewright.services.common import AwsError

ROLE = "arn:aws:iam::123456789012:role/r"
DISTRIBUTED = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True, "ToleratedFailurePercentage": 50,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "C",
                      "States": {"C": {"Type": "Choice", "Default": "Ok",
                                       "Choices": [{"Variable": "$", "NumericEquals": 3, "Next": "Bad"}]},
                                 "Ok": {"Type": "Pass", "End": True},
                                 "Bad": {"Type": "Fail", "Error": "Three"}}}}}}


def _finished(service, arn: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        described = service.handle("DescribeExecution", {"executionArn": arn})
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.01)
    raise AssertionError("the execution did not finish")


def _run(service, items: list) -> str:
    machine = service.handle("CreateStateMachine", {"name": "Batch", "definition": json.dumps(DISTRIBUTED),
                                                    "roleArn": ROLE})["stateMachineArn"]
    arn = service.handle("StartExecution", {"stateMachineArn": machine, "input": json.dumps(items)})["executionArn"]
    _finished(service, arn)
    return arn


def test_list_and_describe_count_failures_within_tolerance(service):
    execution = _run(service, [1, 2, 3, 4])
    (listed,) = service.handle("ListMapRuns", {"executionArn": execution})["mapRuns"]
    assert listed["stateMachineArn"] == service.arns.state_machine("Batch") + "/M"
    described = service.handle("DescribeMapRun", {"mapRunArn": listed["mapRunArn"]})
    assert described["status"] == "SUCCEEDED" and described["toleratedFailurePercentage"] == 50.0
    counts = described["executionCounts"]
    assert (counts["succeeded"], counts["failed"], counts["total"], counts["pending"]) == (3, 1, 4, 0)
    assert described["itemCounts"] == counts  # no batching: one item per child


def test_list_pages(service):
    execution = _run(service, [1])
    first = service.handle("ListMapRuns", {"executionArn": execution, "maxResults": 1})
    assert len(first["mapRuns"]) == 1 and "nextToken" not in first


def test_bad_requests(service):
    execution = _run(service, [1])
    run_arn = service.handle("ListMapRuns", {"executionArn": execution})["mapRuns"][0]["mapRunArn"]
    with pytest.raises(AwsError) as nothing:
        service.handle("UpdateMapRun", {"mapRunArn": run_arn})
    assert nothing.value.code == "ValidationException" and "maxConcurrency" in nothing.value.message
    with pytest.raises(AwsError) as ended:
        service.handle("UpdateMapRun", {"mapRunArn": run_arn, "maxConcurrency": 2})
    assert ended.value.code == "ValidationException" and "SUCCEEDED" in ended.value.message
    with pytest.raises(AwsError) as unknown:
        service.handle("DescribeMapRun", {"mapRunArn": run_arn[:-4] + "ffff"})
    assert unknown.value.code == "ResourceNotFound"
    with pytest.raises(AwsError) as range_error:
        service.handle("UpdateMapRun", {"mapRunArn": run_arn, "toleratedFailurePercentage": 101})
    assert range_error.value.code == "ValidationException"
