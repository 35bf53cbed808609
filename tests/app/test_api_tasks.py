"""POST /tasks, GET /tasks, GET /tasks/{taskId}: creation, idempotency, refund rules, listing, errors."""

from __future__ import annotations

import threading

import pytest
from taskapp import ids
from taskapp.api.router import handle

from .conftest import STATE_MACHINE, request
from .helpers import call, completed_purchase, create, get, refund


def test_create_purchase_answers_201_with_the_task_and_starts_its_workflow(context):
    status, task = create(context, amount="1000.00")
    assert status == 201
    assert task["status"] == "SUBMITTED" and task["type"] == "PURCHASE" and task["owner"] == "alice"
    assert task["amount"] == "1000.00" and task["refundedAmount"] == "0.00" and task["currency"] == "USD"
    assert task["executionArn"] == STATE_MACHINE.replace(":stateMachine:", ":execution:") + ":" + task["taskId"]
    assert task["version"] == 2  # created, then the execution ARN recorded
    assert [e["action"] for e in task["audit"]] == ["created", "workflow-started"]
    assert "taskToken" not in task and "pk" not in task and "refundableRemaining" not in task
    started = context.stepfunctions.started
    assert started == [{"stateMachineArn": STATE_MACHINE, "name": task["taskId"],
                        "input": {"TransactionType": "PURCHASE", "taskId": task["taskId"]}}]


def test_ids_sort_by_creation_and_are_unique():
    made = [ids.new_id(now_ms=lambda n=n: 1_700_000_000_000 + n) for n in range(200)]
    assert made == sorted(made) and len(set(made)) == 200
    assert all(ids.is_id(i) for i in made)
    same_ms = {ids.new_id(now_ms=lambda: 5) for _ in range(1000)}
    assert len(same_ms) == 1000


def test_creation_logs_a_json_line_and_an_emf_metric(context):
    from .conftest import logged

    create(context)
    lines = logged(context)
    created = next(line for line in lines if line.get("action") == "TaskCreated")
    assert created["taskId"] and created["level"] == "INFO"
    metric = next(line for line in lines if "_aws" in line)
    assert metric["TasksCreated"] == 1 and metric["TaskType"] == "PURCHASE"
    assert metric["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "TasksCreated", "Unit": "Count"}]


@pytest.mark.parametrize("body,status,field", [
    ({"amount": "0.00"}, 422, "amount"),
    ({"amount": "-5.00"}, 422, "amount"),
    ({"amount": "1000000.01"}, 422, "amount"),
    ({"amount": "1.005"}, 422, "amount"),
    ({"amount": "abc"}, 422, "amount"),
    ({"amount": True}, 400, "amount"),
    ({"currency": "usd"}, 422, "currency"),
    ({"currency": "ABC"}, 422, "currency"),
    ({"description": "x" * 1001}, 422, "description"),
    ({"type": "TRANSFER"}, 422, "type"),
    ({"purchaseId": "01J00000000000000000000001"}, 422, "purchaseId"),
    ({"colour": "red"}, 400, "colour"),
])
def test_invalid_fields_are_named_in_the_error(context, body, status, field):
    answer_status, answer = create(context, **body)
    assert answer_status == status
    assert answer["error"]["field"] == field
    assert answer["error"]["code"] and answer["error"]["message"]
    assert context.stepfunctions.started == []


def test_a_missing_field_and_a_bad_body_are_400(context):
    status, answer = call(context, "POST", "/tasks", body={"type": "PURCHASE", "currency": "USD"})
    assert (status, answer["error"]["field"]) == (400, "amount")
    status, answer = call(context, "POST", "/tasks", body="{not json")
    assert (status, answer["error"]["code"]) == (400, "BadRequest")
    status, answer = call(context, "POST", "/tasks", body=[1, 2])
    assert status == 400


def test_limits_are_inclusive(context):
    assert create(context, amount="1000000.00")[0] == 201
    assert create(context, amount="0.01")[0] == 201
    assert create(context, description="x" * 1000)[0] == 201
    assert create(context, amount=12.5)[1]["amount"] == "12.50"


def test_a_call_without_an_authorized_caller_is_401(context):
    event = request("GET", "/tasks")
    event["requestContext"] = {}
    answer = handle(context, event)
    assert answer["statusCode"] == 401


def test_an_unknown_route_is_404(context):
    assert call(context, "DELETE", "/tasks")[0] == 404


def test_the_same_idempotency_key_returns_the_same_task(context):
    first = create(context, headers={"Idempotency-Key": "order-1"})
    again = create(context, headers={"idempotency-key": "order-1"})
    assert first[0] == again[0] == 201
    assert first[1]["taskId"] == again[1]["taskId"]
    assert len(context.stepfunctions.started) == 1
    other_user = create(context, user="bob", headers={"Idempotency-Key": "order-1"})
    assert other_user[1]["taskId"] != first[1]["taskId"]


def test_an_idempotency_key_reused_with_another_body_is_409(context):
    create(context, headers={"Idempotency-Key": "k1"})
    status, answer = create(context, amount="5.00", headers={"Idempotency-Key": "k1"})
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "IdempotencyKeyReused", "Idempotency-Key")
    status, answer = create(context, headers={"Idempotency-Key": "has space"})
    assert (status, answer["error"]["field"]) == (400, "Idempotency-Key")


def test_a_failed_start_marks_the_task_failed_with_the_reason(context):
    context.stepfunctions.start_error = "StateMachineDoesNotExist"
    status, task = create(context)
    assert status == 201 and task["status"] == "FAILED"
    assert "could not start" in task["failureReason"]


def test_refund_of_an_own_completed_purchase(context):
    purchase = completed_purchase(context, "1000.00")
    status, task = refund(context, purchase["taskId"], "100.00")
    assert status == 201 and task["type"] == "REFUND" and task["purchaseId"] == purchase["taskId"]
    assert task["requiresApproval"] is False
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 900
    assert context.stepfunctions.started[-1]["input"]["TransactionType"] == "REFUND"


def test_refunds_above_the_threshold_require_approval(context):
    purchase = completed_purchase(context, "2000.00")
    assert refund(context, purchase["taskId"], "500.00")[1]["requiresApproval"] is False
    assert refund(context, purchase["taskId"], "500.01")[1]["requiresApproval"] is True


@pytest.mark.parametrize("case,status,field", [
    ("someone else's purchase", 403, "purchaseId"),
    ("missing purchase", 404, "purchaseId"),
    ("not completed", 409, "purchaseId"),
    ("a refund", 422, "purchaseId"),
    ("other currency", 422, "currency"),
    ("more than remains", 422, "amount"),
])
def test_refund_rules(context, case, status, field):
    purchase = completed_purchase(context, "100.00")
    target, user, extra = purchase["taskId"], "alice", {}
    if case == "someone else's purchase":
        user = "bob"
    elif case == "missing purchase":
        target = "01J99999999999999999999999"
    elif case == "not completed":
        target = create(context)[1]["taskId"]
    elif case == "a refund":
        target = refund(context, purchase["taskId"], "1.00")[1]["taskId"]
    elif case == "other currency":
        extra = {"currency": "EUR"}
    amount = "100.01" if case == "more than remains" else "10.00"
    answer_status, answer = refund(context, target, amount, user=user, **extra)
    assert (answer_status, answer["error"]["field"]) == (status, field), answer


def test_refunds_never_exceed_the_purchase_even_in_sequence(context):
    purchase = completed_purchase(context, "100.00")
    assert refund(context, purchase["taskId"], "60.00")[0] == 201
    status, answer = refund(context, purchase["taskId"], "40.01")
    assert status == 422 and "40.00" in answer["error"]["message"]
    assert refund(context, purchase["taskId"], "40.00")[0] == 201
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 0


class AtomicRequests:
    """The moto client with one request at a time: DynamoDB applies each request atomically, which moto
    does not guarantee across threads. Requests of racing handlers still interleave freely."""

    def __init__(self, client) -> None:
        self._client, self._lock = client, threading.Lock()

    def __getattr__(self, name):
        method = getattr(self._client, name)

        def locked(*args, **kwargs):
            with self._lock:
                return method(*args, **kwargs)

        return locked


def test_racing_refunds_cannot_both_take_the_remainder(context):
    purchase = completed_purchase(context, "100.00")
    context.store.client = AtomicRequests(context.store.client)
    barrier, answers, bodies = threading.Barrier(6), [], []

    def race() -> None:
        barrier.wait()
        status, body = refund(context, purchase["taskId"], "30.00")
        answers.append(status)
        bodies.append(body)

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Three fit in 100.00; the others are refused for the amount, never accepted.
    assert sorted(answers) == [201, 201, 201, 422, 422, 422], bodies
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 10


def test_get_shows_the_task_and_its_timeline(context):
    task = create(context)[1]
    arn = task["executionArn"]
    from datetime import UTC, datetime

    context.stepfunctions.history[arn] = [
        {"timestamp": datetime(2026, 1, 1, tzinfo=UTC), "type": "ExecutionStarted", "id": 1},
        {"timestamp": datetime(2026, 1, 1, tzinfo=UTC), "type": "TaskStateEntered", "id": 2,
         "stateEnteredEventDetails": {"name": "ProcessPurchase"}}]
    status, shown = get(context, task["taskId"])
    assert status == 200 and shown["taskId"] == task["taskId"]
    assert shown["timeline"] == [
        {"timestamp": "2026-01-01T00:00:00+00:00", "type": "ExecutionStarted"},
        {"timestamp": "2026-01-01T00:00:00+00:00", "type": "TaskStateEntered", "state": "ProcessPurchase"}]


@pytest.mark.parametrize("user,role,status", [
    ("alice", "requester", 200), ("bob", "requester", 403), ("carol", "approver", 403), ("dave", "admin", 200)])
def test_who_sees_a_purchase(context, user, role, status):
    task = create(context)[1]
    assert get(context, task["taskId"], user=user, role=role)[0] == status


def test_get_of_a_missing_or_malformed_id_is_404(context):
    assert get(context, "01J99999999999999999999999")[0] == 404
    assert get(context, "nope")[0] == 404


def test_lists_are_scoped_by_role_filtered_and_paginated(context):
    for amount in ("1.00", "2.00", "3.00"):
        create(context, amount=amount)
    create(context, user="bob")
    status, page = call(context, "GET", "/tasks", query={"limit": "2"})
    assert status == 200 and [t["amount"] for t in page["items"]] == ["1.00", "2.00"]
    status, rest = call(context, "GET", "/tasks", query={"limit": "2", "nextToken": page["nextToken"]})
    assert [t["amount"] for t in rest["items"]] == ["3.00"]
    assert {t["owner"] for t in call(context, "GET", "/tasks", user="dave", role="admin")[1]["items"]} == {"alice", "bob"}
    by_status = call(context, "GET", "/tasks", query={"status": "SUBMITTED"})[1]["items"]
    assert len(by_status) == 3
    assert call(context, "GET", "/tasks", query={"type": "REFUND"})[1]["items"] == []
    assert call(context, "GET", "/tasks", query={"status": "DONE"})[1]["error"]["field"] == "status"
    assert call(context, "GET", "/tasks", query={"limit": "0"})[1]["error"]["field"] == "limit"
    assert call(context, "GET", "/tasks", query={"nextToken": "@@"})[1]["error"]["field"] == "nextToken"


def test_racing_requests_with_one_idempotency_key_make_one_task(context):
    context.store.client = AtomicRequests(context.store.client)
    barrier, answers = threading.Barrier(4), []

    def race() -> None:
        barrier.wait()
        answers.append(create(context, headers={"Idempotency-Key": "same"}))

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for status, _ in answers} == {201}
    assert len({task["taskId"] for _, task in answers}) == 1
    assert len(call(context, "GET", "/tasks")[1]["items"]) == 1
