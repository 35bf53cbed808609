"""The child workflow executions of a Map Run, as ListExecutions and DescribeExecution show them.

A Distributed Map's children run as isolated frames of the parent execution (asl.distributed), not
as executions of their own, so nothing is stored per child. What AWS shows of a child is read
from the parent's latest checkpoint: while the Map runs, from its wait (inputs, results, start and
stop times) and the child frames still running; once it ended, from what the Map Run's record
kept (`children`). A child's name is derived from its Map Run's id and its index
(`asl.distributed.child_name`), so its ARN, `…:execution:<machine>/<label>:<name>`, leads back to
both without a table.
"""

from __future__ import annotations

import json
from typing import Any

from statewright.asl.distributed import child_index, child_name
from statewright.asl.history import dumps
from statewright.services.common import validation_error

from . import mapruns
from .arns import parse
from .context import ActionContext
from .errors import execution_missing
from .validation import STATUSES, one_of, paginate


def is_child(arn: str) -> bool:
    """Whether an execution ARN names a Map Run's child: only those have a `/` in the machine part
    (AWS refuses `/` in state machine names)."""
    parts = arn.split(":")
    return len(parts) == 8 and parts[5] == "execution" and "/" in parts[6]


def _parent_state(ctx: ActionContext, execution_arn: str) -> dict[str, Any]:
    checkpoint = ctx.store.latest_checkpoint(execution_arn)
    return json.loads(checkpoint.state) if checkpoint is not None else {}


def _sources(state: dict[str, Any], run: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """(what the children were, index → [start, None] of those running now)."""
    kept = run.get("children")
    if isinstance(kept, dict):
        return kept, {}
    frames = state.get("frames") or {}
    wait = (frames.get(run["frame"]) or {}).get("wait") or {}
    if wait.get("run") != run["arn"] or "inputs" not in wait:
        return {"inputs": [], "results": [], "ok": [], "times": {}, "aborted": {}}, {}
    running = {}
    for child_id in wait.get("running") or {}:
        child = frames.get(child_id)
        if child is not None:
            running[str(child["index"])] = [child.get("started_at", run["startDate"]), None]
    return wait, running


def _summary(run: dict[str, Any], source: dict[str, Any], running: dict[str, list[Any]], ok: set[int],
             index: int) -> dict[str, Any] | None:
    """Child `index` of `run` (None when it never started), with its input and result."""
    key = str(index)
    aborted = source.get("aborted") or {}
    if index in ok:
        status, dates = "SUCCEEDED", (source.get("times") or {}).get(key)
    elif key in running:
        status, dates = "RUNNING", running[key]
    elif key in aborted:
        status, dates = "ABORTED", aborted[key]
    elif key in (source.get("times") or {}):
        status, dates = "FAILED", source["times"][key]
    else:
        return None  # pending: not started, so not an execution yet
    start, stop = dates if dates else (run["startDate"], run.get("stopDate"))
    head, _, tail = run["executionArn"].partition(":execution:")
    machine = f"{head}:stateMachine:{tail.split(':', 1)[0]}/{run['label']}"
    name = child_name(run["id"], index)
    sizes = source.get("sizes")
    return {"index": index, "executionArn": f"{head}:execution:{tail.split(':', 1)[0]}/{run['label']}:{name}",
            "stateMachineArn": machine, "name": name, "status": status, "startDate": start, "stopDate": stop,
            "itemCount": sizes[index] if sizes else 1, "input": source["inputs"][index],
            "redriveCount": int((run.get("childRedrives") or {}).get(key, 0)),
            "result": source["results"][index] if status in ("SUCCEEDED", "FAILED") else None}


def children(state: dict[str, Any], run: dict[str, Any]) -> list[dict[str, Any]]:
    """Every child of `run` that started, by index."""
    source, running = _sources(state, run)
    ok = set(source.get("ok") or ())
    found = (_summary(run, source, running, ok, index) for index in range(len(source.get("inputs") or ())))
    return [child for child in found if child is not None]


def list_children(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListExecutions(mapRunArn): the Map Run's child workflow executions, most recent first."""
    arn = request["mapRunArn"]
    if request.get("stateMachineArn") is not None:
        raise validation_error("mapRunArn", arn, "Specify either a stateMachineArn or a mapRunArn, not both")
    status = one_of(request, "statusFilter", STATUSES)
    execution, run = mapruns.find(ctx, arn)
    found = children(_parent_state(ctx, execution.arn), run)
    found.sort(key=lambda child: (child["startDate"], child["index"]), reverse=True)
    items = []
    for child in found:
        if status is not None and child["status"] != status:
            continue
        item = {key: child[key] for key in ("executionArn", "stateMachineArn", "name", "status", "startDate",
                                            "itemCount")}
        if child["stopDate"] is not None:
            item["stopDate"] = child["stopDate"]
        items.append({**item, "mapRunArn": arn, "redriveCount": child["redriveCount"]})
    return paginate(request, f"ListExecutions:{arn}:{status}", items, "executions")


def find_child(ctx: ActionContext, arn: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the child's summary, its Map Run's record); ExecutionDoesNotExist when there is none."""
    parsed = parse(arn, "execution")
    machine_name, _, label = parsed.name.partition("/")
    name = parsed.extra[0] if len(parsed.extra) == 1 else ""
    machine = ctx.arns.state_machine(machine_name)
    for execution in ctx.store.list_executions(machine, None, 0, -1):
        checkpoint = ctx.store.latest_checkpoint(execution.arn)
        if checkpoint is None or name[:24] not in checkpoint.state:
            continue  # cheaper than reading the whole state of every execution of the machine
        state = json.loads(checkpoint.state)
        for run in (state.get("map_runs") or {}).values():
            index = child_index(run["id"], name) if run["label"] == label else None
            if index is None:
                continue
            source, running = _sources(state, run)
            child = _summary(run, source, running, set(source.get("ok") or ()), index) if index < len(
                source.get("inputs") or ()) else None
            if child is not None:
                return child, run
    raise execution_missing(arn)


def describe_child(ctx: ActionContext, arn: str) -> dict[str, Any]:
    """DescribeExecution of a Map Run's child workflow execution."""
    child, run = find_child(ctx, arn)
    answer: dict[str, Any] = {
        "executionArn": arn, "stateMachineArn": child["stateMachineArn"], "name": child["name"],
        "status": child["status"], "startDate": child["startDate"], "input": dumps(child["input"]),
        "inputDetails": {"included": True}, "mapRunArn": run["arn"],
        "redriveCount": child["redriveCount"]}
    if child["stopDate"] is not None:
        answer["stopDate"] = child["stopDate"]
    result = child["result"]
    if child["status"] == "SUCCEEDED":
        answer.update(output=dumps(result), outputDetails={"included": True})
    elif child["status"] == "FAILED" and isinstance(result, dict):
        for key in ("Error", "Cause"):
            if result.get(key) is not None:
                answer[key.lower()] = result[key]
    if child["status"] in ("RUNNING", "SUCCEEDED"):
        answer["redriveStatus"] = "NOT_REDRIVABLE"
        answer["redriveStatusReason"] = f"Execution is {child['status']} and cannot be redriven"
    else:
        answer["redriveStatus"] = "REDRIVABLE_BY_MAP_RUN"
    return answer

