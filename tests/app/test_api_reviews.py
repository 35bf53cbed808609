"""Cancel, approvals, approve and reject: who may, from which status, and what the workflow is told."""

from __future__ import annotations

import pytest
from taskapp import workflow

from .conftest import logged
from .helpers import awaiting_refund, call, completed_purchase, create, get


def _cancel(context, task_id, user="alice", role="requester"):
    return call(context, "POST", "/tasks/{taskId}/cancel", user=user, role=role, path={"taskId": task_id})


def _review(context, verb, task_id, user="carol", role="approver", body=None):
    return call(context, "POST", "/tasks/{taskId}/" + verb, user=user, role=role, path={"taskId": task_id}, body=body)


def test_cancel_while_submitted_stops_the_execution(context):
    task = create(context)[1]
    status, cancelled = _cancel(context, task["taskId"])
    assert status == 200 and cancelled["status"] == "CANCELLED"
    assert cancelled["audit"][-1] == {"at": cancelled["updatedAt"], "actor": "alice", "action": "cancelled",
                                      "from": "SUBMITTED", "to": "CANCELLED", "reason": "cancelled by the owner"}
    assert context.stepfunctions.stopped == [{"executionArn": task["executionArn"], "error": "TaskCancelled",
                                              "cause": "cancelled by the owner"}]
    with pytest.raises(workflow.TaskNotActive):
        workflow.start(context, {"taskId": task["taskId"]})


def test_cancel_while_awaiting_approval_fails_the_callback_and_releases_the_refund(context):
    purchase = completed_purchase(context, "1000.00")
    pending = awaiting_refund(context, purchase["taskId"], "600.00")
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 400
    status, cancelled = _cancel(context, pending["taskId"])
    assert status == 200 and cancelled["status"] == "CANCELLED"
    assert context.stepfunctions.failures[-1]["taskToken"] == pending["taskToken"]
    assert context.stepfunctions.failures[-1]["error"] == "TaskCancelled"
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 1000


@pytest.mark.parametrize("user,role,status,code", [
    ("bob", "requester", 403, "Forbidden"), ("dave", "admin", 403, "Forbidden")])
def test_only_the_owner_cancels(context, user, role, status, code):
    task = create(context)[1]
    answer_status, answer = _cancel(context, task["taskId"], user=user, role=role)
    assert (answer_status, answer["error"]["code"]) == (status, code)


def test_cancel_is_refused_once_processing(context):
    task = create(context)[1]
    workflow.start(context, {"taskId": task["taskId"]})
    status, answer = _cancel(context, task["taskId"])
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "InvalidTransition", "status")


def test_approvals_list_is_for_reviewers(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    status, page = call(context, "GET", "/approvals", user="carol", role="approver")
    assert status == 200 and [t["taskId"] for t in page["items"]] == [pending["taskId"]]
    assert call(context, "GET", "/approvals", user="dave", role="admin")[0] == 200
    status, answer = call(context, "GET", "/approvals", user="bob", role="requester")
    assert (status, answer["error"]["code"]) == (403, "Forbidden")


def test_an_approver_sees_a_refund_that_needs_approval_but_not_other_tasks(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    assert get(context, pending["taskId"], user="carol", role="approver")[0] == 200
    assert get(context, purchase["taskId"], user="carol", role="approver")[0] == 403


def test_approve_answers_the_callback_once_and_records_who(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    status, approved = _review(context, "approve", pending["taskId"], body={"comment": "ok"})
    assert status == 200 and approved["status"] == "AWAITING_APPROVAL" and approved["approvedBy"] == "carol"
    assert approved["audit"][-1]["action"] == "approved" and approved["audit"][-1]["reason"] == "ok"
    assert context.stepfunctions.successes == [{"taskToken": pending["taskToken"],
                                                "output": {"approved": True, "approvedBy": "carol"}}]
    again = _review(context, "approve", pending["taskId"], user="erin")
    assert again[0] == 409 and "already approved by carol" in again[1]["error"]["message"]
    assert _cancel(context, pending["taskId"])[0] == 409
    wait = next(line for line in logged(context) if "ApprovalWait" in line)
    assert wait["ApprovalWait"] > 0 and wait["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Milliseconds"


def test_an_approver_cannot_approve_their_own_request(context):
    purchase = completed_purchase(context, user="carol")
    pending = awaiting_refund(context, purchase["taskId"], user="carol")
    status, answer = _review(context, "approve", pending["taskId"], user="carol")
    assert (status, answer["error"]["code"]) == (403, "Forbidden") and "own" in answer["error"]["message"]
    assert context.stepfunctions.successes == []


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_requesters_cannot_review(context, verb):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    assert _review(context, verb, pending["taskId"], user="bob", role="requester")[0] == 403


def test_admins_can_review(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    assert _review(context, "approve", pending["taskId"], user="dave", role="admin")[0] == 200


def test_reject_records_the_reason_releases_the_amount_and_fails_the_callback(context):
    purchase = completed_purchase(context, "1000.00")
    pending = awaiting_refund(context, purchase["taskId"], "700.00")
    status, rejected = _review(context, "reject", pending["taskId"], body={"comment": "no receipt"})
    assert status == 200 and rejected["status"] == "REJECTED"
    assert rejected["failureReason"] == "rejected by carol: no receipt"
    assert context.stepfunctions.failures[-1]["error"] == "TaskRejected"
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 1000
    assert _review(context, "approve", pending["taskId"])[0] == 409


def test_approving_after_the_timeout_is_409(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    context.stepfunctions.expired_tokens.add(pending["taskToken"])
    status, answer = _review(context, "approve", pending["taskId"])
    assert (status, answer["error"]["code"]) == (409, "ApprovalExpired")


def test_review_of_a_task_not_awaiting_approval_is_409(context):
    purchase = completed_purchase(context)
    status, answer = _review(context, "approve", purchase["taskId"], user="dave", role="admin")
    assert (status, answer["error"]["field"]) == (409, "status")


def test_a_bad_comment_is_400(context):
    purchase = completed_purchase(context)
    pending = awaiting_refund(context, purchase["taskId"])
    status, answer = _review(context, "reject", pending["taskId"], body={"comment": 5})
    assert (status, answer["error"]["field"]) == (400, "comment")
