"""A Distributed Map over N items on a real runtime (Standard execution, SQLite store), timed.

usage: python bench/distributed_map.py [ITEMS] [ROUNDS]

Prints JSON: the wall time of each run from StartExecution until DescribeExecution reports the
end, the size of the last checkpoint, and how long ListExecutions(mapRunArn) and DescribeExecution
of one child take once it ended (absent when the runtime does not answer them). Each child is a
Pass state, so the numbers are the Map's own cost: launching, counting and checkpointing children.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common import AwsError, RequestContext
from statewright.services.common.platform import Settings

DEFINITION = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True, "ResultPath": None,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}


def _call(runtime: Runtime, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    return runtime.services["stepfunctions"].handle(operation, request, RequestContext())


def _one_run(runtime: Runtime, machine: str, items: int, index: int) -> dict[str, Any]:
    started = time.perf_counter()
    arn = _call(runtime, "StartExecution", {"stateMachineArn": machine, "name": f"run-{index}",
                                            "input": json.dumps(list(range(items)))})["executionArn"]
    while _call(runtime, "DescribeExecution", {"executionArn": arn})["status"] == "RUNNING":
        time.sleep(0.005)
    result: dict[str, Any] = {"run_s": round(time.perf_counter() - started, 3)}
    checkpoint = runtime.store.latest_checkpoint(arn)
    result["checkpoint_bytes"] = len(checkpoint.state) if checkpoint else 0
    run_arn = _call(runtime, "ListMapRuns", {"executionArn": arn})["mapRuns"][0]["mapRunArn"]
    try:
        started = time.perf_counter()
        page = _call(runtime, "ListExecutions", {"mapRunArn": run_arn, "maxResults": 1000})
        result["list_children_s"] = round(time.perf_counter() - started, 4)
        started = time.perf_counter()
        _call(runtime, "DescribeExecution", {"executionArn": page["executions"][-1]["executionArn"]})
        result["describe_child_s"] = round(time.perf_counter() - started, 4)
    except AwsError as refused:
        result["children"] = refused.code
    return result


def main(argv: list[str]) -> None:
    items = int(argv[0]) if argv else 10_000
    rounds = int(argv[1]) if len(argv) > 1 else 3
    with tempfile.TemporaryDirectory() as data, Runtime(RuntimeConfig(Settings(data_dir=Path(data)))) as runtime:
        machine = _call(runtime, "CreateStateMachine", {
            "name": "Bench", "definition": json.dumps(DEFINITION),
            "roleArn": "arn:aws:iam::123456789012:role/bench"})["stateMachineArn"]
        runs = [_one_run(runtime, machine, items, index) for index in range(rounds)]
    print(json.dumps({"items": items, "runs": runs}))


if __name__ == "__main__":
    main(sys.argv[1:])
