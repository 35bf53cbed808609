"""Every lifecycle of a task through the served app: purchases, declines, refunds, approvals, expiry,
cancellation, idempotency and racing refunds, each checked over HTTP and in the workflow's timeline."""

from __future__ import annotations

import threading
from decimal import Decimal

from .conftest import APPROVAL_TIMEOUT_SECONDS, DECLINED_PURCHASE, DECLINED_REFUND, TIME_SCALE


def _transitions(task: dict) -> list[tuple[str | None, str]]:
    return [(entry["from"], entry["to"]) for entry in task["audit"] if entry["from"] != entry["to"]]


def _states(task: dict) -> list[str]:
    return [event["state"] for event in task["timeline"] if event["type"].endswith("StateEntered")]


# What POST /tasks may answer for an accepted task: the response is the task as it is once its
# workflow has started, and a fast workflow may already have moved it on from SUBMITTED.
ACCEPTED = {"SUBMITTED", "PROCESSING", "AWAITING_APPROVAL", "COMPLETED"}


def _awaiting_refund(api, owner, amount: str = "600.00") -> tuple[dict, dict]:
    purchase = api.completed_purchase(owner, "1000.00")
    refund = api.create(owner, "REFUND", amount, purchase_id=purchase["taskId"])
    return purchase, api.wait_for(owner, refund["taskId"], "AWAITING_APPROVAL")


def test_a_purchase_completes_through_the_workflow(api):
    alice = api.user("requester")
    created = api.create(alice, amount="1000.00")
    assert created["status"] in ACCEPTED and created["refundedAmount"] == "0.00"
    assert created["executionArn"].endswith(":" + created["taskId"])
    api.wait_for(alice, created["taskId"], "COMPLETED")
    done = api.ended(alice, created["taskId"])
    assert _transitions(done) == [(None, "SUBMITTED"), ("SUBMITTED", "PROCESSING"), ("PROCESSING", "COMPLETED")]
    assert done["paymentId"].startswith("pay_")
    # The timeline is the execution's history, read from Step Functions.
    assert _states(done) == ["ProcessTransaction", "ProcessPurchase", "ChargePayment", "CompletePurchase",
                             "PurchaseCompleted"]
    assert done["timeline"][0]["type"] == "ExecutionStarted"
    assert done["timeline"][-1]["type"] == "ExecutionSucceeded"


def test_a_declined_purchase_fails_with_the_reason(api):
    alice = api.user("requester")
    created = api.create(alice, amount=DECLINED_PURCHASE)
    api.wait_for(alice, created["taskId"], "FAILED")
    failed = api.ended(alice, created["taskId"])
    assert "PaymentDeclined" in failed["failureReason"] and DECLINED_PURCHASE in failed["failureReason"]
    assert _transitions(failed)[-1] == ("PROCESSING", "FAILED")
    assert "RecordFailure" in _states(failed)
    assert failed["timeline"][-1]["type"] == "ExecutionFailed"


def test_partial_refunds_then_the_rest(api):
    alice = api.user("requester")
    purchase = api.completed_purchase(alice, "300.00")
    first = api.create(alice, "REFUND", "100.00", purchase_id=purchase["taskId"])
    assert first["purchaseId"] == purchase["taskId"] and first["requiresApproval"] is False
    assert api.wait_for(alice, first["taskId"], "COMPLETED")["refundPaymentId"].startswith("re_")
    partly = api.get(alice, purchase["taskId"])
    assert (partly["status"], partly["refundedAmount"]) == ("PARTIALLY_REFUNDED", "100.00")
    second = api.create(alice, "REFUND", "200.00", purchase_id=purchase["taskId"])
    api.wait_for(alice, second["taskId"], "COMPLETED")
    whole = api.get(alice, purchase["taskId"])
    assert (whole["status"], whole["refundedAmount"]) == ("REFUNDED", "300.00")
    # Nothing remains: a further refund names the amount and the remainder.
    refused = api.call("POST", "tasks", alice, {"type": "REFUND", "amount": "0.01", "currency": "USD",
                                                "purchaseId": purchase["taskId"]})
    assert refused.status == 409 and refused.error["code"] == "NotRefundable"


def test_a_refund_above_the_threshold_waits_and_an_approver_approves_it(api):
    alice, carol = api.user("requester"), api.user("approver")
    purchase, refund = _awaiting_refund(api, alice)
    assert refund["requiresApproval"] is True
    listed = api.call("GET", "approvals", carol)
    assert listed.status == 200 and refund["taskId"] in [t["taskId"] for t in listed.body["items"]]
    approved = api.call("POST", f"tasks/{refund['taskId']}/approve", carol, {"comment": "receipt checked"})
    assert approved.status == 200 and approved.body["approvedBy"] == carol.name
    api.wait_for(alice, refund["taskId"], "COMPLETED")
    done = api.ended(alice, refund["taskId"])
    assert _transitions(done)[-2:] == [("PROCESSING", "AWAITING_APPROVAL"), ("AWAITING_APPROVAL", "COMPLETED")]
    assert any(e["action"] == "approved" and e["actor"] == carol.name and e.get("reason") == "receipt checked"
               for e in done["audit"])
    assert "AwaitApproval" in _states(done) and done["timeline"][-1]["type"] == "ExecutionSucceeded"
    after = api.get(alice, purchase["taskId"])
    assert (after["status"], after["refundedAmount"]) == ("PARTIALLY_REFUNDED", "600.00")
    again = api.call("POST", f"tasks/{refund['taskId']}/approve", api.user("approver"))
    assert again.status == 409 and again.error["code"] == "InvalidTransition"


def test_a_rejected_refund_gives_its_amount_back(api):
    alice, dave = api.user("requester"), api.user("admin")
    purchase, refund = _awaiting_refund(api, alice, "1000.00")
    rejected = api.call("POST", f"tasks/{refund['taskId']}/reject", dave, {"comment": "no receipt"})
    assert rejected.status == 200 and rejected.body["status"] == "REJECTED"
    assert rejected.body["failureReason"] == f"rejected by {dave.name}: no receipt"
    final = api.wait_for(alice, refund["taskId"], "REJECTED")
    assert final["rejectedBy"] == dave.name
    # The workflow's callback was failed with TaskRejected and it closed; the amount is refundable again.
    ended = api.ended(alice, refund["taskId"])
    assert any(e.get("error") == "TaskRejected" for e in ended["timeline"]) and "Closed" in _states(ended)
    assert ended["status"] == "REJECTED"
    again = api.create(alice, "REFUND", "400.00", purchase_id=purchase["taskId"])
    api.wait_for(alice, again["taskId"], "COMPLETED")
    assert api.get(alice, purchase["taskId"])["refundedAmount"] == "400.00"


def test_a_refund_declined_after_approval_fails_and_gives_the_amount_back(api):
    alice, carol = api.user("requester"), api.user("approver")
    purchase, refund = _awaiting_refund(api, alice, DECLINED_REFUND)
    assert api.call("POST", f"tasks/{refund['taskId']}/approve", carol).status == 200
    failed = api.wait_for(alice, refund["taskId"], "FAILED")
    assert "PaymentDeclined" in failed["failureReason"] and failed["approvedBy"] == carol.name
    rest = api.create(alice, "REFUND", "1000.00", purchase_id=purchase["taskId"])
    assert rest["status"] in ACCEPTED  # the full amount was released


def test_an_unanswered_approval_expires_as_rejected(api):
    alice = api.user("requester")
    purchase, refund = _awaiting_refund(api, alice)
    api.wait_for(alice, refund["taskId"], "REJECTED", timeout=APPROVAL_TIMEOUT_SECONDS * TIME_SCALE + 30)
    expired = api.ended(alice, refund["taskId"])
    assert expired["failureReason"] == f"approval expired after {APPROVAL_TIMEOUT_SECONDS} seconds"
    assert "ExpireApproval" in _states(expired)
    assert any(e.get("error") == "States.Timeout" for e in expired["timeline"])
    late = api.call("POST", f"tasks/{refund['taskId']}/approve", api.user("approver"))
    assert late.status == 409
    assert api.create(alice, "REFUND", "1000.00", purchase_id=purchase["taskId"])["status"] in ACCEPTED


def test_an_approver_cannot_approve_their_own_request(api):
    for role in ("approver", "admin"):
        reviewer = api.user(role)
        _, refund = _awaiting_refund(api, reviewer)
        for action in ("approve", "reject"):
            answer = api.call("POST", f"tasks/{refund['taskId']}/{action}", reviewer)
            assert answer.status == 403 and answer.error["field"] == "taskId", answer
        assert api.get(reviewer, refund["taskId"])["status"] == "AWAITING_APPROVAL"
        api.call("POST", f"tasks/{refund['taskId']}/cancel", reviewer)


def test_the_owner_cancels_a_refund_awaiting_approval(api):
    alice = api.user("requester")
    purchase, refund = _awaiting_refund(api, alice)
    cancelled = api.call("POST", f"tasks/{refund['taskId']}/cancel", alice)
    assert cancelled.status == 200 and cancelled.body["status"] == "CANCELLED"
    task = api.ended(alice, refund["taskId"])
    assert task["status"] == "CANCELLED" and "Closed" in _states(task)
    assert any(e.get("error") == "TaskCancelled" for e in task["timeline"])
    assert api.call("POST", f"tasks/{refund['taskId']}/approve", api.user("approver")).status == 409
    assert api.create(alice, "REFUND", "1000.00", purchase_id=purchase["taskId"])["status"] in ACCEPTED


def test_the_owner_cancels_a_submitted_purchase(api):
    """The workflow starts at once, so cancelling inside SUBMITTED is a race: try until one lands there
    (each miss must be the documented 409), then the execution must end without charging and the
    status stay."""
    alice = api.user("requester")
    # Each try is one create and one cancel (tens of ms); how often the cancel wins depends on the
    # machine's load, so the tries are many. A deterministic hold of the workflow would be better.
    for _ in range(80):
        created = api.create(alice, amount="20.00")
        answer = api.call("POST", f"tasks/{created['taskId']}/cancel", alice)
        if answer.status == 200:
            break
        assert answer.status == 409 and answer.error["code"] == "InvalidTransition", answer
    else:
        raise AssertionError("no cancel arrived while the purchase was SUBMITTED in 80 tries")
    assert answer.body["status"] == "CANCELLED"
    task = api.ended(alice, created["taskId"])
    # StopExecution and the workflow's first step race too: either the stop aborted the execution,
    # or the Start step saw CANCELLED first and the workflow closed itself (TaskNotActive → Closed).
    ending = task["timeline"][-1]["type"]
    assert ending == "ExecutionAborted" or (ending == "ExecutionSucceeded" and "Closed" in _states(task)), ending
    assert task["status"] == "CANCELLED" and "paymentId" not in task
    assert _transitions(task) == [(None, "SUBMITTED"), ("SUBMITTED", "CANCELLED")]


def test_cancel_is_refused_once_completed(api):
    alice = api.user("requester")
    purchase = api.completed_purchase(alice)
    answer = api.call("POST", f"tasks/{purchase['taskId']}/cancel", alice)
    assert answer.status == 409 and answer.error["field"] == "status"


def test_the_same_idempotency_key_returns_the_same_task(api):
    alice, bob = api.user("requester"), api.user("requester")
    body = {"type": "PURCHASE", "amount": "42.00", "currency": "EUR", "description": "chair"}
    first = api.call("POST", "tasks", alice, body, {"Idempotency-Key": "order-1"})
    second = api.call("POST", "tasks", alice, body, {"Idempotency-Key": "order-1"})
    assert first.status == second.status == 201
    assert second.body["taskId"] == first.body["taskId"]
    assert second.headers.get("idempotent-replayed") == "true"
    other_owner = api.call("POST", "tasks", bob, body, {"Idempotency-Key": "order-1"})
    assert other_owner.status == 201 and other_owner.body["taskId"] != first.body["taskId"]
    reused = api.call("POST", "tasks", alice, {**body, "amount": "43.00"}, {"Idempotency-Key": "order-1"})
    assert reused.status == 409 and reused.error["code"] == "IdempotencyKeyReused"
    listed = api.call("GET", "tasks", alice).body["items"]
    assert [t["taskId"] for t in listed] == [first.body["taskId"]]


def test_racing_refunds_never_refund_more_than_the_purchase(api):
    alice = api.user("requester")
    purchase = api.completed_purchase(alice, "100.00")
    answers: list = []
    start = threading.Barrier(8)

    def refund() -> None:
        start.wait()
        answers.append(api.call("POST", "tasks", alice, {"type": "REFUND", "amount": "30.00", "currency": "USD",
                                                         "purchaseId": purchase["taskId"]}))

    threads = [threading.Thread(target=refund) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    accepted = [a for a in answers if a.status == 201]
    assert len(answers) == 8 and 1 <= len(accepted) <= 3, [(a.status, a.body) for a in answers]
    for refused in (a for a in answers if a.status != 201):
        # Over the remainder (422 amount), or a write that lost a race and may be retried (409).
        assert (refused.status, refused.error["field"]) in ((422, "amount"), (409, "purchaseId")), refused
    for answer in accepted:
        api.wait_for(alice, answer.body["taskId"], "COMPLETED")
    refunded = Decimal("30.00") * len(accepted)
    final = api.get(alice, purchase["taskId"])
    assert Decimal(final["refundedAmount"]) == refunded <= Decimal(final["amount"])
    # Nothing leaked: exactly the rest is still refundable, and not a cent more.
    rest = str(Decimal("100.00") - refunded)
    over = api.call("POST", "tasks", alice, {"type": "REFUND", "amount": str(Decimal(rest) + Decimal("0.01")),
                                             "currency": "USD", "purchaseId": purchase["taskId"]})
    assert over.status == 422 and over.error["field"] == "amount", over
    last = api.create(alice, "REFUND", rest, purchase_id=purchase["taskId"])
    api.wait_for(alice, last["taskId"], "COMPLETED")
    assert api.get(alice, purchase["taskId"])["status"] == "REFUNDED"
