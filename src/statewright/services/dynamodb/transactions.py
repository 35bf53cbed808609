"""TransactWriteItems and TransactGetItems.

A write transaction has two steps, as on AWS. Prepare: every action is validated and its items
are claimed (`in_flight.InFlight`), so while it is under way other requests on those items get
AWS's conflict answers. Commit: one change on the writer checks every condition against the items
as they are and (if all hold) makes every write, inside one SQLite savepoint, so it is all or
nothing, also across tables and also when the process dies halfway; the claims are given back
once that commit is durable.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from ..common import AwsError, RequestContext
from . import capacity, params, storage
from . import values as wire
from .catalog import Catalog
from .expressions import project
from .in_flight import ItemId, conflict_reason
from .items import ItemOperations, WritePlan, parse_key, projection_of
from .schema import constraint, invalid

MAX_ACTIONS = 100  # AWS API reference, TransactWriteItems: "up to 100 action requests"
# "The aggregate size of the items in the transaction cannot exceed 4 MB" (AWS API reference).
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
TOKEN_SECONDS = 600  # "A client request token is valid for 10 minutes after the first request"
_ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
Written = tuple[wire.Item | None, wire.Item | None, int]  # (old item, new item, new size)


def _reason(error: AwsError, old: wire.Item | None, plan: WritePlan | None) -> dict[str, Any]:
    if error.code == "ConditionalCheckFailedException":
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
        if plan is not None and plan.failure_mode == "ALL_OLD" and old is not None:
            reason["Item"] = old
        return reason
    code = "ValidationError" if error.code == "ValidationException" else error.code.removesuffix("Exception")
    return {"Code": code, "Message": error.message}


def cancelled(reasons: list[dict[str, Any]]) -> AwsError:
    codes = ", ".join(reason["Code"] for reason in reasons)
    return AwsError("TransactionCanceledException",
                    f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
                    fields={"CancellationReasons": reasons})


def _check_count(entries: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise constraint(None, where, "Member must not be null")
    if not entries:
        raise constraint("[]", where, "Member must have length greater than or equal to 1")
    if len(entries) > MAX_ACTIONS:
        raise constraint(f"[{', '.join(map(str, entries))}]", where, "Member must have length less than or equal to 100")
    return entries


def _write_capacity(mode: str, plans: list[WritePlan], outcomes: list[Written], replayed: bool) -> list[Any]:
    """ConsumedCapacity of a TransactWriteItems, one entry per table, with the read/write split
    AWS reports only for transactions. Measured against AWS (nubo-db/dynamodb-conformance
    tests/tier2/transactions/transactWrite.test.ts): 2 write units per KB of each item, also for
    a ConditionCheck; a replay of the same ClientRequestToken is a transactional read of the
    items as they are (2 read units per 4 KB), reported as ReadCapacityUnits."""
    spent: dict[str, tuple[Any, capacity.Consumed]] = {}
    for plan, (old, new, size) in zip(plans, outcomes, strict=True):
        table, consumed = spent.setdefault(plan.table.name, (plan.table, capacity.Consumed()))
        if replayed:
            consumed.table += 2 * capacity.read_units(size, True)
        else:
            # Index writes follow the commit, once (not measured against AWS).
            consumed.add(capacity.Consumed(2 * capacity.write_units(size), capacity.index_writes(table, old, new)))
    split = "ReadCapacityUnits" if replayed else "WriteCapacityUnits"
    return [capacity.report(mode, table, consumed, split) for table, consumed in spent.values()]


class TransactionOperations:
    def __init__(self, store: storage.Storage, catalog: Catalog, items: ItemOperations,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._catalog = catalog
        self._items = items
        self._clock = clock
        self._in_flight = items.in_flight
        # A test seam: called with the request between prepare (items claimed) and commit, so a
        # test can hold a transaction under way while other clients run into it.
        self.before_commit: Callable[[dict[str, Any]], None] | None = None

    def _plan(self, entry: dict[str, Any], context: RequestContext) -> WritePlan:
        actions = [name for name in _ACTIONS if entry.get(name) is not None]
        if len(actions) != 1:
            raise invalid("TransactItems can only contain one of Check, Put, Update or Delete")
        action = actions[0]
        body = entry[action]
        if action == "Put":
            return self._items.plan_put(body, context)
        if action == "Update":
            return self._items.plan_update(body, context)
        if action == "Delete":
            return self._items.plan_delete(body, context)
        if body.get("ConditionExpression") is None:
            raise constraint(None, "transactItems.member.conditionCheck.conditionExpression", "Member must not be null")
        return self._items.plan_delete(body, context, kind="ConditionCheck")

    def transact_write_items(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        entries = _check_count(request.get("TransactItems"), "transactItems")
        mode = params.consumed_capacity_mode(request)
        plans: list[WritePlan | None] = []
        early: list[dict[str, Any] | None] = []
        for entry in entries:
            try:
                plans.append(self._plan(entry, context))
                early.append(None)
            except AwsError as error:
                # Recorded: a key or index key of the wrong type cancels the transaction with a
                # ValidationError reason; other bad input is a plain ValidationException
                # (nubo-db/dynamodb-conformance transactWriteItems.test.ts).
                if "Type mismatch for" not in error.message:
                    raise
                plans.append(None)
                early.append(_reason(error, None, None))
        seen: set[tuple[int, bytes, bytes]] = set()
        for plan in plans:
            if plan is None:
                continue
            if (plan.table.id, plan.hk, plan.rk) in seen:
                raise invalid("Transaction request cannot include multiple operations on one item")
            seen.add((plan.table.id, plan.hk, plan.rk))
        if any(early):
            raise cancelled([reason or {"Code": "None"} for reason in early])
        if sum(wire.item_size(plan.item) for plan in plans if plan is not None and plan.item) > MAX_TRANSACTION_BYTES:
            raise invalid("Transaction request cannot be larger than 4 MB")
        token = request.get("ClientRequestToken")
        fingerprint = hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()
        ready = [plan for plan in plans if plan is not None]
        replayed, outcomes = self._commit(request, ready, token if isinstance(token, str) else None, fingerprint)
        result: dict[str, Any] = {}
        if mode != "NONE":
            result["ConsumedCapacity"] = _write_capacity(mode, ready, outcomes, replayed)
        return result

    def _commit(self, request: dict[str, Any], plans: list[WritePlan], token: str | None,
                fingerprint: str) -> tuple[bool, list[Written]]:
        """Claims the items (cancelled with `TransactionConflict` where another transaction holds
        one), commits on the writer, then gives the claims back."""
        claimed: list[ItemId] = [plan.item_id for plan in plans]
        held = self._in_flight.claim(claimed, token)
        if held is not None:
            raise cancelled([conflict_reason() if busy else {"Code": "None"} for busy in held])
        try:
            if self.before_commit is not None:
                self.before_commit(request)
            return self._store.write(lambda db: self._apply(db, plans, token, fingerprint))
        finally:
            self._in_flight.release(claimed, token)

    def _apply(self, db: Any, plans: list[WritePlan], token: object, fingerprint: str) -> tuple[bool, list[Written]]:
        """(whether this was a replay of a request already done, what each action wrote); for a
        replay, what each item is now."""
        now = self._clock()
        if isinstance(token, str):
            row = db.execute("SELECT fingerprint, created FROM client_tokens WHERE token = ?", (token,)).fetchone()
            if row is not None and row[1] > now - TOKEN_SECONDS:
                if row[0] != fingerprint:
                    raise AwsError("IdempotentParameterMismatchException",
                                   "Specified idempotency token was used with different request parameters "
                                   "within the last 10 minutes")
                # The same request again: already done, nothing more to do.
                now_items = [storage.get_item(db, self._catalog.current(plan.table), plan.hk, plan.rk)
                             for plan in plans]
                return True, [(item, item, wire.item_size(item) if item is not None else 0) for item in now_items]
        olds = []
        reasons = []
        failed = False
        for plan in plans:
            table = self._catalog.current(plan.table)
            old = storage.get_item(db, table, plan.hk, plan.rk)
            olds.append((table, old))
            try:
                plan.check(old)
                new = plan.new_item(old) if plan.kind in ("Put", "Update") else None
                if new is not None:
                    wire.check_item_size(new, update=plan.kind == "Update")
                    for index in table.indexes.values():
                        table.index_key_of(index, new)
                reasons.append({"Code": "None"})
            except AwsError as error:
                failed = True
                reasons.append(_reason(error, old, plan))
        if failed:
            raise cancelled(reasons)
        written = [plan.write(db, table, old) for plan, (table, old) in zip(plans, olds, strict=True)]
        if isinstance(token, str):
            db.execute("INSERT OR REPLACE INTO client_tokens VALUES (?, ?, ?)", (token, fingerprint, now))
            db.execute("DELETE FROM client_tokens WHERE created < ?", (now - TOKEN_SECONDS,))
        return False, written

    def _plan_gets(self, entries: list[dict[str, Any]], context: RequestContext) -> list[Any]:
        """(table, hash key, range key, projection) of each Get. A key that does not fit its
        table cancels the transaction with a `ValidationError` reason at its position; a bad
        projection or a missing table is a plain error (recorded: nubo-db/dynamodb-conformance
        tests/tier3/error-messages/transactGetItems.test.ts)."""
        gets: list[Any] = []
        reasons: list[dict[str, Any]] = []
        for entry in entries:
            body = entry.get("Get")
            if not isinstance(body, dict):
                raise constraint(None, "transactItems.member.get", "Member must not be null")
            projection = projection_of(body)
            table = self._catalog.get(context, body.get("TableName"))
            try:
                _, hk, rk = parse_key(table, body.get("Key"))
            except AwsError as error:
                if error.code != "ValidationException":
                    raise
                reasons.append(_reason(error, None, None))
                continue
            reasons.append({"Code": "None"})
            gets.append((table, hk, rk, projection))
        if len(gets) < len(entries):
            raise cancelled(reasons)
        if len({(table.id, hk, rk) for table, hk, rk, _ in gets}) < len(gets):
            # A ValidationException (recorded: tests/tier2/transactions/transactGet.test.ts);
            # worded as TransactWriteItems words it.
            raise invalid("Transaction request cannot include multiple operations on one item")
        return gets

    def transact_get_items(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        entries = _check_count(request.get("TransactItems"), "transactItems")
        mode = params.consumed_capacity_mode(request)
        gets = self._plan_gets(entries, context)
        held = self._in_flight.held([(table.id, hk, rk) for table, hk, rk, _ in gets])
        if any(held):
            # "An item within a TransactGetItems request is part of an ongoing TransactWriteItems"
            # cancels it (AWS developer guide, "Transaction conflict handling in DynamoDB").
            raise cancelled([conflict_reason() if busy else {"Code": "None"} for busy in held])
        responses: list[dict[str, Any]] = []
        totals: dict[str, tuple[Any, capacity.Consumed]] = {}
        with self._store.reader() as db:
            # One read transaction: every item as of the same moment.
            db.execute("BEGIN")
            try:
                for table, hk, rk, projection in gets:
                    item = storage.get_item(db, table, hk, rk)
                    size = wire.item_size(item) if item is not None else 0
                    _, consumed = totals.setdefault(table.name, (table, capacity.Consumed()))
                    consumed.table += 2 * capacity.read_units(size, True)
                    if item is None:
                        responses.append({})
                    else:
                        responses.append({"Item": project(item, projection) if projection is not None else item})
            finally:
                db.execute("COMMIT")
        result: dict[str, Any] = {"Responses": responses}
        if mode != "NONE":
            # Reported with the read split, also on the Table entry (recorded: nubo-db/dynamodb-
            # conformance tests/tier2/transactions/transactGet.test.ts).
            result["ConsumedCapacity"] = [capacity.report(mode, table, consumed, "ReadCapacityUnits")
                                          for table, consumed in totals.values()]
        return result
