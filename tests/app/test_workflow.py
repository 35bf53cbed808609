"""The workflow's Lambda steps: transitions, settlement of refunds, failure, expiry and compensation."""

from __future__ import annotations

import json

import pytest
from taskapp import workflow
from taskapp.errors import ApiError

from .conftest import logged
from .helpers import awaiting_refund, completed_purchase, create, refund


def test_a_purchase_goes_submitted_processing_completed(context):
    task = create(context, amount="250.00")[1]
    summary = workflow.start(context, {"taskId": task["taskId"]})
    assert summary == {"taskId": task["taskId"], "type": "PURCHASE", "owner": "alice", "amount": "250.00",
                       "currency": "USD", "requiresApproval": False, "approvalTimeoutSeconds": 3600}
    done = workflow.complete_purchase(context, {"taskId": task["taskId"], "paymentId": "pay_9"})
    assert done["status"] == "COMPLETED"
    stored = context.store.get(task["taskId"])
    assert [(e["from"], e["to"]) for e in stored["audit"] if e["from"] != e["to"]] == [
        (None, "SUBMITTED"), ("SUBMITTED", "PROCESSING"), ("PROCESSING", "COMPLETED")]
    assert stored["paymentId"] == "pay_9" and stored["version"] == 4
    # A retried step finds its work done and changes nothing.
    workflow.complete_purchase(context, {"taskId": task["taskId"], "paymentId": "pay_9"})
    assert context.store.get(task["taskId"])["version"] == 4
    assert any(line.get("PurchasesCompleted") == 1 for line in logged(context))


def test_a_partial_then_full_refund_moves_the_purchase(context):
    purchase = completed_purchase(context, "100.00")
    for amount, purchase_status, refunded in (("30.00", "PARTIALLY_REFUNDED", 30), ("70.00", "REFUNDED", 100)):
        task = refund(context, purchase["taskId"], amount)[1]
        summary = workflow.start(context, {"taskId": task["taskId"]})
        assert summary["purchasePaymentId"] == "pay_1" and summary["requiresApproval"] is False
        workflow.complete_refund(context, {"taskId": task["taskId"], "refundPaymentId": "re_1"})
        assert context.store.get(task["taskId"])["status"] == "COMPLETED"
        stored = context.store.get(purchase["taskId"])
        assert (stored["status"], stored["refundedAmount"]) == (purchase_status, refunded)
    assert refund(context, purchase["taskId"], "0.01")[0] == 409  # REFUNDED is not refundable


def test_an_approved_refund_completes_from_awaiting_approval(context):
    purchase = completed_purchase(context, "1000.00")
    pending = awaiting_refund(context, purchase["taskId"], "800.00")
    assert pending["status"] == "AWAITING_APPROVAL" and pending["taskToken"] == f"token-{pending['taskId']}"
    workflow.complete_refund(context, {"taskId": pending["taskId"], "refundPaymentId": "re_2"})
    stored = context.store.get(pending["taskId"])
    assert stored["status"] == "COMPLETED" and "taskToken" not in stored
    assert context.store.get(purchase["taskId"])["status"] == "PARTIALLY_REFUNDED"


def test_failure_records_the_reason_and_gives_the_reserved_amount_back(context):
    purchase = completed_purchase(context, "100.00")
    task = refund(context, purchase["taskId"], "40.00")[1]
    workflow.start(context, {"taskId": task["taskId"]})
    cause = json.dumps({"errorMessage": "the refund of 40.00 USD was refused", "errorType": "PaymentDeclined"})
    result = workflow.fail(context, {"taskId": task["taskId"], "error": {"Error": "PaymentDeclined", "Cause": cause}})
    assert result == {"taskId": task["taskId"], "status": "FAILED",
                      "reason": "PaymentDeclined: the refund of 40.00 USD was refused"}
    stored = context.store.get(task["taskId"])
    assert stored["failureReason"] == result["reason"] and stored["audit"][-1]["reason"] == result["reason"]
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 100
    # Recording the failure twice (a retried step) gives nothing back twice.
    workflow.fail(context, {"taskId": task["taskId"], "error": {"Error": "X"}})
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 100


def test_failure_after_cancel_keeps_the_cancellation(context):
    task = create(context)[1]
    context.store.change(task["taskId"], lambda t: [context.store.transition(t, "CANCELLED", "alice", "cancelled")])
    assert workflow.fail(context, {"taskId": task["taskId"], "error": {"Error": "States.Timeout"}})["status"] == "CANCELLED"


def test_failure_of_an_unknown_task_is_logged_not_raised(context):
    assert workflow.fail(context, {"taskId": "01J99999999999999999999999", "error": {}})["status"] is None


def test_expiry_rejects_an_awaiting_refund(context):
    purchase = completed_purchase(context, "1000.00")
    pending = awaiting_refund(context, purchase["taskId"], "900.00")
    result = workflow.expire(context, {"taskId": pending["taskId"], "approvalTimeoutSeconds": 3600})
    assert result["status"] == "REJECTED" and result["reason"] == "approval expired after 3600 seconds"
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 1000
    assert any(line.get("ApprovalsResolved") == 1 for line in logged(context))


def test_steps_refuse_what_the_lifecycle_forbids(context):
    task = create(context)[1]
    with pytest.raises(ApiError) as refused:
        workflow.complete_purchase(context, {"taskId": task["taskId"], "paymentId": "p"})
    assert refused.value.code == "InvalidTransition"
    with pytest.raises(workflow.TaskNotActive):
        workflow.await_approval(context, {"taskId": task["taskId"], "taskToken": "t"})
    with pytest.raises(workflow.TaskNotFound):
        workflow.start(context, {"taskId": "01J99999999999999999999999"})
    with pytest.raises(ValueError, match="unknown step"):
        workflow.run_step(context, {"step": "teleport"})


@pytest.mark.parametrize("error,reason", [
    ({"Error": "States.Timeout"}, "States.Timeout"),
    ({"Error": "Oops", "Cause": "plain text"}, "Oops: plain text"),
    ({}, "Error"),
])
def test_failure_reasons(error, reason):
    assert workflow.failure_reason(error) == reason


def test_redelivered_steps_carry_on_instead_of_closing_the_workflow(context):
    """Step Functions dispatches a task at least once (again after a restart): a step that finds its
    own work done returns as if it had just done it."""
    purchase = completed_purchase(context, "1000.00")
    pending = awaiting_refund(context, purchase["taskId"], "800.00")
    task_id, version = pending["taskId"], pending["version"]
    answer = workflow.await_approval(context, {"taskId": task_id, "taskToken": f"token-{task_id}"})
    assert answer == {"taskId": task_id, "status": "AWAITING_APPROVAL"}
    assert context.store.get(task_id)["version"] == version  # the same token: nothing to change
    workflow.await_approval(context, {"taskId": task_id, "taskToken": "token-new"})
    renewed = context.store.get(task_id)
    assert (renewed["status"], renewed["taskToken"], renewed["audit"][-1]["action"]) == (
        "AWAITING_APPROVAL", "token-new", "approval-token-renewed")
    requested = [line for line in logged(context) if line.get("ApprovalsRequested")]
    assert len(requested) == 1


def test_a_redelivered_start_of_a_processing_purchase_carries_on(context):
    task = create(context, amount="250.00")[1]
    first = workflow.start(context, {"taskId": task["taskId"]})
    version = context.store.get(task["taskId"])["version"]
    assert workflow.start(context, {"taskId": task["taskId"]}) == first
    assert context.store.get(task["taskId"])["version"] == version
