"""Every validation rule of the API over HTTP: the status (400 malformed, 404, 409, 413, 422 a broken
business rule) and the field the error names."""

from __future__ import annotations

import pytest

GOOD = {"type": "PURCHASE", "amount": "10.00", "currency": "USD", "description": "pens"}
UNKNOWN_ID = "01M8PDJDCRAH5FCWQ6SQGZ2E5G"

CREATE_CASES = [
    ("a list", [GOOD], 400, None),
    ("an unknown field", {**GOOD, "colour": "red"}, 400, "colour"),
    ("no type", {k: v for k, v in GOOD.items() if k != "type"}, 400, "type"),
    ("no amount", {k: v for k, v in GOOD.items() if k != "amount"}, 400, "amount"),
    ("no currency", {k: v for k, v in GOOD.items() if k != "currency"}, 400, "currency"),
    ("an unknown type", {**GOOD, "type": "GIFT"}, 422, "type"),
    ("an amount that is an object", {**GOOD, "amount": {"value": 1}}, 400, "amount"),
    ("an amount that is a boolean", {**GOOD, "amount": True}, 400, "amount"),
    ("three decimal places", {**GOOD, "amount": "1.005"}, 422, "amount"),
    ("an amount that is not a number", {**GOOD, "amount": "ten"}, 422, "amount"),
    ("a negative amount", {**GOOD, "amount": "-5.00"}, 422, "amount"),
    ("a zero amount", {**GOOD, "amount": "0.00"}, 422, "amount"),
    ("an amount over a million", {**GOOD, "amount": "1000000.01"}, 422, "amount"),
    ("a currency that is a number", {**GOOD, "currency": 840}, 400, "currency"),
    ("a currency that is not ISO 4217", {**GOOD, "currency": "ABC"}, 422, "currency"),
    ("a lower-case currency", {**GOOD, "currency": "usd"}, 422, "currency"),
    ("a description that is not text", {**GOOD, "description": 5}, 400, "description"),
    ("a description over 1000 characters", {**GOOD, "description": "x" * 1001}, 422, "description"),
    ("a purchase with a purchaseId", {**GOOD, "purchaseId": UNKNOWN_ID}, 422, "purchaseId"),
    ("a refund without a purchaseId", {**GOOD, "type": "REFUND"}, 400, "purchaseId"),
    ("a refund of a malformed id", {**GOOD, "type": "REFUND", "purchaseId": "abc"}, 422, "purchaseId"),
    ("a refund of no purchase", {**GOOD, "type": "REFUND", "purchaseId": UNKNOWN_ID}, 404, "purchaseId"),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_create_refuses(api, case, body, status, field):
    answer = api.call("POST", "tasks", api.user("requester"), body)
    assert answer.status == status, answer
    assert answer.error["field"] == field and answer.error["message"]


def test_create_accepts_the_limits(api):
    alice = api.user("requester")
    for body in ({**GOOD, "amount": "1000000.00", "description": "x" * 1000}, {**GOOD, "amount": "0.01"},
                 {**GOOD, "amount": 12.5, "currency": "JPY"}, {k: v for k, v in GOOD.items() if k != "description"}):
        answer = api.call("POST", "tasks", alice, body)
        assert answer.status == 201, (body, answer)
    assert answer.body["description"] == ""


@pytest.mark.parametrize("raw", [b"", b"{not json", b"\xff\xfe"], ids=["empty", "not JSON", "not UTF-8"])
def test_create_refuses_bodies_that_are_not_json(api, raw):
    answer = api.call("POST", "tasks", api.user("requester"), raw=raw)
    assert answer.status == 400, answer
    assert answer.error["code"] == "BadRequest"


@pytest.mark.parametrize("key", ["has space", "k" * 129, "é"], ids=["space", "too long", "not ASCII"])
def test_a_malformed_idempotency_key_is_refused(api, key):
    answer = api.call("POST", "tasks", api.user("requester"), GOOD, {"Idempotency-Key": key.encode().decode("latin-1")})
    assert answer.status == 400 and answer.error["field"] == "Idempotency-Key", answer


def test_refund_rules_name_the_field(api):
    alice = api.user("requester")
    purchase = api.completed_purchase(alice, "50.00")
    refund_of = {"type": "REFUND", "amount": "10.00", "currency": "USD", "purchaseId": purchase["taskId"]}
    other_currency = api.call("POST", "tasks", alice, {**refund_of, "currency": "EUR"})
    assert other_currency.status == 422 and other_currency.error["field"] == "currency"
    too_much = api.call("POST", "tasks", alice, {**refund_of, "amount": "50.01"})
    assert too_much.status == 422 and too_much.error["field"] == "amount"
    assert "50.00" in too_much.error["message"]
    refund = api.create(alice, "REFUND", "10.00", purchase_id=purchase["taskId"])
    of_a_refund = api.call("POST", "tasks", alice, {**refund_of, "purchaseId": refund["taskId"]})
    assert of_a_refund.status == 422 and of_a_refund.error["field"] == "purchaseId"
    declined = api.create(alice, amount="13.13")
    api.wait_for(alice, declined["taskId"], "FAILED")
    not_refundable = api.call("POST", "tasks", alice, {**refund_of, "purchaseId": declined["taskId"]})
    assert not_refundable.status == 409 and not_refundable.error["field"] == "purchaseId"


@pytest.mark.parametrize(("query", "field"), [
    ("status=DONE", "status"), ("type=GIFT", "type"), ("limit=0", "limit"), ("limit=101", "limit"),
    ("limit=ten", "limit"), ("nextToken=garbage!", "nextToken"), ("nextToken=WzFd", "nextToken"),
])
def test_list_refuses_bad_query_parameters(api, query, field):
    for path in ("tasks", "approvals"):
        if path == "approvals" and field in ("status", "type"):
            continue
        answer = api.call("GET", f"{path}?{query}", api.user("admin"))
        assert answer.status == 400 and answer.error["field"] == field, (path, answer)


def test_list_filters_and_pages(api):
    alice = api.user("requester")
    made = [api.completed_purchase(alice, f"{n}.00")["taskId"] for n in (1, 2, 3)]
    declined = api.create(alice, amount="13.13")["taskId"]
    api.wait_for(alice, declined, "FAILED")
    first = api.call("GET", "tasks?limit=2&type=PURCHASE&status=COMPLETED", alice)
    assert first.status == 200 and len(first.body["items"]) == 2 and first.body["nextToken"]
    second = api.call("GET", f"tasks?limit=2&type=PURCHASE&status=COMPLETED&nextToken={first.body['nextToken']}",
                      alice)
    assert [t["taskId"] for t in first.body["items"] + second.body["items"]] == made  # oldest first
    assert "nextToken" not in second.body
    failed = api.call("GET", "tasks?status=FAILED", alice).body["items"]
    assert [t["taskId"] for t in failed] == [declined]
    assert api.call("GET", "tasks?type=REFUND", alice).body["items"] == []


@pytest.mark.parametrize("task_id", ["nope", UNKNOWN_ID], ids=["malformed", "unknown"])
def test_an_unknown_task_is_404_on_every_task_route(api, task_id):
    admin = api.user("admin")
    for method, path in (("GET", ""), ("POST", "/cancel"), ("POST", "/attachments"), ("POST", "/approve"),
                         ("POST", "/reject"), ("GET", f"/attachments/{UNKNOWN_ID}")):
        body = {"fileName": "a.pdf", "contentType": "application/pdf", "size": 1} if path == "/attachments" else None
        answer = api.call(method, f"tasks/{task_id}{path}", admin, body)
        assert answer.status == 404 and answer.error["field"] == "taskId", (path, answer)


def test_a_review_comment_must_be_short_text(api):
    alice, carol = api.user("requester"), api.user("approver")
    purchase = api.completed_purchase(alice, "900.00")
    refund = api.create(alice, "REFUND", "800.00", purchase_id=purchase["taskId"])
    api.wait_for(alice, refund["taskId"], "AWAITING_APPROVAL")
    for action in ("approve", "reject"):
        for comment in (5, "x" * 1001):
            answer = api.call("POST", f"tasks/{refund['taskId']}/{action}", carol, {"comment": comment})
            assert answer.status == 400 and answer.error["field"] == "comment", answer
    assert api.get(alice, refund["taskId"])["status"] == "AWAITING_APPROVAL"
    api.call("POST", f"tasks/{refund['taskId']}/cancel", alice)
