"""Transaction conflicts: real boto3 clients on other threads run into a TransactWriteItems that
is under way.

AWS developer guide, "Transaction conflict handling in DynamoDB": "A PutItem, UpdateItem, or
DeleteItem request for an item conflicts with an ongoing TransactWriteItems request that
includes the same item"; "An item within a TransactWriteItems request is part of another ongoing
TransactWriteItems request"; "An item within a TransactGetItems request is part of an ongoing
TransactWriteItems ... request". "When a PutItem, UpdateItem, or DeleteItem request is rejected,
the request fails with a TransactionConflictException. If any item-level request within
TransactWriteItems or TransactGetItems is rejected, the request fails with a
TransactionCanceledException." AWS API reference, TransactWriteItems (CancellationReasons):
"Code: TransactionConflict, Message: Transaction is ongoing for the item."

The transaction is held between prepare and commit by the service's `before_commit` seam, so
the overlap is certain rather than a matter of timing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from statewright.services.dynamodb.in_flight import InFlight

CONFLICT = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}


def key(value: str) -> dict:
    return {"pk": {"S": value}}


@contextmanager
def transaction_under_way(service, ddb, request: dict) -> Iterator[dict]:
    """Starts `request` (TransactWriteItems) on another thread and yields once it has claimed its
    items and waits to commit; lets it commit on leaving and hands over its outcome."""
    prepared, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold(seen: dict) -> None:
        if seen.get("ClientRequestToken") == request.get("ClientRequestToken"):
            prepared.set()
            release.wait(30)

    def run() -> None:
        try:
            outcome["answer"] = ddb.transact_write_items(**request)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            outcome["error"] = error

    service.transactions.before_commit = hold
    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert prepared.wait(30), "the transaction never reached its commit"
        yield outcome
    finally:
        release.set()
        worker.join(30)
        service.transactions.before_commit = None


def test_writes_to_an_item_in_a_transaction_conflict(service, ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={**key("held"), "n": {"N": "1"}})
    request = {"ClientRequestToken": "conflict-writes", "TransactItems": [
        {"Update": {"TableName": hash_table, "Key": key("held"), "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Put": {"TableName": hash_table, "Item": {**key("also-held"), "v": {"S": "tx"}}}}]}
    with transaction_under_way(service, ddb, request) as outcome:
        for attempt in (lambda: ddb.put_item(TableName=hash_table, Item={**key("held"), "n": {"N": "9"}}),
                        lambda: ddb.update_item(TableName=hash_table, Key=key("held"), UpdateExpression="SET n = :n",
                                                ExpressionAttributeValues={":n": {"N": "9"}}),
                        lambda: ddb.delete_item(TableName=hash_table, Key=key("also-held"))):
            with pytest.raises(ddb.exceptions.TransactionConflictException) as raised:
                attempt()
            assert raised.value.response["Error"]["Message"] == CONFLICT["Message"]
        # PartiQL writes are the same requests (ExecuteStatement lists TransactionConflictException;
        # BatchExecuteStatement reports the code per statement, BatchStatementError.Code).
        with pytest.raises(ddb.exceptions.TransactionConflictException):
            ddb.execute_statement(Statement=f"UPDATE \"{hash_table}\" SET n = 9 WHERE pk = 'held'")
        batch = ddb.batch_execute_statement(Statements=[
            {"Statement": f"DELETE FROM \"{hash_table}\" WHERE pk = 'also-held'"}])
        assert batch["Responses"][0]["Error"]["Code"] == "TransactionConflict"
        # Other items are not held: the writer is not blocked by the transaction under way.
        ddb.put_item(TableName=hash_table, Item={**key("free"), "v": {"S": "written"}})
        # Reads are not conflicts ("If an ongoing TransactWriteItems ... conflicts with a
        # concurrent GetItem request, both operations can succeed"); the write is not visible yet.
        assert ddb.get_item(TableName=hash_table, Key=key("held"))["Item"]["n"] == {"N": "1"}
    assert "error" not in outcome, outcome.get("error")
    items = {name: ddb.get_item(TableName=hash_table, Key=key(name)).get("Item") for name in ("held", "also-held")}
    assert items["held"]["n"] == {"N": "2"}  # the transaction's update, not the refused writes
    assert items["also-held"]["v"] == {"S": "tx"}
    ddb.put_item(TableName=hash_table, Item={**key("held"), "n": {"N": "9"}})  # free again after the commit


def test_a_second_transaction_on_a_held_item_is_cancelled(service, ddb, hash_table):
    request = {"ClientRequestToken": "conflict-transactions",
               "TransactItems": [{"Put": {"TableName": hash_table, "Item": {**key("first"), "v": {"S": "one"}}}}]}
    with transaction_under_way(service, ddb, request) as outcome:
        with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
            ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": hash_table, "Item": {**key("elsewhere"), "v": {"S": "two"}}}},
                {"Update": {"TableName": hash_table, "Key": key("first"), "UpdateExpression": "SET v = :v",
                            "ExpressionAttributeValues": {":v": {"S": "two"}}}}])
        assert raised.value.response["CancellationReasons"] == [{"Code": "None"}, CONFLICT]
        assert raised.value.response["Error"]["Message"] == (
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]")
        with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
            ddb.transact_get_items(TransactItems=[{"Get": {"TableName": hash_table, "Key": key(name)}}
                                                  for name in ("first", "elsewhere")])
        assert raised.value.response["CancellationReasons"] == [CONFLICT, {"Code": "None"}]
        # The same request again while the first is under way (AWS API reference,
        # TransactionInProgressException: "The transaction with the given request token is
        # already in progress").
        with pytest.raises(ddb.exceptions.TransactionInProgressException):
            ddb.transact_write_items(**request)
    assert "error" not in outcome, outcome.get("error")
    # Nothing of the cancelled transaction was written; the first one was.
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key("elsewhere"))
    assert ddb.get_item(TableName=hash_table, Key=key("first"))["Item"]["v"] == {"S": "one"}
    assert len(ddb.transact_get_items(TransactItems=[{"Get": {"TableName": hash_table, "Key": key("first")}}])
               ["Responses"]) == 1


def test_a_failed_commit_gives_its_items_back(service, ddb, hash_table):
    """A transaction cancelled by its condition leaves nothing claimed."""
    ddb.put_item(TableName=hash_table, Item=key("exists"))
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": hash_table, "Item": key("exists"),
                                                         "ConditionExpression": "attribute_not_exists(pk)"}}])
    ddb.put_item(TableName=hash_table, Item={**key("exists"), "v": {"S": "after"}})  # not held any more


def test_claims_are_all_or_nothing():
    in_flight = InFlight()
    first, second, third = (1, b"a", b""), (1, b"b", b""), (2, b"a", b"")
    assert in_flight.claim([first, second], "t1") is None
    assert in_flight.claim([third, second]) == [False, True]
    assert in_flight.held([third]) == [False]  # the refused claim took nothing
    in_flight.release([first, second], "t1")
    assert in_flight.claim([third, second], "t1") is None
