"""`GET /approvals`, `POST /tasks/{taskId}/approve`, `POST /tasks/{taskId}/reject`."""

from __future__ import annotations

import json
from datetime import datetime

from botocore.exceptions import ClientError

from .. import items, lifecycle
from ..context import Context
from ..errors import bad_request, conflict, forbidden
from . import access, execution
from .http import Caller, json_body, path_param, respond
from .tasks import page, page_request

MAX_COMMENT = 1000


def approvals(context: Context, caller: Caller, event: dict) -> dict:
    access.require_reviewer(caller)
    limit, start = page_request(event)
    found, last = context.store.query("status", lifecycle.AWAITING_APPROVAL, limit, start, None)
    return respond(200, page(found, last))


def _reviewable(context: Context, caller: Caller, event: dict) -> tuple[dict, str | None]:
    access.require_reviewer(caller)
    comment = _comment(event)
    task = access.visible_task(context, caller, path_param(event, "taskId"))
    if task["owner"] == caller.user:
        raise forbidden("an approver cannot review their own request", "taskId")
    return task, comment


def _comment(event: dict) -> str | None:
    if not event.get("body"):
        return None
    body = json_body(event)
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object", None)
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise bad_request(f"must be a string of at most {MAX_COMMENT} characters", "comment")
    return comment


def _awaiting(current: dict) -> None:
    if current["status"] != lifecycle.AWAITING_APPROVAL or not current.get("taskToken"):
        already = f" (already approved by {current['approvedBy']})" if current.get("approvedBy") else ""
        raise conflict(f"a task in status {current['status']} is not awaiting approval{already}", "status",
                       code="InvalidTransition")


def approve(context: Context, caller: Caller, event: dict) -> dict:
    task, comment = _reviewable(context, caller, event)
    seen: dict = {}

    def plan(current: dict) -> list[dict]:
        _awaiting(current)
        seen.update(current)
        # Taking the token in the same conditional write makes this approval the only one.
        return [context.store.annotate(current, caller.user, "approved", reason=comment,
                                       fields={"approvedBy": caller.user, "approvedAt": context.clock(),
                                               "taskToken": None})]

    updated = context.store.change(task["taskId"], plan)
    output = {"approved": True, "approvedBy": caller.user}
    try:
        context.stepfunctions.send_task_success(taskToken=seen["taskToken"], output=json.dumps(output))
    except ClientError as failure:
        if failure.response.get("Error", {}).get("Code") in ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken"):
            raise conflict("the approval period of this task has expired", "taskId",
                           code="ApprovalExpired") from failure
        raise
    wait_ms = _waited_ms(context, seen)
    context.telemetry.log("TaskApproved", taskId=task["taskId"], executionArn=task.get("executionArn"),
                          user=caller.user)
    context.telemetry.metric("ApprovalsResolved", 1, per_service=False)
    if wait_ms is not None:
        context.telemetry.metric("ApprovalWait", wait_ms, unit="Milliseconds")
    return respond(200, items.to_api(updated))


def _waited_ms(context: Context, task: dict) -> float | None:
    asked = next((e["at"] for e in reversed(task.get("audit", [])) if e.get("to") == lifecycle.AWAITING_APPROVAL
                  and e.get("from") != lifecycle.AWAITING_APPROVAL), None)
    if not asked:
        return None
    start = datetime.fromisoformat(asked.replace("Z", "+00:00")).timestamp()
    return max(0.0, (context.epoch() - start) * 1000)


def reject(context: Context, caller: Caller, event: dict) -> dict:
    task, comment = _reviewable(context, caller, event)
    seen: dict = {}
    reason = f"rejected by {caller.user}" + (f": {comment}" if comment else "")

    def plan(current: dict) -> list[dict]:
        _awaiting(current)
        seen.update(current)
        return [context.store.transition(current, lifecycle.REJECTED, caller.user, "rejected", reason,
                                         {"taskToken": None, "rejectedBy": caller.user, "failureReason": reason}),
                context.store.release_refund(current["purchaseId"], current["amount"])]

    updated = context.store.change(task["taskId"], plan)
    execution.halt(context, seen, "TaskRejected", reason)
    context.telemetry.metric("ApprovalsResolved", 1, per_service=False)
    context.telemetry.log("TaskRejected", taskId=task["taskId"], executionArn=task.get("executionArn"),
                          user=caller.user)
    return respond(200, items.to_api(updated))
