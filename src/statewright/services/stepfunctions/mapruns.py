"""ListMapRuns, DescribeMapRun and UpdateMapRun: the Map Runs of Distributed Map states.

A Map Run lives in its parent execution's state (asl.distributed keeps it in
`Execution.map_runs`), so it is read from the execution's latest checkpoint. A Map Run ARN
(`…:mapRun:<machine>/<label>:<id>`) names its state machine but not its execution, so
DescribeMapRun and UpdateMapRun look through that machine's executions, newest first.
"""

from __future__ import annotations

import json
from typing import Any

from statewright.asl.types import MapRunUpdate
from statewright.services.common import AwsError, validation_error
from statewright.store import ExecutionRecord

from .arns import parse
from .context import ActionContext
from .errors import execution_missing, resource_missing
from .validation import paginate, required_str

# How long UpdateMapRun waits for the engine to record the change.
UPDATE_TIMEOUT_SECONDS = 30.0
_COUNT_KEYS = ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total", "resultsWritten",
               "failuresNotRedrivable", "pendingRedrive")


def map_runs_of(ctx: ActionContext, execution_arn: str, wanted: str | None = None) -> dict[str, dict[str, Any]]:
    """The Map Run records of an execution by ARN (with `wanted`, only when it holds that one)."""
    checkpoint = ctx.store.latest_checkpoint(execution_arn)
    if checkpoint is None or '"map_runs"' not in checkpoint.state:
        return {}
    if wanted is not None and json.dumps(wanted)[1:-1] not in checkpoint.state:
        return {}  # cheaper than reading the whole state of every execution of the machine
    runs = json.loads(checkpoint.state).get("map_runs")
    return runs if isinstance(runs, dict) else {}


def find(ctx: ActionContext, arn: str) -> tuple[ExecutionRecord, dict[str, Any]]:
    """The execution holding the Map Run `arn`, and its record; ResourceNotFound otherwise."""
    parsed = parse(arn, "mapRun")
    if not parsed.extra or "/" not in parsed.name:
        raise resource_missing(arn)
    machine = ctx.arns.state_machine(parsed.name.split("/", 1)[0])
    for execution in ctx.store.list_executions(machine, None, 0, -1):
        record = map_runs_of(ctx, execution.arn, arn).get(arn)
        if record is not None:
            return execution, record
    raise resource_missing(arn)


def _child_machine(record: dict[str, Any]) -> str:
    head, _, tail = record["executionArn"].partition(":execution:")
    return f"{head}:stateMachine:{tail.split(':', 1)[0]}/{record['label']}"


def _counts(counts: dict[str, Any]) -> dict[str, int]:
    return {key: int(counts.get(key, 0)) for key in _COUNT_KEYS}


def list_map_runs(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "executionArn")
    parse(arn, "execution")
    if ctx.store.get_execution(arn) is None:
        raise execution_missing(arn)
    runs = sorted(map_runs_of(ctx, arn).values(), key=lambda run: (run["startDate"], run["arn"]))
    items = []
    for run in runs:
        item = {"executionArn": arn, "mapRunArn": run["arn"], "stateMachineArn": _child_machine(run),
                "startDate": run["startDate"]}
        if run.get("stopDate") is not None:
            item["stopDate"] = run["stopDate"]
        items.append(item)
    return paginate(request, f"ListMapRuns:{arn}", items, "mapRuns")


def describe_map_run(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "mapRunArn")
    _, run = find(ctx, arn)
    answer: dict[str, Any] = {
        "mapRunArn": arn, "executionArn": run["executionArn"], "status": run["status"],
        "startDate": run["startDate"], "maxConcurrency": int(run["maxConcurrency"]),
        "toleratedFailurePercentage": float(run["toleratedFailurePercentage"]),
        "toleratedFailureCount": int(run["toleratedFailureCount"]),
        "itemCounts": _counts(run["itemCounts"]), "executionCounts": _counts(run["executionCounts"]),
        "redriveCount": int(run.get("redriveCount", 0))}
    if run.get("stopDate") is not None:
        answer["stopDate"] = run["stopDate"]
    if run.get("redriveDate") is not None:
        answer["redriveDate"] = run["redriveDate"]
    return answer


def update_map_run(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "mapRunArn")
    fields = ("maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage")
    if all(request.get(field) is None for field in fields):
        raise validation_error("maxConcurrency", None, "At least one of maxConcurrency, toleratedFailureCount "
                                                       "or toleratedFailurePercentage must be given")
    execution, run = find(ctx, arn)
    if run["status"] != "RUNNING":
        raise AwsError("ValidationException", f"The Map Run is not running (status {run['status']}): {arn}")
    update = MapRunUpdate(arn, request.get("maxConcurrency"), request.get("toleratedFailureCount"),
                          request.get("toleratedFailurePercentage"))
    applied = ctx.engine.update_map_run(execution.arn, update).result(timeout=UPDATE_TIMEOUT_SECONDS)
    if not applied:
        raise AwsError("ValidationException", f"The Map Run is not running: {arn}")
    return {}


ACTIONS = {
    "ListMapRuns": list_map_runs,
    "DescribeMapRun": describe_map_run,
    "UpdateMapRun": update_map_run,
}
