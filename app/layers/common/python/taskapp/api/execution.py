"""The task's workflow execution: started on creation, stopped or failed on cancel, its timeline."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from .. import lifecycle
from ..context import Context

# Callback errors that mean the execution no longer waits for this token: nothing left to tell it.
_GONE = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken", "ExecutionDoesNotExist"}


def start(context: Context, task: dict, actor: str) -> dict:
    """Starts the entry workflow named after the task (so a retried start cannot run it twice)."""
    payload = {"TransactionType": task["type"], "taskId": task["taskId"]}
    try:
        answer = context.stepfunctions.start_execution(
            stateMachineArn=context.settings.state_machine_arn, name=task["taskId"], input=json.dumps(payload))
    except ClientError as error:
        reason = f"the workflow could not start: {error.response.get('Error', {}).get('Message', error)}"
        context.telemetry.log("WorkflowStartFailed", level="ERROR", taskId=task["taskId"], reason=reason)
        return context.store.change(task["taskId"], lambda current: _fail_unstarted(context, current, reason))
    arn = answer["executionArn"]
    context.telemetry.log("WorkflowStarted", taskId=task["taskId"], executionArn=arn)

    def record(current: dict) -> list[dict]:
        if current.get("executionArn"):
            return []
        return [context.store.annotate(current, actor, "workflow-started", {"executionArn": arn})]

    return _change_unless_empty(context, task["taskId"], record)


def _fail_unstarted(context: Context, task: dict, reason: str) -> list[dict]:
    specs = [context.store.transition(task, lifecycle.FAILED, "system", "workflow-start-failed", reason,
                                      {"failureReason": reason})]
    if task["type"] == "REFUND":
        specs.append(context.store.release_refund(task["purchaseId"], task["amount"]))
    return specs


def _change_unless_empty(context: Context, task_id: str, plan) -> dict:
    def guarded(current: dict) -> list[dict]:
        specs = plan(current)
        if not specs:
            raise _Nothing(current)
        return specs

    try:
        return context.store.change(task_id, guarded)
    except _Nothing as nothing:
        return nothing.task


class _Nothing(Exception):
    def __init__(self, task: dict) -> None:
        super().__init__("nothing to change")
        self.task = task


def halt(context: Context, task: dict, error: str, cause: str) -> None:
    """Ends the workflow of a task that was cancelled or rejected: fails its callback if it waits for
    one, else stops the execution. Either may already be over; that is fine."""
    try:
        if task.get("taskToken"):
            context.stepfunctions.send_task_failure(taskToken=task["taskToken"], error=error, cause=cause)
        elif task.get("executionArn"):
            context.stepfunctions.stop_execution(executionArn=task["executionArn"], error=error, cause=cause)
    except ClientError as failure:
        if failure.response.get("Error", {}).get("Code") not in _GONE:
            raise


def timeline(context: Context, execution_arn: str | None) -> list[dict]:
    """The execution's history as `[{"timestamp", "type", "state"}]`; empty before the workflow starts."""
    if not execution_arn:
        return []
    events, token = [], None
    try:
        while True:
            request = {"executionArn": execution_arn, "maxResults": 1000}
            if token:
                request["nextToken"] = token
            answer = context.stepfunctions.get_execution_history(**request)
            events.extend(answer.get("events", []))
            token = answer.get("nextToken")
            if not token:
                break
    except ClientError as failure:
        if failure.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            return []
        raise
    return [_event(e) for e in events]


def _event(event: dict) -> dict:
    stamp = event.get("timestamp")
    entry = {"timestamp": stamp.isoformat() if hasattr(stamp, "isoformat") else str(stamp),
             "type": event.get("type")}
    for name, details in event.items():
        if name.endswith("EventDetails") and isinstance(details, dict):
            if "name" in details:
                entry["state"] = details["name"]
            if "error" in details:
                entry["error"] = details["error"]
    return entry
