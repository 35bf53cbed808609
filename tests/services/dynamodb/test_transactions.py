"""TransactWriteItems and TransactGetItems: all or nothing, reasons in request order,
idempotency tokens, racing transactions."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError


def put(table: str, key: str, **extra) -> dict:
    return {"Put": {"TableName": table, "Item": {"pk": {"S": key}, **extra}}}


def test_all_or_nothing_across_tables(ddb, hash_table, composite_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "exists"}})
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "checked"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": composite_table, "Item": {"pk": {"S": "new"}, "sk": {"N": "1"}}}},
            {"Put": {"TableName": hash_table, "Item": {"pk": {"S": "exists"}, "v": {"S": "over"}},
                     "ConditionExpression": "attribute_not_exists(pk)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"ConditionCheck": {"TableName": hash_table, "Key": {"pk": {"S": "checked"}},
                                "ConditionExpression": "attribute_exists(pk)"}}])
    response = raised.value.response
    # Recorded shape: nubo-db/dynamodb-conformance transactWriteItems.test.ts, boto/boto3#2657.
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                            "reasons [None, ConditionalCheckFailed, None]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"pk": {"S": "exists"}}},
        {"Code": "None"}]
    assert "Item" not in ddb.get_item(TableName=composite_table, Key={"pk": {"S": "new"}, "sk": {"N": "1"}})
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "exists"}})["Item"] == {"pk": {"S": "exists"}}


def test_successful_transaction_and_get(ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "gone"}})
    ddb.transact_write_items(TransactItems=[
        put(hash_table, "a", v={"N": "1"}),
        {"Update": {"TableName": hash_table, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"N": "2"}}}},
        {"Delete": {"TableName": hash_table, "Key": {"pk": {"S": "gone"}}}}])
    answer = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": hash_table, "Key": {"pk": {"S": key}}}} for key in ("a", "b", "gone")])
    assert answer["Responses"] == [{"Item": {"pk": {"S": "a"}, "v": {"N": "1"}}},
                                   {"Item": {"pk": {"S": "b"}, "v": {"N": "2"}}}, {}]


def test_validation(ddb, raw_ddb, hash_table):
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=[put(hash_table, "dup"), put(hash_table, "dup")])
    assert raised.value.response["Error"]["Message"] == "Transaction request cannot include multiple operations on one item"
    with pytest.raises(ClientError) as raised:
        raw_ddb.transact_write_items(TransactItems=[put(hash_table, f"k{n}") for n in range(101)])
    # AWS API reference, TransactWriteItems: up to 100 actions.
    assert raised.value.response["Error"]["Message"].endswith("Member must have length less than or equal to 100")
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": hash_table, "Item": {"pk": {"N": "5"}}}}])
    # Recorded: a wrongly typed key cancels with a ValidationError reason (nubo-db/dynamodb-conformance).
    assert raised.value.response["CancellationReasons"] == [{
        "Code": "ValidationError",
        "Message": "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"}]
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=[put("no-such-table", "x")])
    assert raised.value.response["Error"] == {"Code": "ResourceNotFoundException", "Message": "Requested resource not found"}


def test_client_request_token_makes_retries_idempotent(ddb, hash_table):
    request = dict(ClientRequestToken="token-1", TransactItems=[{"Update": {
        "TableName": hash_table, "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "ADD n :one",
        "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    ddb.transact_write_items(**request)
    ddb.transact_write_items(**request)  # a retry within 10 minutes: done once
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "counter"}})["Item"]["n"] == {"N": "1"}
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(ClientRequestToken="token-1", TransactItems=[put(hash_table, "other")])
    assert raised.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def test_racing_transfers_keep_the_total(ddb, hash_table):
    """Transfers between two accounts, conditional on funds, from many threads: the sum stays
    and no balance goes negative."""
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "acct-a"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "acct-b"}, "balance": {"N": "100"}})

    def transfer(source: str, target: str) -> None:
        for _ in range(15):
            try:
                ddb.transact_write_items(TransactItems=[
                    {"Update": {"TableName": hash_table, "Key": {"pk": {"S": source}},
                                "UpdateExpression": "SET balance = balance - :amount", "ConditionExpression": "balance >= :amount",
                                "ExpressionAttributeValues": {":amount": {"N": "7"}}}},
                    {"Update": {"TableName": hash_table, "Key": {"pk": {"S": target}},
                                "UpdateExpression": "SET balance = balance + :amount",
                                "ExpressionAttributeValues": {":amount": {"N": "7"}}}}])
            except ddb.exceptions.TransactionCanceledException:
                pass

    threads = [threading.Thread(target=transfer, args=pair) for pair in [("acct-a", "acct-b"), ("acct-b", "acct-a")] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    balances = [int(ddb.get_item(TableName=hash_table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]["balance"]["N"])
                for key in ("acct-a", "acct-b")]
    assert sum(balances) == 200
    assert min(balances) >= 0


def test_four_megabytes_per_transaction(ddb, hash_table):
    # Recorded: 10 items of 350 KB pass, 12 fail (nubo-db/dynamodb-conformance transactionLimits.test.ts).
    def items(prefix: str, count: int) -> list[dict]:
        return [put(hash_table, f"{prefix}{n}", payload={"S": "x" * 350_000}) for n in range(count)]

    ddb.transact_write_items(TransactItems=items("ok", 10))
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=items("big", 12))
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_transact_get_items_checks(ddb, raw_ddb, hash_table):
    # Recorded (nubo-db/dynamodb-conformance tests/tier3/error-messages/transactGetItems.test.ts):
    # a key that does not fit the table cancels with a ValidationError reason.
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        raw_ddb.transact_get_items(TransactItems=[{"Get": {"TableName": hash_table, "Key": {}}}])
    assert raised.value.response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons "
                                                         "for specific reasons [ValidationError]")
    assert [reason["Code"] for reason in raised.value.response["CancellationReasons"]] == ["ValidationError"]
    # The same item twice is a ValidationException (tests/tier2/transactions/transactGet.test.ts).
    with pytest.raises(ClientError) as raised:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": hash_table, "Key": {"pk": {"S": "twice"}}}}] * 2)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    # A bad projection is a plain ValidationException with the parser's text.
    with pytest.raises(ClientError) as raised:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": hash_table, "Key": {"pk": {"S": "x"}},
                                                       "ProjectionExpression": "!!!"}}])
    assert raised.value.response["Error"]["Message"] == 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"'
