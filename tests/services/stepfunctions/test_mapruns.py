"""services.stepfunctions.mapruns: ListMapRuns, DescribeMapRun and UpdateMapRun on a real runtime,
and (services.stepfunctions.mapchildren) a Map Run's children through ListExecutions and
DescribeExecution."""

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
                                 "Bad": {"Type": "Fail", "Error": "Three", "Cause": "it was 3"}}}}}}


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


def _children(service, execution: str, **filters) -> tuple[str, list[dict]]:
    run_arn = service.handle("ListMapRuns", {"executionArn": execution})["mapRuns"][0]["mapRunArn"]
    return run_arn, service.handle("ListExecutions", {"mapRunArn": run_arn, **filters})["executions"]


def test_children_are_listed_and_described(service):
    execution = _run(service, [1, 2, 3, 4])
    run_arn, children = _children(service, execution)
    assert sorted(child["status"] for child in children) == ["FAILED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]
    prefix = service.arns.prefix + ":execution:Batch/M:"
    assert all(child["executionArn"] == prefix + child["name"] and child["mapRunArn"] == run_arn
               for child in children)
    assert len({child["name"] for child in children}) == 4 and run_arn.rsplit(":", 1)[1] not in {
        child["name"] for child in children}
    inputs = {}
    for child in children:
        described = service.handle("DescribeExecution", {"executionArn": child["executionArn"]})
        assert described["stateMachineArn"] == service.arns.state_machine("Batch") + "/M"
        assert described["status"] == child["status"] and described["mapRunArn"] == run_arn
        inputs[json.loads(described["input"])] = described
    assert sorted(inputs) == [1, 2, 3, 4]
    assert inputs[3]["error"] == "Three" and inputs[3]["cause"] == "it was 3" and "output" not in inputs[3]
    assert inputs[3]["redriveStatus"] == "REDRIVABLE_BY_MAP_RUN"
    assert json.loads(inputs[4]["output"]) == 4 and inputs[4]["redriveStatus"] == "NOT_REDRIVABLE"
    machine = service.handle("DescribeStateMachineForExecution", {"executionArn": children[0]["executionArn"]})
    parent = service.handle("DescribeStateMachineForExecution", {"executionArn": execution})
    assert machine == {**parent, "mapRunArn": run_arn, "label": "M"}


def test_children_filtered_by_status_and_paged(service):
    execution = _run(service, [1, 2, 3, 4])
    _, failed = _children(service, execution, statusFilter="FAILED")
    assert [child["status"] for child in failed] == ["FAILED"]
    run_arn, first = _children(service, execution, maxResults=3)
    rest = service.handle("ListExecutions", {"mapRunArn": run_arn, "maxResults": 3,
                                             "nextToken": service.handle("ListExecutions", {
                                                 "mapRunArn": run_arn, "maxResults": 3})["nextToken"]})
    assert len(first) == 3 and len(rest["executions"]) == 1 and "nextToken" not in rest
    assert {c["name"] for c in first} | {c["name"] for c in rest["executions"]} == {
        c["name"] for c in _children(service, execution)[1]}


def test_children_bad_requests(service):
    execution = _run(service, [1])
    run_arn, (child,) = _children(service, execution)
    with pytest.raises(AwsError) as both:
        service.handle("ListExecutions", {"mapRunArn": run_arn, "stateMachineArn": service.arns.state_machine("Batch")})
    assert both.value.code == "ValidationException" and "mapRunArn" in both.value.message
    with pytest.raises(AwsError) as status:
        service.handle("ListExecutions", {"mapRunArn": run_arn, "statusFilter": "DONE"})
    assert status.value.code == "ValidationException"
    with pytest.raises(AwsError) as unknown:
        service.handle("ListExecutions", {"mapRunArn": run_arn[:-4] + "ffff"})
    assert unknown.value.code == "ResourceNotFound"
    other = child["executionArn"][:-12] + ("0" * 12 if not child["executionArn"].endswith("0" * 12) else "1" * 12)
    with pytest.raises(AwsError) as missing:
        service.handle("DescribeExecution", {"executionArn": other})
    assert missing.value.code == "ExecutionDoesNotExist"


def test_redriving_the_parent_redrives_its_failed_map_run(service):
    definition = json.loads(json.dumps(DISTRIBUTED))
    del definition["States"]["M"]["ToleratedFailurePercentage"]  # the failed child fails the Map
    definition["States"]["M"]["MaxConcurrency"] = 1  # children after the failed one never start
    machine = service.handle("CreateStateMachine", {"name": "Redo", "definition": json.dumps(definition),
                                                    "roleArn": ROLE})["stateMachineArn"]
    execution = service.handle("StartExecution", {"stateMachineArn": machine, "input": "[1, 2, 3, 4]"})["executionArn"]
    assert _finished(service, execution)["status"] == "FAILED"
    run_arn, before = _children(service, execution)
    assert sorted(child["status"] for child in before) == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
    service.handle("RedriveExecution", {"executionArn": execution})
    assert _finished(service, execution)["status"] == "FAILED"  # item 3 fails again
    (listed,) = service.handle("ListMapRuns", {"executionArn": execution})["mapRuns"]
    assert listed["mapRunArn"] == run_arn  # the same Map Run, redriven, not a new one
    described = service.handle("DescribeMapRun", {"mapRunArn": run_arn})
    assert described["redriveCount"] == 1 and described["status"] == "FAILED" and "redriveDate" in described
    assert described["executionCounts"]["succeeded"] == 2 and described["executionCounts"]["failed"] == 1
    _, after = _children(service, execution)
    by_name = {child["name"]: child for child in before}
    for child in after:
        if child["status"] == "SUCCEEDED":  # kept: not run again
            assert child["startDate"] == by_name[child["name"]]["startDate"] and child["redriveCount"] == 0
        else:
            assert child["name"] in by_name and child["redriveCount"] == 1
    events = service.handle("GetExecutionHistory", {"executionArn": execution})["events"]
    redriven = [e["mapRunRedrivenEventDetails"] for e in events if e["type"] == "MapRunRedriven"]
    assert redriven == [{"mapRunArn": run_arn, "redriveCount": 1}]
    assert [e["type"] for e in events].count("MapRunStarted") == 1
