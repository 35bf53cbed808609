"""Query and Scan: one SQLite range scan each, paged as DynamoDB pages.

A page ends after `Limit` items were read or 1 MB was read, whichever comes first; the filter
runs after that, so a page may hold fewer items than `Limit`, even none, and still carry
`LastEvaluatedKey` (AWS developer guide, "Paginating table query results" and "Filter
expressions for query": "A filter expression is applied after a Query finishes, but before the
results are returned").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from ..common import AwsError, RequestContext
from . import capacity, keys, legacy, params
from . import values as wire
from .catalog import Catalog
from .expressions import RequestExpressions, matches, project
from .expressions.ast import And, Between, Call, Compare, Condition, In, Not, Or, Path, Size, Value
from .schema import Index, Table, constraint, invalid
from .storage import Storage

MAX_PAGE_BYTES = 1024 * 1024
SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")


@dataclass
class Page:
    items: list[wire.Item]
    count: int
    scanned: int
    last_key: wire.Item | None
    bytes_read: int


@dataclass
class ReadPlan:
    """What a Query or Scan reads and how it shapes what it found."""

    table: Table
    index: Index | None
    limit: int | None
    filter: Condition | None
    projection: tuple[Path, ...] | None
    select: str

    def shape(self, item: wire.Item) -> wire.Item:
        index = self.index
        # A GSI holds only its projected attributes; an LSI can fetch the rest from the table.
        if index is not None and (index.kind == "GSI" or self.select == "ALL_PROJECTED_ATTRIBUTES"):
            names = index.projects(self.table)
            if names is not None:
                item = {name: value for name, value in item.items() if name in names}
        if self.projection is not None:
            return project(item, self.projection)
        return item

    def key_of(self, item: wire.Item) -> wire.Item:
        names = list(self.table.key_names())
        if self.index is not None:
            names += [name for name in (self.index.hash_key, self.index.range_key) if name and name not in names]
        return {name: item[name] for name in names}


def _limit(request: dict[str, Any]) -> int | None:
    limit = request.get("Limit")
    if limit is None:
        return None
    if not isinstance(limit, int) or limit < 1:
        # Recorded AWS text, 'Limit' and all (nubo-db/dynamodb-conformance query.test.ts).
        raise invalid("1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must "
                      "have value greater than or equal to 1")
    return limit


def _select(request: dict[str, Any], has_projection: bool, index: Index | None, table: Table) -> str:
    select = request.get("Select")
    if select is not None and select not in SELECTS:
        raise constraint(select, "select", "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
                         "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
    if select is None:
        if has_projection:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    if select == "SPECIFIC_ATTRIBUTES" and not has_projection:
        raise invalid("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires "
                      "AttributesToGet or ProjectionExpression")
    if select != "SPECIFIC_ATTRIBUTES" and has_projection:
        raise invalid("One or more parameter values were invalid: Cannot specify the ProjectionExpression or "
                      f"AttributesToGet when choosing to get {select}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise invalid("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is "
                      "supported only when querying an index")
    if (select == "ALL_ATTRIBUTES" and index is not None and index.kind == "GSI"
            and index.projects(table) is not None):
        raise invalid(f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
                      f"global secondary index {index.name} because its projection type is not ALL")
    return str(select)


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix`."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def _conjuncts(condition: Condition) -> list[Condition]:
    if isinstance(condition, And):
        return _conjuncts(condition.left) + _conjuncts(condition.right)
    if isinstance(condition, (Or, Not, In)):
        operator = {Or: "OR", Not: "NOT", In: "IN"}[type(condition)]
        raise invalid(f"Invalid operator used in KeyConditionExpression: {operator}")
    return [condition]


def _key_part(condition: Condition) -> tuple[str, str, list[wire.AttributeValue]]:
    """(attribute, operator, values) of one part of a key condition."""
    if isinstance(condition, Compare):
        left, right = condition.left, condition.right
        if isinstance(right, Path) and isinstance(left, Value):
            left, right = right, left
        if condition.operator == "<>":
            raise invalid("Invalid operator used in KeyConditionExpression: <>")
        if isinstance(left, Path) and isinstance(right, Value) and len(left.elements) == 1:
            return str(left.elements[0]), condition.operator, [right.value]
    elif isinstance(condition, Between):
        if isinstance(condition.operand, Path) and isinstance(condition.low, Value) and isinstance(condition.high, Value):
            return str(condition.operand.elements[0]), "BETWEEN", [condition.low.value, condition.high.value]
    elif isinstance(condition, Call):
        if condition.name != "begins_with":
            raise invalid(f"Invalid operator used in KeyConditionExpression: {condition.name}")
        path, value = condition.args
        if isinstance(path, Path) and isinstance(value, Value):
            return str(path.elements[0]), "begins_with", [value.value]
    raise invalid("Query key condition not supported")


def key_range(condition: Condition, table: Table, hash_name: str, range_name: str | None
              ) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The encoded hash key and the range-key bounds ([(sql operator, bytes)]) of a key condition."""
    parts = [_key_part(part) for part in _conjuncts(condition)]
    if len(parts) > 2:
        raise invalid("Conditions can be of length 1 or 2 only")
    by_name = {name: (operator, found) for name, operator, found in parts}
    if len(by_name) != len(parts):
        raise invalid("KeyConditionExpressions must only contain one condition per key")
    if hash_name not in by_name or by_name[hash_name][0] != "=":
        raise invalid(f"Query condition missed key schema element: {hash_name}")
    for name in by_name:
        if name != hash_name and name != range_name:
            if range_name is None:
                raise invalid("Query key condition not supported")
            raise invalid(f"Query condition missed key schema element: {range_name}")
    for name, (_, found) in by_name.items():
        for value in found:
            if wire.value_type(value) != table.attribute_types[name]:
                raise invalid("One or more parameter values were invalid: Condition parameter type does not match "
                              "schema type")
    hash_bytes = keys.encode(by_name[hash_name][1][0])
    bounds: list[tuple[str, bytes]] = []
    if range_name is not None and range_name in by_name:
        operator, found = by_name[range_name]
        encoded = [keys.encode(value) for value in found]
        if operator == "BETWEEN":
            bounds = [(">=", encoded[0]), ("<=", encoded[1])]
        elif operator == "begins_with":
            bounds = [(">=", encoded[0])]
            end = _prefix_end(encoded[0])
            if end is not None:
                bounds.append(("<", end))
        else:
            bounds = [(operator, encoded[0])]
    return hash_bytes, bounds


def _paths(condition: Any) -> list[Path]:
    if isinstance(condition, Path):
        return [condition]
    if isinstance(condition, Size):
        return [condition.path]
    if isinstance(condition, (And, Or)):
        return _paths(condition.left) + _paths(condition.right)
    if isinstance(condition, Not):
        return _paths(condition.operand)
    if isinstance(condition, Compare):
        return _paths(condition.left) + _paths(condition.right)
    if isinstance(condition, Between):
        return _paths(condition.operand) + _paths(condition.low) + _paths(condition.high)
    if isinstance(condition, In):
        return _paths(condition.operand) + [path for option in condition.options for path in _paths(option)]
    if isinstance(condition, Call):
        return [path for arg in condition.args for path in _paths(arg)]
    return []


class ReadOperations:
    def __init__(self, store: Storage, catalog: Catalog) -> None:
        self._store = store
        self._catalog = catalog

    def _common(self, request: dict[str, Any], context: RequestContext, *, query: bool
                ) -> tuple[ReadPlan, Condition | None]:
        """The checks and the plan Query and Scan share (Query's key condition too)."""
        legacy_filter = "QueryFilter" if query else "ScanFilter"
        legacy_fields = ("AttributesToGet", legacy_filter) + (("KeyConditions",) if query else ())
        expression_fields = ("ProjectionExpression", "FilterExpression") + (("KeyConditionExpression",) if query else ())
        uses = params.no_mixing(request, legacy_fields, expression_fields)
        expressions = RequestExpressions(request, uses_expressions=uses)
        key_condition = None
        if query:
            if request.get("KeyConditionExpression") is not None:
                key_condition = expressions.condition("KeyConditionExpression", request["KeyConditionExpression"])
            elif request.get("KeyConditions") is not None:
                key_condition = legacy.conditions(request["KeyConditions"], field="KeyConditions")
            else:
                raise invalid("Either the KeyConditions or KeyConditionExpression parameter must be specified in "
                              "the request.")
        filter_: Condition | None
        if request.get("FilterExpression") is not None:
            filter_ = expressions.condition("FilterExpression", request["FilterExpression"])
        else:
            filter_ = legacy.conditions(request.get(legacy_filter), request.get("ConditionalOperator"), legacy_filter)
        projection: tuple[Path, ...] | None
        if request.get("ProjectionExpression") is not None:
            projection = expressions.projection(request["ProjectionExpression"])
        else:
            projection = legacy.attributes_to_get(request.get("AttributesToGet"))
        expressions.finish()
        limit = _limit(request)
        table = self._catalog.get(context, request.get("TableName"))
        index = None
        if request.get("IndexName") is not None:
            index = table.indexes.get(request["IndexName"])
            if index is None:
                raise invalid(f"The table does not have the specified index: {request['IndexName']}")
            if index.kind == "GSI" and request.get("ConsistentRead"):
                raise invalid("Consistent reads are not supported on global secondary indexes")
        select = _select(request, projection is not None, index, table)
        return ReadPlan(table, index, limit, filter_, projection, select), key_condition

    def query(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        mode = params.consumed_capacity_mode(request)
        plan, key_condition = self._common(request, context, query=True)
        assert key_condition is not None
        table, index = plan.table, plan.index
        hash_name = index.hash_key if index else table.hash_key
        range_name = index.range_key if index else table.range_key
        hash_bytes, bounds = key_range(key_condition, table, hash_name, range_name)
        if plan.filter is not None:
            for path in _paths(plan.filter):
                if path.elements[0] in (hash_name, range_name):
                    raise invalid("Filter Expression can only contain non-primary key attributes: Primary key "
                                  f"attribute: {path.elements[0]}")
        forward = request.get("ScanIndexForward", True) is not False
        start = self._start(plan, request.get("ExclusiveStartKey"))
        h = keys.partition_hash(hash_bytes)
        order = "ASC" if forward else "DESC"
        after = ">" if forward else "<"
        if index is None:
            sql = "SELECT body, size FROM items WHERE tid = ? AND h = ? AND hk = ?"
            args: list[Any] = [table.id, h, hash_bytes]
            for operator, value in bounds:
                sql += f" AND rk {operator} ?"
                args.append(value)
            if start is not None:
                sql += f" AND rk {after} ?"
                args.append(start[1])
            sql += f" ORDER BY rk {order}"
        else:
            sql = ("SELECT i.body, i.size FROM index_items x JOIN items i ON i.tid = ? AND i.h = x.th AND "
                   "i.hk = x.hk AND i.rk = x.rk WHERE x.iid = ? AND x.ih = ? AND x.ihk = ?")
            args = [table.id, index.id, h, hash_bytes]
            for operator, value in bounds:
                sql += f" AND x.irk {operator} ?"
                args.append(value)
            if start is not None:
                sql += f" AND (x.irk, x.hk, x.rk) {after} (?, ?, ?)"
                args += [start[3], start[0], start[1]]
            sql += f" ORDER BY x.irk {order}, x.hk {order}, x.rk {order}"
        page = self._page(plan, sql, args)
        if index is None and table.range_key is None:
            # A partition of a table without a sort key holds one item: nothing can follow it
            # (observed on AWS: aws/aws-sdk-js#3290; a page that stops at Limit otherwise carries
            # LastEvaluatedKey even when nothing follows, aws/aws-sdk-js#2806).
            page.last_key = None
        return self._respond(plan, page, mode, request)

    def scan(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        mode = params.consumed_capacity_mode(request)
        segment, total = request.get("Segment"), request.get("TotalSegments")
        if segment is not None and total is None:
            raise invalid("The TotalSegments parameter is required but was not present in the request when "
                          "Segment parameter is present")
        if total is not None and segment is None:
            raise invalid("The Segment parameter is required but was not present in the request when parameter "
                          "TotalSegments is present")
        if total is not None:
            if not isinstance(total, int) or not 1 <= total <= 1000000:
                raise constraint(total, "totalSegments", "Member must have value less than or equal to 1000000"
                                 if isinstance(total, int) and total > 1 else
                                 "Member must have value greater than or equal to 1")
            if not isinstance(segment, int) or segment < 0:
                raise constraint(segment, "segment", "Member must have value greater than or equal to 0")
            if segment >= total:
                raise invalid("The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                              f"Segment: {segment} is not less than TotalSegments: {total}")
        plan, _ = self._common(request, context, query=False)
        low, high = keys.segment_bounds(segment or 0, total or 1)
        start = self._start(plan, request.get("ExclusiveStartKey"))
        table, index = plan.table, plan.index
        if index is None:
            sql = "SELECT body, size FROM items WHERE tid = ? AND h >= ? AND h < ?"
            args: list[Any] = [table.id, low, high]
            if start is not None:
                sql += " AND (h, hk, rk) > (?, ?, ?)"
                args += [keys.partition_hash(start[0]), start[0], start[1]]
            sql += " ORDER BY h, hk, rk"
        else:
            sql = ("SELECT i.body, i.size FROM index_items x JOIN items i ON i.tid = ? AND i.h = x.th AND "
                   "i.hk = x.hk AND i.rk = x.rk WHERE x.iid = ? AND x.ih >= ? AND x.ih < ?")
            args = [table.id, index.id, low, high]
            if start is not None:
                sql += " AND (x.ih, x.ihk, x.irk, x.hk, x.rk) > (?, ?, ?, ?, ?)"
                args += [keys.partition_hash(start[2]), start[2], start[3], start[0], start[1]]
            sql += " ORDER BY x.ih, x.ihk, x.irk, x.hk, x.rk"
        return self._respond(plan, self._page(plan, sql, args), mode, request)

    def _start(self, plan: ReadPlan, start: object) -> tuple[bytes, bytes, bytes, bytes] | None:
        """(table hash, table range, index hash, index range) bytes of ExclusiveStartKey."""
        if start is None:
            return None
        message = "The provided starting key is invalid: The provided key element does not match the schema"
        if not isinstance(start, dict):
            raise invalid(message)
        key = wire.normalize_item(start, "ExclusiveStartKey")
        table = plan.table
        expected = set(table.key_names())
        if plan.index is not None:
            expected |= {name for name in (plan.index.hash_key, plan.index.range_key) if name}
        if set(key) != expected:
            raise invalid(message)
        try:
            hk, rk = table.key_of(table.key_item(key), for_put=False)
            index_key = table.index_key_of(plan.index, key) if plan.index is not None else (b"", b"")
        except AwsError:  # any mismatch gets the same answer
            raise invalid(message) from None
        assert index_key is not None
        return hk, rk, index_key[0], index_key[1]

    def _page(self, plan: ReadPlan, sql: str, args: list[Any]) -> Page:
        items: list[wire.Item] = []
        count = scanned = bytes_read = 0
        last: wire.Item | None = None
        stopped = False
        count_only = plan.select == "COUNT"
        with self._store.reader() as db:
            cursor = db.execute(sql, args)
            try:
                for body, size in cursor:
                    item = json.loads(body)
                    scanned += 1
                    bytes_read += size
                    if plan.filter is None or matches(item, plan.filter):
                        count += 1
                        if not count_only:
                            items.append(plan.shape(item))
                    if (plan.limit is not None and scanned >= plan.limit) or bytes_read >= MAX_PAGE_BYTES:
                        last = item
                        stopped = True
                        break
            finally:
                cursor.close()
        return Page(items, count, scanned, plan.key_of(last) if stopped and last is not None else None, bytes_read)

    @staticmethod
    def _respond(plan: ReadPlan, page: Page, mode: str, request: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"Count": page.count, "ScannedCount": page.scanned}
        if plan.select != "COUNT":
            result["Items"] = page.items
        if page.last_key is not None:
            result["LastEvaluatedKey"] = page.last_key
        consistent = bool(request.get("ConsistentRead"))
        units = max(1, math.ceil(page.bytes_read / 4096))
        spent = float(units if consistent else units / 2)
        # A read served by an index is charged to the index; INDEXES reports it in the index's
        # arm beside a Table entry, the total being their sum (recorded: nubo-db/dynamodb-
        # conformance tests/tier1/query/indexConsumedCapacity.test.ts).
        consumed = (capacity.Consumed(spent) if plan.index is None
                    else capacity.Consumed(0.0, {plan.index.name: spent}))
        reported = capacity.report(mode, plan.table, consumed)
        if reported is not None:
            result["ConsumedCapacity"] = reported
        return result
