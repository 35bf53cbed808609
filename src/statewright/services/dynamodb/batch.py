"""BatchGetItem (up to 100 keys, 16 MB) and BatchWriteItem (up to 25 puts and deletes).

AWS answers what it could not do in `UnprocessedKeys`/`UnprocessedItems`; locally every write
of a batch is done (in one SQLite transaction), and reads stop only at the 16 MB limit.
"""

from __future__ import annotations

from typing import Any

from ..common import AwsError, RequestContext
from . import capacity, params, storage
from . import values as wire
from .catalog import Catalog
from .expressions import project
from .items import ItemOperations, WritePlan, parse_key, projection_of
from .schema import invalid

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_GET_BYTES = 16 * 1024 * 1024


class BatchOperations:
    def __init__(self, store: storage.Storage, catalog: Catalog, items: ItemOperations) -> None:
        self._store = store
        self._catalog = catalog
        self._items = items

    def batch_get_item(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        mode = params.consumed_capacity_mode(request)
        requested = request.get("RequestItems")
        if not isinstance(requested, dict) or not requested:
            raise invalid("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: "
                          "Member must have length greater than or equal to 1")
        for name, entry in requested.items():
            if len(entry.get("Keys") or []) > MAX_GET_KEYS:
                # Recorded: nubo-db/dynamodb-conformance batchGetItem.test.ts.
                raise invalid(f"1 validation error detected: Value at 'RequestItems.{name}.member.Keys' failed to "
                              "satisfy constraint: Member must have length less than or equal to 100")
        if (any(entry.get("ProjectionExpression") is not None for entry in requested.values())
                and any(entry.get("AttributesToGet") is not None for entry in requested.values())):
            # One request, one style, across its tables too (recorded: batchGetItem.test.ts).
            raise invalid("Can not use both expression and non-expression parameters in the same request: "
                          "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
        if sum(len(entry.get("Keys") or []) for entry in requested.values()) > MAX_GET_KEYS:
            # AWS API reference, BatchGetItem: "A single operation can retrieve up to 16 MB of data,
            # which can contain as many as 100 items."
            raise invalid("Too many items requested for the BatchGetItem call")
        plans = []
        for name, entry in requested.items():
            projection = projection_of(entry)
            table = self._catalog.get(context, name, field="requestItems")
            keys = []
            seen: set[tuple[bytes, bytes]] = set()
            for raw in entry.get("Keys") or []:
                _, hk, rk = parse_key(table, raw)
                if (hk, rk) in seen:
                    raise invalid("Provided list of item keys contains duplicates")
                seen.add((hk, rk))
                keys.append((raw, hk, rk))
            plans.append((name, table, projection, keys, bool(entry.get("ConsistentRead"))))
        responses: dict[str, list[wire.Item]] = {}
        unprocessed: dict[str, Any] = {}
        consumed = []
        total = 0
        with self._store.reader() as db:
            for name, table, projection, keys, consistent in plans:
                found = responses.setdefault(name, [])
                units = 0.0
                for position, (_, hk, rk) in enumerate(keys):
                    if total >= MAX_GET_BYTES:
                        rest = [key for key, _, _ in keys[position:]]
                        unprocessed[name] = {**{k: v for k, v in requested[name].items() if k != "Keys"},
                                             "Keys": rest}
                        break
                    item = storage.get_item(db, table, hk, rk)
                    if item is None:
                        continue
                    size = wire.item_size(item)
                    total += size
                    units += capacity.read_units(size, consistent)
                    found.append(project(item, projection) if projection is not None else item)
                report = capacity.report(mode, table, capacity.Consumed(units or capacity.read_units(0, consistent)))
                if report is not None:
                    consumed.append(report)
        result: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if consumed:
            result["ConsumedCapacity"] = consumed
        return result

    def _put_plan(self, name: str, item: object, context: RequestContext) -> WritePlan:
        try:
            return self._items.plan_put({"TableName": name, "Item": item}, context)
        except AwsError as error:
            # BatchWriteItem words a bad table key as a key lookup does (recorded in four
            # regions: nubo-db/dynamodb-conformance batchWriteItem.test.ts).
            if error.message.startswith(("One or more parameter values were invalid: Type mismatch for key",
                                         "One or more parameter values were invalid: Missing the key")):
                raise AwsError("ValidationException", "The provided key element does not match the schema") from None
            raise

    def batch_write_item(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        mode = params.consumed_capacity_mode(request)
        requested = request.get("RequestItems")
        if not isinstance(requested, dict) or not requested:
            raise invalid("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: "
                          "Member must have length greater than or equal to 1")
        if sum(len(entries or []) for entries in requested.values()) > MAX_WRITES:
            # AWS API reference, BatchWriteItem: "up to 25 item put or delete operations".
            raise invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map "
                          "value must satisfy constraint: [Member must have length less than or equal to 25, "
                          "Member must have length greater than or equal to 1]")
        plans: list[WritePlan] = []
        seen: set[tuple[int, bytes, bytes]] = set()
        for name, entries in requested.items():
            for entry in entries or []:
                if "PutRequest" in entry:
                    plan = self._put_plan(name, entry["PutRequest"].get("Item"), context)
                elif "DeleteRequest" in entry:
                    plan = self._items.plan_delete({"TableName": name, "Key": entry["DeleteRequest"].get("Key")},
                                                   context)
                else:
                    raise invalid("1 validation error detected: Value null at 'requestItems.member.member' failed "
                                  "to satisfy constraint: Member must have one of PutRequest or DeleteRequest")
                if (plan.table.id, plan.hk, plan.rk) in seen:
                    raise invalid("Provided list of item keys contains duplicates")
                seen.add((plan.table.id, plan.hk, plan.rk))
                plans.append(plan)

        def change(db: Any) -> list[tuple[Any, ...]]:
            return [plan.run(db, self._catalog) for plan in plans]

        outcomes = self._store.write(change)
        result: dict[str, Any] = {"UnprocessedItems": {}}
        if mode != "NONE":
            spent: dict[str, tuple[Any, capacity.Consumed]] = {}
            for plan, (old, new, size) in zip(plans, outcomes, strict=True):
                table, consumed = spent.setdefault(plan.table.name, (plan.table, capacity.Consumed()))
                consumed.add(capacity.of_write(table, old, new, size))
            result["ConsumedCapacity"] = [capacity.report(mode, table, consumed) for table, consumed in spent.values()]
        return result
