"""PutItem, GetItem, UpdateItem, DeleteItem.

Each operation validates everything it can before touching the database (values, expressions,
unused names and values, the table, the key), then sends one change to the writer, which reads
the item, checks the condition and writes item and index rows in one savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..common import AwsError, RequestContext
from . import capacity, legacy, params, storage
from . import values as wire
from .catalog import Catalog
from .expressions import RequestExpressions, apply, matches, project
from .expressions.ast import Condition, Path, Update
from .in_flight import InFlight, ItemId
from .schema import Table, invalid

# "the maximum size of any item collection for a table which has one or more local secondary
# indexes is 10 GB" (AWS developer guide, "Item collections in Local Secondary Indexes").
MAX_COLLECTION_BYTES = 10 * 1024**3


@dataclass
class WritePlan:
    """One validated write of one item, ready to run on the writer (alone or in a transaction)."""

    table: Table
    key: wire.Item
    hk: bytes
    rk: bytes
    kind: str  # Put, Update, Delete, ConditionCheck
    condition: Condition | None = None
    item: wire.Item | None = None  # Put
    update: Update | None = None  # Update
    failure_mode: str = "NONE"
    collection_bytes: int | None = None  # the item collection's size after the write (tables with LSIs)
    measure_written: bool = False  # standalone UpdateItem also measures what it writes (see _check_written)

    @property
    def item_id(self) -> ItemId:
        return (self.table.id, self.hk, self.rk)

    def run(self, db: Any, catalog: Catalog) -> tuple[wire.Item | None, wire.Item | None, int]:
        """Checks the condition and writes; returns (old item, new item, new size)."""
        table = catalog.current(self.table)
        old = storage.get_item(db, table, self.hk, self.rk)
        self.check(old)
        return self.write(db, table, old)

    def check(self, old: wire.Item | None) -> None:
        if self.condition is not None and not matches(old, self.condition):
            raise params.conditional_failed(old, self.failure_mode)

    def new_item(self, old: wire.Item | None) -> wire.Item | None:
        if self.kind == "Put":
            return self.item
        if self.kind == "Update":
            assert self.update is not None
            return apply(old, self.key, self.update)
        return old

    def write(self, db: Any, table: Table, old: wire.Item | None) -> tuple[wire.Item | None, wire.Item | None, int]:
        if self.kind == "ConditionCheck":
            return old, old, 0
        if self.kind == "Delete":
            if old is not None:
                storage.delete_item(db, table, self.hk, self.rk, old)
            return old, None, 0
        if (self.kind == "Update" and old is None and self.update is not None and self.update.actions
                and all(action.clause in ("REMOVE", "DELETE") for action in self.update.actions)):
            # Only deletions, and no item: nothing is created (recorded against DynamoDB in
            # scylladb/scylladb#5862; an update with no actions at all does create the item).
            return None, None, 0
        new = self.new_item(old)
        assert new is not None
        size = wire.check_item_size(new, update=self.kind == "Update")
        if self.measure_written:
            _check_written(new, self.update)
        storage.put_item(db, table, self.hk, self.rk, new, size, old)
        if any(index.kind == "LSI" for index in table.indexes.values()):
            self.collection_bytes = storage.collection_size(db, table, self.hk)
            if self.collection_bytes > MAX_COLLECTION_BYTES:
                # AWS API reference, ItemCollectionSizeLimitExceededException: "An item collection
                # is too large. This exception is only returned for tables that have one or more
                # local secondary indexes." (The write is undone with its savepoint.)
                raise AwsError("ItemCollectionSizeLimitExceededException", "An item collection is too large")
        return old, new, size


def parse_key(table: Table, request_key: object) -> tuple[wire.Item, bytes, bytes]:
    if not isinstance(request_key, dict):
        raise invalid("1 validation error detected: Value null at 'key' failed to satisfy constraint: "
                      "Member must not be null")
    key = wire.normalize_item(request_key, "Key")
    hk, rk = table.key_of(key, for_put=False)
    return key, hk, rk


class ItemOperations:
    def __init__(self, store: storage.Storage, catalog: Catalog, in_flight: InFlight | None = None) -> None:
        self._store = store
        self._catalog = catalog
        self.in_flight = in_flight if in_flight is not None else InFlight()

    # --- planning (shared with transactions) ----------------------------------------------------

    def plan_put(self, request: dict[str, Any], context: RequestContext, kind: str = "Put") -> WritePlan:
        item = wire.normalize_item(request.get("Item"))
        condition = self._condition(request)
        table = self._catalog.get(context, request.get("TableName"))
        hk, rk = table.key_of(item, for_put=True)
        wire.check_item_size(item)
        for index in table.indexes.values():
            table.index_key_of(index, item)
        return WritePlan(table, table.key_item(item), hk, rk, kind, condition, item=item,
                         failure_mode=params.on_condition_failure(request))

    def plan_update(self, request: dict[str, Any], context: RequestContext) -> WritePlan:
        uses = params.no_mixing(request, ("AttributeUpdates", "Expected"), ("UpdateExpression", "ConditionExpression"))
        expressions = RequestExpressions(request, uses_expressions=uses)
        update: Update
        if request.get("UpdateExpression") is not None:
            update = expressions.update(request["UpdateExpression"])
        elif request.get("AttributeUpdates") is not None:
            update = legacy.attribute_updates(request["AttributeUpdates"])
        else:
            update = Update(())
        condition = self._bound_condition(request, expressions)
        expressions.finish()
        table = self._catalog.get(context, request.get("TableName"))
        key, hk, rk = parse_key(table, request.get("Key"))
        for action in update.actions:
            if action.path.elements[0] in table.key_names():
                raise invalid("One or more parameter values were invalid: Cannot update attribute "
                              f"{action.path.elements[0]}. This attribute is part of the key")
        return WritePlan(table, key, hk, rk, "Update", condition, update=update,
                         failure_mode=params.on_condition_failure(request))

    def plan_delete(self, request: dict[str, Any], context: RequestContext, kind: str = "Delete") -> WritePlan:
        condition = self._condition(request)
        table = self._catalog.get(context, request.get("TableName"))
        key, hk, rk = parse_key(table, request.get("Key"))
        return WritePlan(table, key, hk, rk, kind, condition, failure_mode=params.on_condition_failure(request))

    def _condition(self, request: dict[str, Any]) -> Condition | None:
        uses = params.no_mixing(request, ("Expected",), ("ConditionExpression",))
        expressions = RequestExpressions(request, uses_expressions=uses)
        condition = self._bound_condition(request, expressions)
        expressions.finish()
        return condition

    @staticmethod
    def _bound_condition(request: dict[str, Any], expressions: RequestExpressions) -> Condition | None:
        if request.get("ConditionExpression") is not None:
            return expressions.condition("ConditionExpression", request["ConditionExpression"])
        return legacy.conditions(request.get("Expected"), request.get("ConditionalOperator"))

    def _write_one(self, plan: WritePlan) -> tuple[wire.Item | None, wire.Item | None, int]:
        """A single-item write on the writer; refused while a transaction under way holds the item
        (checked in the same step on the writer as the write, so a transaction that claims the
        item afterwards has its own writes ordered after this one)."""
        def change(db: Any) -> tuple[wire.Item | None, wire.Item | None, int]:
            self.in_flight.check_free(plan.item_id)
            return plan.run(db, self._catalog)

        return self._store.write(change)

    # --- the operations -------------------------------------------------------------------------

    def put_item(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        returns = params.return_values(request, ("NONE", "ALL_OLD"))
        mode = params.consumed_capacity_mode(request)
        plan = self.plan_put(request, context)
        old, new, size = self._write_one(plan)
        result: dict[str, Any] = {}
        if returns == "ALL_OLD" and old is not None:
            result["Attributes"] = old
        self._with_metrics(result, request, plan)
        return self._with_capacity(result, mode, plan.table, capacity.of_write(plan.table, old, new, size))

    def update_item(self, request: dict[str, Any], context: RequestContext, *,
                    measure_written: bool = True) -> dict[str, Any]:
        returns = params.return_values(request, params.RETURN_VALUES)
        mode = params.consumed_capacity_mode(request)
        plan = self.plan_update(request, context)
        plan.measure_written = measure_written
        old, new, size = self._write_one(plan)
        result: dict[str, Any] = {}
        attributes = _returned(returns, old, new, plan.update)
        if attributes:
            result["Attributes"] = attributes
        self._with_metrics(result, request, plan)
        return self._with_capacity(result, mode, plan.table, capacity.of_write(plan.table, old, new, size))

    def delete_item(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        returns = params.return_values(request, ("NONE", "ALL_OLD"))
        mode = params.consumed_capacity_mode(request)
        plan = self.plan_delete(request, context)
        old, _, _ = self._write_one(plan)
        result: dict[str, Any] = {}
        if returns == "ALL_OLD" and old is not None:
            result["Attributes"] = old
        return self._with_capacity(result, mode, plan.table, capacity.of_write(plan.table, old, None, 0))

    def get_item(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        mode = params.consumed_capacity_mode(request)
        projection = projection_of(request)
        table = self._catalog.get(context, request.get("TableName"))
        _, hk, rk = parse_key(table, request.get("Key"))
        with self._store.reader() as db:
            item = storage.get_item(db, table, hk, rk)
        result: dict[str, Any] = {}
        if item is not None:
            result["Item"] = project(item, projection) if projection is not None else item
        units = capacity.read_units(_size(item), bool(request.get("ConsistentRead")))
        return self._with_capacity(result, mode, table, capacity.Consumed(units))

    @staticmethod
    def _with_metrics(result: dict[str, Any], request: dict[str, Any], plan: WritePlan) -> dict[str, Any]:
        """ItemCollectionMetrics for ReturnItemCollectionMetrics=SIZE on a table with LSIs (AWS API
        reference: SizeEstimateRangeGB is a lower and an upper bound, in GB)."""
        if request.get("ReturnItemCollectionMetrics") != "SIZE" or plan.collection_bytes is None:
            return result
        low = plan.collection_bytes // 1024**3
        result["ItemCollectionMetrics"] = {"ItemCollectionKey": {plan.table.hash_key: plan.key[plan.table.hash_key]},
                                           "SizeEstimateRangeGB": [float(low), float(low + 1)]}
        return result

    @staticmethod
    def _with_capacity(result: dict[str, Any], mode: str, table: Table, consumed: capacity.Consumed) -> dict[str, Any]:
        reported = capacity.report(mode, table, consumed)
        if reported is not None:
            result["ConsumedCapacity"] = reported
        return result


def projection_of(request: dict[str, Any]) -> tuple[Path, ...] | None:
    """ProjectionExpression (or legacy AttributesToGet), with the request's names checked."""
    uses = params.no_mixing(request, ("AttributesToGet",), ("ProjectionExpression",))
    expressions = RequestExpressions(request, uses_expressions=uses)
    projection = (expressions.projection(request["ProjectionExpression"]) if uses
                  else legacy.attributes_to_get(request.get("AttributesToGet")))
    expressions.finish()
    return projection


# What standalone UpdateItem charges besides what it writes: 3 bytes, 19 per SET or ADD action,
# 2 per REMOVE or DELETE (measured against AWS in eu-west-2, 2026-08-19:
# nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts).
_UPDATE_COST, _WRITE_ACTION_COST, _REMOVE_ACTION_COST = 3, 19, 2


def _check_written(new: wire.Item, update: Update | None) -> None:
    """Standalone UpdateItem refuses a write whose attributes plus its action cost pass the
    limit, even when the finished item (key included) would not."""
    if update is None:
        return
    written = {str(action.path.elements[0]) for action in update.actions if action.clause in ("SET", "ADD")}
    measured = sum(len(name.encode("utf-8")) + wire.value_size(new[name]) for name in written if name in new)
    cost = _UPDATE_COST + sum(_WRITE_ACTION_COST if action.clause in ("SET", "ADD") else _REMOVE_ACTION_COST
                              for action in update.actions)
    if measured + cost > wire.MAX_ITEM_BYTES:
        raise invalid("Item size to update has exceeded the maximum allowed size")


def _size(item: wire.Item | None) -> int:
    return wire.item_size(item) if item is not None else 0


def _returned(returns: str, old: wire.Item | None, new: wire.Item | None, update: Update | None) -> wire.Item | None:
    if returns == "ALL_OLD":
        return old
    if returns == "ALL_NEW":
        return new
    if returns in ("UPDATED_OLD", "UPDATED_NEW") and update is not None:
        source = old if returns == "UPDATED_OLD" else new
        if source is None:
            return None
        return project(source, tuple(action.path for action in update.actions)) or None
    return None

