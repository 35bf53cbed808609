"""The steps the workflow's Lambda tasks run: status transitions, settlement and compensation.

Each step is idempotent against a retried invocation: it checks the status it finds and does nothing
more when the step's work is already recorded.
"""

from __future__ import annotations

import json

from . import lifecycle, money
from .context import Context
from .errors import ApiError
from .store import ConditionFailed

ACTOR = "workflow"


class TaskNotActive(Exception):
    """The task was cancelled or rejected before this step; the workflow ends quietly."""


class TaskNotFound(Exception):
    """The workflow was started for a task that does not exist."""


def _task(context: Context, task_id: str) -> dict:
    task = context.store.get(task_id)
    if task is None:
        raise TaskNotFound(f"task {task_id} does not exist")
    return task


def start(context: Context, event: dict) -> dict:
    """SUBMITTED -> PROCESSING; returns what the next states need (amounts as strings)."""
    task_id = event["taskId"]

    def plan(current: dict) -> list[dict]:
        if current["status"] == lifecycle.PROCESSING:
            raise _AlreadyDone()  # a redelivered step (after a restart): carry on from PROCESSING
        if current["status"] != lifecycle.SUBMITTED:
            raise TaskNotActive(f"task {task_id} is {current['status']}, not SUBMITTED")
        return [context.store.transition(current, lifecycle.PROCESSING, ACTOR, "processing-started")]

    _task(context, task_id)
    task = _run(context, task_id, plan)
    summary = {"taskId": task_id, "type": task["type"], "owner": task["owner"],
               "amount": money.text(task["amount"]), "currency": task["currency"],
               "requiresApproval": bool(task.get("requiresApproval")),
               "approvalTimeoutSeconds": context.settings.approval_timeout_seconds}
    if task["type"] == "REFUND":
        purchase = _task(context, task["purchaseId"])
        summary.update(purchaseId=task["purchaseId"], purchasePaymentId=purchase.get("paymentId"))
    context.telemetry.log("ProcessingStarted", taskId=task_id, executionArn=event.get("executionArn"))
    return summary


def await_approval(context: Context, event: dict) -> dict:
    """PROCESSING -> AWAITING_APPROVAL, keeping the callback token an approver's answer will use."""
    task_id = event["taskId"]
    seen: dict = {}

    def plan(current: dict) -> list[dict]:
        seen["status"] = current["status"]
        if current["status"] == lifecycle.AWAITING_APPROVAL:
            # Redelivered (Step Functions dispatches at least once, e.g. again after a restart): keep
            # waiting. A new token replaces the old; none left means an approval is being delivered.
            if current.get("taskToken") in (None, event["taskToken"]):
                raise _AlreadyDone()
            return [context.store.annotate(current, ACTOR, "approval-token-renewed",
                                           fields={"taskToken": event["taskToken"]})]
        if current["status"] != lifecycle.PROCESSING:
            raise TaskNotActive(f"task {task_id} is {current['status']}, not PROCESSING")
        return [context.store.transition(current, lifecycle.AWAITING_APPROVAL, ACTOR, "approval-requested",
                                         fields={"taskToken": event["taskToken"]})]

    _run(context, task_id, plan)
    if seen["status"] != lifecycle.PROCESSING:  # counted when first requested
        return {"taskId": task_id, "status": lifecycle.AWAITING_APPROVAL}
    context.telemetry.log("ApprovalRequested", taskId=task_id, executionArn=event.get("executionArn"))
    context.telemetry.metric("ApprovalsRequested", 1, per_service=False)
    return {"taskId": task_id, "status": lifecycle.AWAITING_APPROVAL}


def complete_purchase(context: Context, event: dict) -> dict:
    task_id, payment_id = event["taskId"], event["paymentId"]

    def plan(current: dict) -> list[dict]:
        if current["status"] == lifecycle.COMPLETED and current.get("paymentId") == payment_id:
            raise _AlreadyDone()
        return [context.store.transition(current, lifecycle.COMPLETED, ACTOR, "purchase-completed",
                                         fields={"paymentId": payment_id})]

    _run(context, task_id, plan)
    context.telemetry.log("PurchaseCompleted", taskId=task_id, executionArn=event.get("executionArn"))
    context.telemetry.metric("PurchasesCompleted", 1)
    return {"taskId": task_id, "status": lifecycle.COMPLETED, "paymentId": payment_id}


def complete_refund(context: Context, event: dict) -> dict:
    """The refund COMPLETED and its purchase's refunded amount and status, in one transaction."""
    task_id, refund_id = event["taskId"], event["refundPaymentId"]
    for _ in range(5):
        refund = _task(context, task_id)
        if refund["status"] == lifecycle.COMPLETED:
            break
        purchase = _task(context, refund["purchaseId"])
        refunded, status = money.status_after_refund(purchase["amount"], purchase.get("refundedAmount", 0),
                                                     refund["amount"])
        specs = [context.store.transition(refund, lifecycle.COMPLETED, ACTOR, "refund-completed",
                                          fields={"refundPaymentId": refund_id, "taskToken": None}),
                 context.store.transition(purchase, status, ACTOR, "refunded", f"refund {task_id}",
                                          {"refundedAmount": refunded})]
        try:
            context.store.write(specs)
            break
        except ConditionFailed:
            continue
    else:
        raise ApiError(409, "Conflict", f"refund {task_id} kept conflicting; retry", "taskId")
    context.telemetry.log("RefundCompleted", taskId=task_id, executionArn=event.get("executionArn"))
    context.telemetry.metric("RefundsCompleted", 1)
    return {"taskId": task_id, "status": lifecycle.COMPLETED, "refundPaymentId": refund_id}


def fail(context: Context, event: dict) -> dict:
    """Records why the workflow failed (FAILED) and gives a refund's reserved amount back."""
    reason = failure_reason(event.get("error") or {})
    return _close(context, event, lifecycle.FAILED, "failed", reason)


def expire(context: Context, event: dict) -> dict:
    """AWAITING_APPROVAL -> REJECTED once the approval period ran out."""
    seconds = event.get("approvalTimeoutSeconds")
    reason = f"approval expired after {seconds} seconds" if seconds else "approval expired"
    return _close(context, event, lifecycle.REJECTED, "approval-expired", reason, only_from=lifecycle.AWAITING_APPROVAL)


def _close(context: Context, event: dict, target: str, action: str, reason: str,
           only_from: str | None = None) -> dict:
    task_id = event["taskId"]
    if context.store.get(task_id) is None:
        context.telemetry.log("FailureNotRecorded", level="ERROR", taskId=task_id, reason=reason)
        return {"taskId": task_id, "status": None, "reason": reason}

    def plan(current: dict) -> list[dict]:
        if current["status"] in lifecycle.FINAL or (only_from and current["status"] != only_from):
            raise _AlreadyDone()  # cancelled or rejected meanwhile: that outcome stands
        specs = [context.store.transition(current, target, ACTOR, action, reason,
                                          {"failureReason": reason, "taskToken": None})]
        if current["type"] == "REFUND":
            specs.append(context.store.release_refund(current["purchaseId"], current["amount"]))
        return specs

    closing: dict = {}
    task = _run(context, task_id, lambda current: closing.update(current) or plan(current))
    if closing.get("status") == lifecycle.AWAITING_APPROVAL and task["status"] == target:
        context.telemetry.metric("ApprovalsResolved", 1, per_service=False)
    context.telemetry.log("TaskClosed", level="WARN", taskId=task_id, executionArn=event.get("executionArn"),
                          status=task["status"], reason=reason)
    return {"taskId": task_id, "status": task["status"], "reason": reason}


def failure_reason(error: dict) -> str:
    """`Error: message` from a Catch's `{"Error", "Cause"}`; a Lambda cause is JSON with errorMessage."""
    name, cause = error.get("Error", "Error"), error.get("Cause") or ""
    try:
        parsed = json.loads(cause)
        if isinstance(parsed, dict) and parsed.get("errorMessage"):
            cause = parsed["errorMessage"]
    except ValueError:
        pass
    return f"{name}: {cause}"[:1000] if cause else str(name)


class _AlreadyDone(Exception):
    pass


def _run(context: Context, task_id: str, plan) -> dict:
    try:
        return context.store.change(task_id, plan)
    except _AlreadyDone:
        return _task(context, task_id)


STEPS = {"start": start, "await-approval": await_approval, "complete-purchase": complete_purchase,
         "complete-refund": complete_refund, "fail": fail, "expire": expire}


def run_step(context: Context, event: dict) -> dict:
    step = STEPS.get(event.get("step", ""))
    if step is None:
        raise ValueError(f"unknown step {event.get('step')!r}; one of {', '.join(STEPS)}")
    return step(context, event)
