"""Calls into the API and workflow cores for the tests of tests/app."""

from __future__ import annotations

import json

from taskapp import workflow
from taskapp.api.router import handle

from .conftest import request


def call(context, method: str, resource: str, **kwargs) -> tuple[int, dict]:
    answer = handle(context, request(method, resource, **kwargs))
    return answer["statusCode"], json.loads(answer["body"])


def create(context, user: str = "alice", role: str = "requester", headers: dict | None = None, **body) -> tuple[int, dict]:
    fields = {"type": "PURCHASE", "amount": "100.00", "currency": "USD", "description": "laptop", **body}
    return call(context, "POST", "/tasks", user=user, role=role, body=fields, headers=headers)


def completed_purchase(context, amount: str = "1000.00", user: str = "alice") -> dict:
    """A purchase driven through the workflow's steps to COMPLETED."""
    status, task = create(context, user=user, amount=amount)
    assert status == 201, task
    workflow.start(context, {"taskId": task["taskId"]})
    workflow.complete_purchase(context, {"taskId": task["taskId"], "paymentId": "pay_1"})
    return context.store.get(task["taskId"])


def get(context, task_id: str, user: str = "alice", role: str = "requester") -> tuple[int, dict]:
    return call(context, "GET", "/tasks/{taskId}", user=user, role=role, path={"taskId": task_id})


def refund(context, purchase_id: str, amount: str, user: str = "alice", **extra) -> tuple[int, dict]:
    return create(context, user=user, type="REFUND", amount=amount, purchaseId=purchase_id, **extra)


def awaiting_refund(context, purchase_id: str, amount: str = "600.00", user: str = "alice") -> dict:
    """A refund above the threshold, parked in AWAITING_APPROVAL with a callback token."""
    status, task = refund(context, purchase_id, amount, user=user)
    assert status == 201, task
    summary = workflow.start(context, {"taskId": task["taskId"]})
    assert summary["requiresApproval"] is True
    workflow.await_approval(context, {"taskId": task["taskId"], "taskToken": f"token-{task['taskId']}"})
    return context.store.get(task["taskId"])
