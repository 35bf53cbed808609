"""BatchGetItem and BatchWriteItem: limits, duplicates, projections."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]


def test_batch_write_then_get(ddb, hash_table, composite_table):
    ddb.batch_write_item(RequestItems={
        hash_table: [{"PutRequest": {"Item": {"pk": {"S": f"b{n}"}, "v": {"N": str(n)}}}} for n in range(10)],
        composite_table: [{"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "1"}}}}]})
    answer = ddb.batch_get_item(RequestItems={
        hash_table: {"Keys": [{"pk": {"S": f"b{n}"}} for n in range(12)], "ProjectionExpression": "v"},
        composite_table: {"Keys": [{"pk": {"S": "c"}, "sk": {"N": "1"}}]}})
    assert sorted(int(item["v"]["N"]) for item in answer["Responses"][hash_table]) == list(range(10))
    assert answer["Responses"][composite_table] == [{"pk": {"S": "c"}, "sk": {"N": "1"}}]
    assert answer["UnprocessedKeys"] == {}
    result = ddb.batch_write_item(RequestItems={hash_table: [{"DeleteRequest": {"Key": {"pk": {"S": f"b{n}"}}}}
                                                             for n in range(5)]})
    assert result["UnprocessedItems"] == {}
    assert ddb.scan(TableName=hash_table, Select="COUNT")["Count"] == 5


def test_batch_limits_and_duplicates(ddb, raw_ddb, hash_table):
    other_table = hash_table + "-other"
    ddb.create_table(TableName=other_table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    # AWS API reference, BatchGetItem: at most 100 items; BatchWriteItem: at most 25 requests.
    # Recorded: nubo-db/dynamodb-conformance batchGetItem.test.ts (per table), and across tables.
    assert error_of(raw_ddb.batch_get_item, RequestItems={hash_table: {"Keys": [{"pk": {"S": f"k{n}"}} for n in range(101)]}}
                    )["Message"] == (f"1 validation error detected: Value at 'RequestItems.{hash_table}.member.Keys' "
                                     "failed to satisfy constraint: Member must have length less than or equal to 100")
    assert error_of(ddb.batch_get_item, RequestItems={
        hash_table: {"Keys": [{"pk": {"S": f"k{n}"}} for n in range(60)]},
        other_table: {"Keys": [{"pk": {"S": f"k{n}"}} for n in range(41)]}})["Message"] == (
        "Too many items requested for the BatchGetItem call")
    assert "Member must have length less than or equal to 25" in error_of(
        raw_ddb.batch_write_item, RequestItems={hash_table: [{"PutRequest": {"Item": {"pk": {"S": f"k{n}"}}}}
                                                             for n in range(26)]})["Message"]
    assert error_of(ddb.batch_write_item, RequestItems={hash_table: [{"PutRequest": {"Item": {"pk": {"S": "same"}}}},
                                                                     {"DeleteRequest": {"Key": {"pk": {"S": "same"}}}}]}
                    )["Message"] == "Provided list of item keys contains duplicates"
    assert error_of(ddb.batch_get_item, RequestItems={hash_table: {"Keys": [{"pk": {"S": "d"}}, {"pk": {"S": "d"}}]}}
                    )["Message"] == "Provided list of item keys contains duplicates"


def test_batch_write_is_all_or_nothing_on_bad_input(ddb, hash_table):
    with pytest.raises(ClientError):
        ddb.batch_write_item(RequestItems={hash_table: [{"PutRequest": {"Item": {"pk": {"S": "fine"}}}},
                                                        {"PutRequest": {"Item": {"pk": {"N": "1"}}}}]})
    assert "Item" not in ddb.get_item(TableName=hash_table, Key={"pk": {"S": "fine"}})
