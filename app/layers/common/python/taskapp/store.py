"""The tasks table: conditional writes only, so racing requests can never break a rule.

Every change is a list of DynamoDB write specs (`{"Update": ...}`, `{"Put": ...}`) written in one call:
`UpdateItem`/`PutItem` for one, `TransactWriteItems` for several. Changes to an existing task are
guarded by its `version` (optimistic locking); `change()` re-reads and retries when another writer won.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from botocore.exceptions import ClientError

from . import items, lifecycle
from .errors import ApiError

INDEXES = {"owner": "byOwner", "ownerStatus": "byOwnerStatus", "status": "byStatus"}


class ConditionFailed(Exception):
    """A conditional write lost: `reasons` has one code per item of a transaction (or one)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class TaskStore:
    """Reads and conditional writes of tasks; `client` is a boto3 DynamoDB client (or a stand-in)."""

    def __init__(self, client, table: str, clock: Callable[[], str]) -> None:
        self.client, self.table, self.clock = client, table, clock

    def get(self, task_id: str) -> dict | None:
        answer = self.client.get_item(TableName=self.table, Key=items.task_key(task_id), ConsistentRead=True)
        return items.from_item(answer["Item"]) if "Item" in answer else None

    def get_idempotency(self, owner: str, key: str) -> dict | None:
        answer = self.client.get_item(TableName=self.table, Key=items.idempotency_key(owner, key),
                                      ConsistentRead=True)
        return items.from_item(answer["Item"]) if "Item" in answer else None

    def write(self, specs: list[dict], attempts: int = 5) -> None:
        """Writes the specs atomically; raises ConditionFailed when a condition does not hold.

        A write that meets another transaction on one of its items (TransactionConflictException,
        or a cancellation reason TransactionConflict) is retried after a short pause, as AWS
        advises; when it keeps meeting one, ConditionFailed carries the TransactionConflict reason.
        """
        for spec in specs:
            next(iter(spec.values()))["TableName"] = self.table
        for attempt in range(attempts):
            try:
                self._write_once(specs)
                return
            except ConditionFailed as failure:
                if "TransactionConflict" not in failure.reasons or attempt == attempts - 1:
                    raise
            time.sleep(0.005 * 2 ** attempt)

    def _write_once(self, specs: list[dict]) -> None:
        try:
            if len(specs) == 1:
                kind, request = next(iter(specs[0].items()))
                call = {"Update": self.client.update_item, "Put": self.client.put_item}[kind]
                call(**request)
            else:
                self.client.transact_write_items(TransactItems=specs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise ConditionFailed(["ConditionalCheckFailed"]) from error
            if code == "TransactionConflictException":
                raise ConditionFailed(["TransactionConflict"]) from error
            if code == "TransactionCanceledException":
                reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
                raise ConditionFailed(reasons) from error
            raise

    def change(self, task_id: str, plan: Callable[[dict], list[dict]], attempts: int = 5) -> dict:
        """Reads the task, asks `plan` for the writes, writes them; re-reads when a version moved on.

        `plan` raises ApiError when the change is not allowed from the task's current state.
        """
        for _ in range(attempts):
            task = self.get(task_id)
            if task is None:
                raise ApiError(404, "NotFound", f"task {task_id} does not exist", "taskId")
            try:
                self.write(plan(task))
            except ConditionFailed:
                continue
            return self.get(task_id) or task
        raise ApiError(409, "Conflict", f"task {task_id} kept changing; try again", "taskId")

    def transition(self, task: dict, target: str, actor: str, action: str, reason: str | None = None,
                   fields: dict | None = None) -> dict:
        """The Update spec moving `task` to `target`, guarded by its version and status, audited."""
        lifecycle.check(task["type"], task["status"], target)
        now = self.clock()
        entry = {"at": now, "actor": actor, "action": action, "from": task["status"], "to": target}
        if reason:
            entry["reason"] = reason
        sets = {"status": target, "ownerStatus": f"{task['owner']}#{target}", "updatedAt": now,
                **(fields or {})}
        return self._versioned_update(task, sets, entry)

    def annotate(self, task: dict, actor: str, action: str, fields: dict | None = None,
                 reason: str | None = None) -> dict:
        """An audited change that keeps the status (an approval, an attachment, an execution ARN)."""
        now = self.clock()
        entry = {"at": now, "actor": actor, "action": action, "from": task["status"], "to": task["status"]}
        if reason:
            entry["reason"] = reason
        return self._versioned_update(task, {"updatedAt": now, **(fields or {})}, entry)

    def _versioned_update(self, task: dict, sets: dict, entry: dict) -> dict:
        names = {"#version": "version", "#audit": "audit", "#status": "status"}
        values = {":expected": items.value(task["version"]), ":one": items.value(1),
                  ":entry": items.value([entry]), ":from": items.value(task["status"])}
        assignments = ["#version = #version + :one", "#audit = list_append(#audit, :entry)"]
        removals = []
        for n, (name, field) in enumerate(sorted(sets.items())):
            names[f"#f{n}"] = name
            if field is None:
                removals.append(f"#f{n}")
            else:
                values[f":f{n}"] = items.value(field)
                assignments.append(f"#f{n} = :f{n}")
        expression = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
        return {"Update": {"Key": items.task_key(task["taskId"]), "UpdateExpression": expression,
                           "ConditionExpression": "#version = :expected AND #status = :from",
                           "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}

    def put_new(self, values: dict, key: dict | None = None) -> dict:
        """A Put that only succeeds when nothing has the key yet."""
        item = items.to_item(values)
        if key:
            item.update(key)
        return {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}

    def reserve_refund(self, purchase_id: str, owner: str, currency: str, amount: Decimal) -> dict:
        """Takes `amount` off the purchase's refundable remainder, only if all refund rules hold.

        The check and the subtraction are one conditional write, so two racing refunds cannot both
        take the same remainder.
        """
        return {"Update": {
            "Key": items.task_key(purchase_id),
            "UpdateExpression": "SET #remaining = #remaining - :amount, #version = #version + :one",
            "ConditionExpression": ("#type = :purchase AND #owner = :owner AND #currency = :currency "
                                    "AND #status IN (:completed, :partial) AND #remaining >= :amount"),
            "ExpressionAttributeNames": {"#remaining": "refundableRemaining", "#version": "version", "#type": "type",
                                         "#owner": "owner", "#currency": "currency", "#status": "status"},
            "ExpressionAttributeValues": {
                ":amount": items.value(amount), ":one": items.value(1), ":purchase": items.value("PURCHASE"),
                ":owner": items.value(owner), ":currency": items.value(currency),
                ":completed": items.value(lifecycle.COMPLETED), ":partial": items.value(lifecycle.PARTIALLY_REFUNDED)}}}

    def release_refund(self, purchase_id: str, amount: Decimal) -> dict:
        """Gives a reserved amount back to the purchase (the refund was rejected, cancelled or failed)."""
        return {"Update": {
            "Key": items.task_key(purchase_id),
            "UpdateExpression": "SET #remaining = #remaining + :amount, #version = #version + :one",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeNames": {"#remaining": "refundableRemaining", "#version": "version"},
            "ExpressionAttributeValues": {":amount": items.value(amount), ":one": items.value(1)}}}

    def query(self, index_field: str | None, key: str | None, limit: int, start: dict | None,
              task_type: str | None) -> tuple[list[dict], dict | None]:
        """One page of tasks from an index (or a scan for admins without a filter), oldest first."""
        request: dict = {"TableName": self.table, "Limit": limit}
        filters, names, values = [], {}, {}
        if index_field:
            request["IndexName"] = INDEXES[index_field]
            request["KeyConditionExpression"] = "#key = :key"
            names["#key"], values[":key"] = index_field, items.value(key)
        else:
            filters.append("begins_with(pk, :prefix)")
            values[":prefix"] = items.value("TASK#")
        if task_type:
            filters.append("#type = :type")
            names["#type"], values[":type"] = "type", items.value(task_type)
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        if names:
            request["ExpressionAttributeNames"] = names
        request["ExpressionAttributeValues"] = values
        if start:
            request["ExclusiveStartKey"] = start
        answer = (self.client.query if index_field else self.client.scan)(**request)
        return [items.from_item(i) for i in answer.get("Items", [])], answer.get("LastEvaluatedKey")
