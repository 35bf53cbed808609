"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements run as the
equivalent API requests (see partiql.py)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..common import AwsError, RequestContext
from .catalog import Catalog
from .items import ItemOperations
from .partiql import Cond, Statement, translate
from .reads import ReadOperations
from .schema import Table, constraint, invalid
from .transactions import TransactionOperations

MAX_BATCH = 25  # AWS API reference, BatchExecuteStatement: "up to 25 statements"
MAX_TRANSACTION = 100  # AWS API reference, ExecuteTransaction: "up to 100 actions"
_DUPLICATE = "Duplicate primary key exists in table"


def _base(statement: Statement) -> dict[str, Any]:
    request: dict[str, Any] = {"TableName": statement.table}
    if statement.names:
        request["ExpressionAttributeNames"] = dict(statement.names)
    if statement.values:
        request["ExpressionAttributeValues"] = dict(statement.values)
    return request


def _conjuncts(where: Cond | None) -> list[Cond]:
    if where is None:
        return []
    return where.parts or [where]


def _key(table: Table, statement: Statement) -> dict[str, Any]:
    """The primary key a write or a single read names with equalities in its WHERE clause."""
    equals = {part.equals[0]: part.equals[1] for part in _conjuncts(statement.where) if part.equals}
    if any(name not in equals for name in table.key_names()):
        raise invalid("Where clause does not contain a mandatory equality on all key attributes")
    return {name: equals[name] for name in table.key_names()}


@contextmanager
def _plain_messages() -> Iterator[None]:
    """PartiQL reports expression errors without the "Invalid FilterExpression: " prefix of the
    API parameter they were translated into (recorded: "Incorrect operand type for operator or
    function; operator or function: <, operand type: BOOL", nubo-db partiql.test.ts)."""
    try:
        yield
    except AwsError as error:
        error.message = re.sub(r"^Invalid [A-Za-z]+Expression: ", "", error.message)
        raise


def _check_projected(statement: Statement, index: Any, table: Table) -> None:
    """An index read may only filter on and select what the index holds (recorded texts)."""
    names = index.projects(table)
    if names is None:
        return
    attribute_names = statement.names
    used = [attribute_names[p] for p in re.findall(r"(?<![.\w])#n\d+", statement.where.text)] if statement.where else []
    missing = sorted({name for name in used if name not in names})
    if missing:
        raise invalid(f"One or more parameter values were invalid: Secondary index {index.name} does not project one "
                      f"or more filter attributes: [{', '.join(missing)}]")
    selected = [attribute_names[p] for p in re.findall(r"(?<![.\w])#n\d+", statement.projection or "")]
    missing = sorted({name for name in selected if name not in names})
    if missing and index.kind == "GSI":
        raise invalid(f"One or more parameter values were invalid: Global secondary index {index.name} does not "
                      f"project [{', '.join(missing)}]")


def _with_name(request: dict[str, Any], placeholder: str, name: str) -> dict[str, Any]:
    request.setdefault("ExpressionAttributeNames", {})[placeholder] = name
    return request


class PartiqlOperations:
    def __init__(self, catalog: Catalog, items: ItemOperations, reads: ReadOperations,
                 transactions: TransactionOperations) -> None:
        self._catalog = catalog
        self._items = items
        self._reads = reads
        self._transactions = transactions

    # --- translation to API requests ----------------------------------------------------------

    def write_request(self, statement: Statement, context: RequestContext) -> tuple[str, dict[str, Any]]:
        """("Put" | "Update" | "Delete" | "Get", the request) for a statement on one item."""
        table = self._catalog.get(context, statement.table)
        request = _base(statement)
        if statement.kind == "INSERT":
            assert statement.item is not None
            request["Item"] = statement.item
            request["ConditionExpression"] = "attribute_not_exists(#partiql_key)"
            return "Put", _with_name(request, "#partiql_key", table.hash_key)
        key = _key(table, statement)
        request["Key"] = key
        if statement.kind == "SELECT":
            if statement.projection:
                request["ProjectionExpression"] = statement.projection
            request.pop("ExpressionAttributeValues", None)
            if not statement.projection:
                request.pop("ExpressionAttributeNames", None)
            else:
                used = set(statement.projection.replace(",", " ").replace(".", " ").split())
                request["ExpressionAttributeNames"] = {k: v for k, v in statement.names.items() if k in used}
            return "Get", request
        assert statement.where is not None
        if statement.kind == "UPDATE":
            clauses = []
            if statement.set_actions:
                clauses.append("SET " + ", ".join(statement.set_actions))
            if statement.remove_actions:
                clauses.append("REMOVE " + ", ".join(statement.remove_actions))
            request["UpdateExpression"] = " ".join(clauses)
            # UPDATE changes an item that exists (AWS developer guide, "PartiQL update statements").
            request["ConditionExpression"] = f"attribute_exists(#partiql_key) AND ({statement.where.text})"
            return "Update", _with_name(request, "#partiql_key", table.hash_key)
        only_key = all(part.equals and part.equals[0] in table.key_names() for part in _conjuncts(statement.where))
        request["ConditionExpression"] = (f"attribute_not_exists(#partiql_key) OR ({statement.where.text})"
                                          if only_key else statement.where.text)
        return "Delete", _with_name(request, "#partiql_key", table.hash_key)

    def _select(self, statement: Statement, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._catalog.get(context, statement.table)
        index = table.indexes.get(statement.index) if statement.index else None
        # PartiQL's own texts, unlike Query's (recorded: nubo-db/dynamodb-conformance partiql.test.ts).
        if statement.index and index is None:
            raise invalid("The table does not have the specified index")
        if index is not None and index.kind == "GSI" and request.get("ConsistentRead"):
            raise invalid("Strongly consistent read is not supported on Global Secondary Indexes")
        if index is not None:
            _check_projected(statement, index, table)
        hash_name = index.hash_key if index else table.hash_key
        range_name = index.range_key if index else table.range_key
        read = _base(statement)
        conjuncts = _conjuncts(statement.where)
        hash_part = next((part for part in conjuncts if part.equals and part.equals[0] == hash_name), None)
        if hash_part is not None:
            key_parts = [hash_part]
            key_parts += [part for part in conjuncts if part is not hash_part and part.key_part
                          and part.key_part[0] == range_name][:1]
            rest = [part for part in conjuncts if all(part is not key for key in key_parts)]
            read["KeyConditionExpression"] = " AND ".join(f"({part.text})" for part in key_parts)
            if rest:
                read["FilterExpression"] = " AND ".join(f"({part.text})" for part in rest)
        elif statement.where is not None:
            read["FilterExpression"] = statement.where.text
        if statement.projection:
            read["ProjectionExpression"] = statement.projection
        if index is not None:
            read["IndexName"] = index.name
        for field in ("Limit", "ConsistentRead"):
            if request.get(field) is not None:
                read[field] = request[field]
        if request.get("NextToken"):
            try:
                read["ExclusiveStartKey"] = json.loads(base64.urlsafe_b64decode(request["NextToken"]))
            except ValueError:
                raise invalid("Invalid NextToken") from None
        answer = (self._reads.query if hash_part is not None else self._reads.scan)(read, context)
        result: dict[str, Any] = {"Items": answer.get("Items", [])}
        if "LastEvaluatedKey" in answer:
            result["NextToken"] = base64.urlsafe_b64encode(json.dumps(answer["LastEvaluatedKey"]).encode()).decode()
        return result

    def _write(self, statement: Statement, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        kind, write = self.write_request(statement, context)
        if request.get("ReturnValuesOnConditionCheckFailure"):
            write["ReturnValuesOnConditionCheckFailure"] = request["ReturnValuesOnConditionCheckFailure"]
        if kind == "Put":
            try:
                self._items.put_item(write, context)
            except AwsError as error:
                if error.code == "ConditionalCheckFailedException":
                    raise AwsError("DuplicateItemException", _DUPLICATE) from None
                raise
            return {"Items": []}
        if statement.returning != "NONE":
            write["ReturnValues"] = statement.returning
        if kind == "Update":
            # PartiQL's UPDATE measures the finished item only (recorded: itemSizeBySurface.test.ts).
            answer = self._items.update_item(write, context, measure_written=False)
        else:
            answer = self._items.delete_item(write, context)
        return {"Items": [answer["Attributes"]] if "Attributes" in answer else []}

    # --- the operations -----------------------------------------------------------------------

    def execute_statement(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        statement = translate(request.get("Statement"), request.get("Parameters"))
        with _plain_messages():
            if statement.kind == "SELECT":
                return self._select(statement, request, context)
            return self._write(statement, request, context)

    def batch_execute_statement(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        entries = request.get("Statements")
        if not isinstance(entries, list) or not entries:
            raise constraint("[]", "statements", "Member must have length greater than or equal to 1")
        if len(entries) > MAX_BATCH:
            raise constraint("[...]", "statements", "Member must have length less than or equal to 25")
        responses = []
        for entry in entries:
            try:
                statement = translate(entry.get("Statement"), entry.get("Parameters"))
                if statement.kind == "SELECT":
                    _, get = self.write_request(statement, context)
                    found = self._items.get_item({**get, "ConsistentRead": bool(entry.get("ConsistentRead"))}, context)
                    responses.append({"TableName": statement.table, **({"Item": found["Item"]} if "Item" in found else {})})
                else:
                    self._write(statement, entry, context)
                    responses.append({"TableName": statement.table})
            except AwsError as error:
                code = error.code.removesuffix("Exception")
                code = "ValidationError" if code == "Validation" else code
                failure: dict[str, Any] = {"Code": code, "Message": error.message}
                if "Item" in error.fields:
                    failure["Item"] = error.fields["Item"]
                responses.append({"Error": failure})
        return {"Responses": responses}

    def execute_transaction(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        entries = request.get("TransactStatements")
        if not isinstance(entries, list) or not entries:
            raise constraint("[]", "transactStatements", "Member must have length greater than or equal to 1")
        if len(entries) > MAX_TRANSACTION:
            raise constraint("[...]", "transactStatements", "Member must have length less than or equal to 100")
        statements = [translate(entry.get("Statement"), entry.get("Parameters")) for entry in entries]
        for position, statement in enumerate(statements):
            # Recorded: nubo-db/dynamodb-conformance partiql.test.ts.
            if statement.returning != "NONE":
                raise invalid(f"Validation failed in TransactStatements[{position}]: RETURNING clause is not supported "
                              "in ExecuteTransaction.")
            if statement.index is not None:
                raise invalid(f"Validation failed in TransactStatements[{position}]: Reads on indices are not "
                              "supported within transactions.")
        kinds = {statement.kind == "SELECT" for statement in statements}
        if len(kinds) > 1:
            raise invalid("Transactions must contain either all reads or all writes")
        actions = []
        for statement, entry in zip(statements, entries, strict=True):
            kind, action = self.write_request(statement, context)
            if entry.get("ReturnValuesOnConditionCheckFailure"):
                action["ReturnValuesOnConditionCheckFailure"] = entry["ReturnValuesOnConditionCheckFailure"]
            actions.append({kind: action})
        transaction: dict[str, Any] = {"TransactItems": actions}
        if request.get("ReturnConsumedCapacity") is not None:
            transaction["ReturnConsumedCapacity"] = request["ReturnConsumedCapacity"]
        if kinds == {True}:
            return self._transactions.transact_get_items(transaction, context)
        if request.get("ClientRequestToken"):
            transaction["ClientRequestToken"] = request["ClientRequestToken"]
        try:
            done = self._transactions.transact_write_items(transaction, context)
        except AwsError as error:
            reasons = error.fields.get("CancellationReasons")
            if reasons:
                for reason, statement in zip(reasons, statements, strict=True):
                    if statement.kind == "INSERT" and reason["Code"] == "ConditionalCheckFailed":
                        reason.clear()
                        reason.update({"Code": "DuplicateItem", "Message": _DUPLICATE})
                codes = ", ".join(reason["Code"] for reason in reasons)
                error.message = ("Transaction cancelled, please refer cancellation reasons for specific reasons "
                                 f"[{codes}]")
            raise
        return {"ConsumedCapacity": done["ConsumedCapacity"]} if "ConsumedCapacity" in done else {}
