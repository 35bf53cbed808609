"""The 400 KB limit on every write surface, as measured against AWS (eu-west-2, 2026-08-18/19:
nubo-db/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts): flat at 409,600 bytes
for puts, batch writes, transactions and PartiQL; standalone UpdateItem also charges what it
writes plus 3 bytes and 19 per SET."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

PUT_WORDING = "Item size has exceeded the maximum allowed size"
UPDATE_WORDING = "Item size to update has exceeded the maximum allowed size"


def padding(key: str, total: int) -> str:
    """A value for attribute `p` (or `b`) making {pk: key, p: value} exactly `total` bytes."""
    return "x" * (total - len("pk") - len(key) - len("p"))


def message_of(call, **kwargs) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return str(raised.value.response["Error"]["Message"])


def test_standalone_update_item_charges_what_it_writes(ddb, hash_table):
    # A one-byte key: ceiling = 409,600 + 3 (key) - 22 (3 + one SET) = 409,581.
    def update(key: str, total: int) -> None:
        ddb.update_item(TableName=hash_table, Key={"pk": {"S": key}}, UpdateExpression="SET p = :pad",
                        ExpressionAttributeValues={":pad": {"S": padding(key, total)}})

    update("K", 409_581)
    with pytest.raises(ClientError) as raised:
        update("L", 409_582)
    assert raised.value.response["Error"]["Message"] == UPDATE_WORDING


def test_transactions_measure_flat_and_split_put_from_update(ddb, hash_table):
    def transact(action: str, key: str, total: int) -> None:
        if action == "Put":
            item = {"pk": {"S": key}, "p": {"S": padding(key, total)}}
            ddb.transact_write_items(TransactItems=[{"Put": {"TableName": hash_table, "Item": item}}])
        else:
            ddb.transact_write_items(TransactItems=[{"Update": {
                "TableName": hash_table, "Key": {"pk": {"S": key}}, "UpdateExpression": "SET p = :pad",
                "ExpressionAttributeValues": {":pad": {"S": padding(key, total)}}}}])

    transact("Put", "tp", 409_600)
    assert message_of(lambda: transact("Put", "tq", 409_601)) == PUT_WORDING  # up front, not a cancellation
    transact("Update", "tu", 409_600)
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        transact("Update", "tv", 409_601)
    assert raised.value.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": UPDATE_WORDING}]


def test_batch_write_and_partiql(ddb, hash_table):
    def batch(key: str, total: int) -> None:
        ddb.batch_write_item(RequestItems={hash_table: [{"PutRequest": {"Item": {
            "pk": {"S": key}, "p": {"S": padding(key, total)}}}}]})

    batch("b1", 409_600)
    assert message_of(lambda: batch("b2", 409_601)) == PUT_WORDING

    def partiql_update(key: str, total: int) -> None:
        ddb.put_item(TableName=hash_table, Item={"pk": {"S": key}})
        ddb.execute_statement(Statement=f'UPDATE "{hash_table}" SET p = ? WHERE pk = ?',
                              Parameters=[{"S": padding(key, total)}, {"S": key}])

    partiql_update("q1", 409_600)  # flat: what standalone UpdateItem would refuse at this key
    assert message_of(lambda: partiql_update("q2", 409_601)) == UPDATE_WORDING
