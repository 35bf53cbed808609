"""`POST /tasks`, `GET /tasks`, `GET /tasks/{taskId}`, `POST /tasks/{taskId}/cancel`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from decimal import Decimal

from .. import items, lifecycle, money, validation
from ..context import Context
from ..errors import ApiError, bad_request, conflict, forbidden, invalid, not_found
from ..store import ConditionFailed
from . import access, execution
from .http import Caller, header, json_body, path_param, query, respond

MAX_PAGE = 100


def create(context: Context, caller: Caller, event: dict) -> dict:
    fields = validation.parse_create(json_body(event))
    key = validation.parse_idempotency_key(header(event, "Idempotency-Key"))
    request_hash = hashlib.sha256(json.dumps(fields, default=str, sort_keys=True).encode()).hexdigest()
    if key:
        replay = _replay(context, caller, key, request_hash)
        if replay:
            return replay
    task = _new_task(context, caller, fields)
    specs = [context.store.put_new(task, items.task_key(task["taskId"]))]
    if key:
        # Not "owner": the record must stay out of the byOwner index that lists tasks.
        specs.append(context.store.put_new({"taskId": task["taskId"], "requestHash": request_hash,
                                            "keyOwner": caller.user, "createdAt": task["createdAt"]},
                                           items.idempotency_key(caller.user, key)))
    if fields["type"] == "REFUND":
        specs.append(context.store.reserve_refund(fields["purchaseId"], caller.user, fields["currency"],
                                                  fields["amount"]))
    try:
        context.store.write(specs)
    except ConditionFailed as failure:
        if key and len(failure.reasons) > 1 and failure.reasons[1] == "ConditionalCheckFailed":
            return _replay(context, caller, key, request_hash) or _raise_conflict()
        if fields["type"] == "REFUND":
            raise _refund_refusal(context, caller, fields) from failure
        raise
    context.telemetry.log("TaskCreated", taskId=task["taskId"], user=caller.user, type=task["type"])
    context.telemetry.metric("TasksCreated", 1, TaskType=task["type"])
    task = execution.start(context, task, caller.user)
    return respond(201, items.to_api(task), {"Location": f"/tasks/{task['taskId']}"})


def _raise_conflict() -> dict:
    raise conflict("a request with this Idempotency-Key is in progress; try again", "Idempotency-Key")


def _replay(context: Context, caller: Caller, key: str, request_hash: str) -> dict | None:
    record = context.store.get_idempotency(caller.user, key)
    if record is None:
        return None
    if record["requestHash"] != request_hash:
        raise conflict("this Idempotency-Key was used with a different request", "Idempotency-Key",
                       code="IdempotencyKeyReused")
    task = context.store.get(record["taskId"])
    return respond(201, items.to_api(task), {"Idempotent-Replayed": "true"}) if task else None


def _new_task(context: Context, caller: Caller, fields: dict) -> dict:
    now, task_id = context.clock(), context.new_id()
    task = {"taskId": task_id, "type": fields["type"], "owner": caller.user, "status": lifecycle.SUBMITTED,
            "ownerStatus": f"{caller.user}#{lifecycle.SUBMITTED}", "amount": fields["amount"],
            "currency": fields["currency"], "description": fields["description"], "attachments": [],
            "createdAt": now, "updatedAt": now, "version": 1,
            "audit": [{"at": now, "actor": caller.user, "action": "created", "from": None,
                       "to": lifecycle.SUBMITTED}]}
    if fields["type"] == "PURCHASE":
        task.update(refundedAmount=Decimal("0.00"), refundableRemaining=fields["amount"])
    else:
        task.update(purchaseId=fields["purchaseId"],
                    requiresApproval=fields["amount"] > context.settings.approval_threshold)
    return task


def _refund_refusal(context: Context, caller: Caller, fields: dict) -> ApiError:
    """Why the refund's conditional reservation failed, read after the fact to name the rule."""
    purchase = context.store.get(fields["purchaseId"])
    if purchase is None:
        return not_found(f"purchase {fields['purchaseId']} does not exist", "purchaseId")
    if purchase["owner"] != caller.user:
        return forbidden("only your own purchases can be refunded", "purchaseId")
    if purchase["type"] != "PURCHASE":
        return invalid(f"task {fields['purchaseId']} is a refund, not a purchase", "purchaseId")
    if purchase["currency"] != fields["currency"]:
        return invalid(f"must be the purchase's currency {purchase['currency']}", "currency")
    if purchase["status"] not in lifecycle.REFUNDABLE:
        return conflict(f"a purchase in status {purchase['status']} cannot be refunded", "purchaseId",
                        code="NotRefundable")
    remaining = money.text(purchase["refundableRemaining"])
    if money.as_amount(purchase["refundableRemaining"]) < fields["amount"]:
        return invalid(f"exceeds what remains refundable on the purchase ({remaining})", "amount")
    return conflict("the purchase changed while the refund was being recorded; try again", "purchaseId")


def list_tasks(context: Context, caller: Caller, event: dict) -> dict:
    status, task_type = query(event, "status"), query(event, "type")
    if status is not None and status not in lifecycle.STATUSES:
        raise bad_request("must be one of " + ", ".join(lifecycle.STATUSES), "status")
    if task_type is not None and task_type not in validation.TASK_TYPES:
        raise bad_request("must be PURCHASE or REFUND", "type")
    limit, start = page_request(event)
    if caller.role == "admin":
        index, key = ("status", status) if status else (None, None)
    else:
        index, key = ("ownerStatus", f"{caller.user}#{status}") if status else ("owner", caller.user)
    found, last = context.store.query(index, key, limit, start, task_type)
    return respond(200, page(found, last))


def page_request(event: dict) -> tuple[int, dict | None]:
    raw_limit, token = query(event, "limit"), query(event, "nextToken")
    limit = 20
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE:
            raise bad_request(f"must be a whole number from 1 to {MAX_PAGE}", "limit")
        limit = int(raw_limit)
    start = None
    if token:
        try:
            start = json.loads(base64.urlsafe_b64decode(token.encode()))
        except (ValueError, binascii.Error) as error:
            raise bad_request("is not a token this API gave out", "nextToken") from error
        if not isinstance(start, dict):
            raise bad_request("is not a token this API gave out", "nextToken")
    return limit, start


def page(found: list[dict], last: dict | None) -> dict:
    body: dict = {"items": [items.to_api(t) for t in found]}
    if last:
        body["nextToken"] = base64.urlsafe_b64encode(json.dumps(last).encode()).decode()
    return body


def get(context: Context, caller: Caller, event: dict) -> dict:
    task = access.visible_task(context, caller, path_param(event, "taskId"))
    body = items.to_api(task)
    body["timeline"] = execution.timeline(context, task.get("executionArn"))
    return respond(200, body)


def cancel(context: Context, caller: Caller, event: dict) -> dict:
    task = access.visible_task(context, caller, path_param(event, "taskId"))
    access.require_owner(caller, task, "cancel")
    seen: dict = {}

    def plan(current: dict) -> list[dict]:
        seen.update(current)
        if current["status"] not in lifecycle.CANCELLABLE or (
                current["status"] == lifecycle.AWAITING_APPROVAL and not current.get("taskToken")):
            raise conflict(f"a task in status {current['status']} cannot be cancelled"
                           + (" (it was already approved)" if current.get("approvedBy") else ""),
                           "status", code="InvalidTransition")
        specs = [context.store.transition(current, lifecycle.CANCELLED, caller.user, "cancelled",
                                          reason="cancelled by the owner", fields={"taskToken": None})]
        if current["type"] == "REFUND":
            specs.append(context.store.release_refund(current["purchaseId"], current["amount"]))
        return specs

    updated = context.store.change(task["taskId"], plan)
    execution.halt(context, seen, "TaskCancelled", "cancelled by the owner")
    if seen.get("status") == lifecycle.AWAITING_APPROVAL:
        context.telemetry.metric("ApprovalsResolved", 1, per_service=False)
    context.telemetry.log("TaskCancelled", taskId=task["taskId"], executionArn=task.get("executionArn"),
                          user=caller.user)
    return respond(200, items.to_api(updated))
