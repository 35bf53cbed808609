"""A Distributed Map through the real server with boto3: items read from an S3 CSV object, results
written to S3, the Map Run API (ListMapRuns, DescribeMapRun, UpdateMapRun) and the Map Run's
child workflow executions (ListExecutions(mapRunArn), DescribeExecution)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import make_machine, unique, wait_done
from .test_s3 import s3_client

PROCESSOR_CONFIG = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


def _map_machine(**fields: Any) -> dict[str, Any]:
    processor = fields.pop("processor", {"Type": "Pass", "End": True})
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "Label": "Rows",
        "ItemProcessor": {"ProcessorConfig": PROCESSOR_CONFIG, "StartAt": "P", "States": {"P": processor}},
        **fields}}}


def _until(check, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_csv_items_results_in_s3_and_the_map_run(server, sfn):
    s3 = s3_client(server)
    bucket = unique("dmap")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="in/orders.csv", Body=b"order,amount\nA-1,10\nA-2,25\nA-3,7\n")
    definition = _map_machine(
        ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                    "Parameters": {"Bucket": bucket, "Key.$": "$.key"}},
        ItemBatcher={"MaxItemsPerBatch": 2},
        ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": bucket, "Prefix": "out"}})
    machine = make_machine(sfn, definition)
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"key": "in/orders.csv"}))["executionArn"]
    done = wait_done(sfn, execution)
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    machine_name = machine.rsplit(":", 1)[1]
    assert output["MapRunArn"].startswith(f"arn:aws:states:us-east-1:123456789012:mapRun:{machine_name}/Rows:")
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=output["ResultWriterDetails"]["Key"])["Body"].read())
    assert manifest["MapRunArn"] == output["MapRunArn"] and manifest["DestinationBucket"] == bucket
    (succeeded,) = manifest["ResultFiles"]["SUCCEEDED"]
    results = json.loads(s3.get_object(Bucket=bucket, Key=succeeded["Key"])["Body"].read())
    assert [json.loads(r["Input"]) for r in results] == [
        {"Items": [{"order": "A-1", "amount": "10"}, {"order": "A-2", "amount": "25"}]},
        {"Items": [{"order": "A-3", "amount": "7"}]}]

    (listed,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert listed["mapRunArn"] == output["MapRunArn"] and listed["executionArn"] == execution
    assert listed["stateMachineArn"] == f"{machine}/Rows"
    described = sfn.describe_map_run(mapRunArn=output["MapRunArn"])
    assert described["status"] == "SUCCEEDED" and described["executionArn"] == execution
    assert described["itemCounts"]["total"] == 3 and described["itemCounts"]["succeeded"] == 3
    assert described["executionCounts"]["total"] == 2 and described["executionCounts"]["resultsWritten"] == 2
    assert described["stopDate"] >= described["startDate"]
    children = sfn.list_executions(mapRunArn=output["MapRunArn"])["executions"]
    assert sorted(child["itemCount"] for child in children) == [1, 2]
    assert {child["executionArn"] for child in children} == {result["ExecutionArn"] for result in results}
    for result in results:  # each child in the result file is an execution DescribeExecution knows
        child = sfn.describe_execution(executionArn=result["ExecutionArn"])
        assert child["mapRunArn"] == output["MapRunArn"] and child["status"] == "SUCCEEDED"
        assert child["stateMachineArn"] == f"{machine}/Rows" and child["name"] == result["Name"]
        assert json.loads(child["input"]) == json.loads(result["Input"])
        assert json.loads(child["output"]) == json.loads(result["Output"])
    types = [e["type"] for e in sfn.get_execution_history(executionArn=execution)["events"]]
    assert types == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
                     "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]


def test_update_map_run_starts_more_children_and_stop_aborts_it(sfn):
    wait_forever = {"Type": "Wait", "Seconds": 10_000_000, "End": True}
    machine = make_machine(sfn, _map_machine(processor=wait_forever, MaxConcurrency=1))
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2, 3, 4]")["executionArn"]
    run_arn = _until(lambda: next(iter(sfn.list_map_runs(executionArn=execution)["mapRuns"]), None))["mapRunArn"]
    first = _until(lambda: (d := sfn.describe_map_run(mapRunArn=run_arn))["executionCounts"]["running"] == 1 and d)
    assert first["status"] == "RUNNING" and first["maxConcurrency"] == 1 and first["executionCounts"]["pending"] == 3
    sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=3, toleratedFailureCount=2)
    updated = _until(lambda: (d := sfn.describe_map_run(mapRunArn=run_arn))["executionCounts"]["running"] == 3 and d)
    assert updated["maxConcurrency"] == 3 and updated["toleratedFailureCount"] == 2
    running = sfn.list_executions(mapRunArn=run_arn, statusFilter="RUNNING")["executions"]
    assert len(running) == 3 and all("stopDate" not in child for child in running)  # the pending one is not listed
    one = sfn.describe_execution(executionArn=running[0]["executionArn"])
    assert one["status"] == "RUNNING" and one["mapRunArn"] == run_arn and json.loads(one["input"]) in [1, 2, 3, 4]
    sfn.stop_execution(executionArn=execution)
    aborted = _until(lambda: (d := sfn.describe_map_run(mapRunArn=run_arn))["status"] == "ABORTED" and d)
    assert aborted["executionCounts"]["aborted"] == 3 and aborted["executionCounts"]["pending"] == 1
    children = sfn.list_executions(mapRunArn=run_arn)["executions"]
    assert [child["status"] for child in children] == ["ABORTED"] * 3
    assert {child["executionArn"] for child in children} == {child["executionArn"] for child in running}
    assert all(child["stopDate"] >= child["startDate"] for child in children)
    with pytest.raises(ClientError) as refused:
        sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=5)
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_map_run_errors(sfn):
    missing = "arn:aws:states:us-east-1:123456789012:mapRun:nobody/Rows:0b5c7c0e-0000-4000-8000-000000000000"
    with pytest.raises(ClientError) as not_found:
        sfn.describe_map_run(mapRunArn=missing)
    assert not_found.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as bad:
        sfn.describe_map_run(mapRunArn="arn:aws:states:us-east-1:123456789012:execution:x:y")
    assert bad.value.response["Error"]["Code"] == "InvalidArn"
    with pytest.raises(ClientError) as no_execution:
        sfn.list_map_runs(executionArn="arn:aws:states:us-east-1:123456789012:execution:nobody:none")
    assert no_execution.value.response["Error"]["Code"] == "ExecutionDoesNotExist"
    with pytest.raises(ClientError) as no_run:
        sfn.list_executions(mapRunArn=missing)
    assert no_run.value.response["Error"]["Code"] == "ResourceNotFound"
    child = "arn:aws:states:us-east-1:123456789012:execution:nobody/Rows:0b5c7c0e-0000-4000-8000-000000000001"
    with pytest.raises(ClientError) as no_child:
        sfn.describe_execution(executionArn=child)
    assert no_child.value.response["Error"]["Code"] == "ExecutionDoesNotExist"
