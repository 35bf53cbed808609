"""PutItem, GetItem, UpdateItem, DeleteItem through boto3 over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response["Error"]


def test_put_get_round_trip_of_every_type(ddb, hash_table):
    item = {"pk": {"S": "all"}, "s": {"S": "ü"}, "n": {"N": "00042.10"}, "b": {"B": b"\x00\xff"},
            "t": {"BOOL": False}, "z": {"NULL": True}, "m": {"M": {"a": {"L": [{"S": "x"}]}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x01", b"\x02"]}, "e": {"S": ""}}
    ddb.put_item(TableName=hash_table, Item=item)
    got = ddb.get_item(TableName=hash_table, Key={"pk": {"S": "all"}}, ConsistentRead=True)["Item"]
    assert got == {**item, "n": {"N": "42.1"}}  # numbers come back canonical


def test_resource_api_with_conditions(resource, hash_table):
    table = resource.Table(hash_table)
    table.put_item(Item={"pk": "r", "count": 1, "tags": {"a", "b"}})
    table.put_item(Item={"pk": "r", "count": 2}, ConditionExpression=Attr("count").eq(1) & Attr("tags").contains("a"))
    assert table.get_item(Key={"pk": "r"})["Item"] == {"pk": "r", "count": Decimal(2)}
    with pytest.raises(ClientError) as raised:
        table.put_item(Item={"pk": "r"}, ConditionExpression=Attr("pk").not_exists())
    assert raised.value.response["Error"] == {"Code": "ConditionalCheckFailedException",
                                              "Message": "The conditional request failed"}


def test_condition_failure_can_return_the_item(ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "c"}, "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as raised:
        ddb.delete_item(TableName=hash_table, Key={"pk": {"S": "c"}}, ConditionExpression="v = :two",
                        ExpressionAttributeValues={":two": {"N": "2"}}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    # AWS API reference, DeleteItem: ReturnValuesOnConditionCheckFailure=ALL_OLD returns the item.
    assert raised.value.response["Item"] == {"pk": {"S": "c"}, "v": {"N": "1"}}


def test_return_values(ddb, hash_table):
    key = {"pk": {"S": "rv"}}
    assert "Attributes" not in ddb.put_item(TableName=hash_table, Item={**key, "a": {"N": "1"}, "b": {"S": "x"}},
                                            ReturnValues="ALL_OLD")
    old = ddb.put_item(TableName=hash_table, Item={**key, "a": {"N": "2"}, "b": {"S": "x"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"]["a"] == {"N": "1"}
    update = dict(TableName=hash_table, Key=key, UpdateExpression="SET a = a + :one",
                  ExpressionAttributeValues={":one": {"N": "1"}})
    assert ddb.update_item(**update, ReturnValues="UPDATED_OLD")["Attributes"] == {"a": {"N": "2"}}
    assert ddb.update_item(**update, ReturnValues="UPDATED_NEW")["Attributes"] == {"a": {"N": "4"}}
    assert ddb.update_item(**update, ReturnValues="ALL_NEW")["Attributes"] == {**key, "a": {"N": "5"}, "b": {"S": "x"}}
    assert ddb.update_item(**update, ReturnValues="ALL_OLD")["Attributes"]["a"] == {"N": "5"}
    assert ddb.delete_item(TableName=hash_table, Key=key, ReturnValues="ALL_OLD")["Attributes"]["a"] == {"N": "6"}
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key)
    # PutItem takes only NONE and ALL_OLD (AWS API reference, PutItem: ReturnValues).
    assert error_of(ddb.put_item, TableName=hash_table, Item=key, ReturnValues="ALL_NEW")["Message"] == \
        "Return values set to invalid value"


def test_update_creates_the_item_and_protects_the_key(ddb, hash_table):
    ddb.update_item(TableName=hash_table, Key={"pk": {"S": "new"}}, UpdateExpression="ADD hits :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "new"}})["Item"]["hits"] == {"N": "1"}
    # Recorded: nubo-db/dynamodb-conformance updateItem.test.ts.
    assert error_of(ddb.update_item, TableName=hash_table, Key={"pk": {"S": "new"}}, UpdateExpression="SET pk = :v",
                    ExpressionAttributeValues={":v": {"S": "x"}})["Message"] == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")


def test_key_errors(ddb, hash_table, composite_table):
    # Texts recorded against AWS: nubo-db/dynamodb-conformance putItem/updateItem/transactWriteItems tests.
    assert error_of(ddb.put_item, TableName=hash_table, Item={"pk": {"N": "5"}})["Message"] == (
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
    assert error_of(ddb.put_item, TableName=hash_table, Item={"other": {"S": "x"}})["Message"] == (
        "One or more parameter values were invalid: Missing the key pk in the item")
    assert error_of(ddb.put_item, TableName=hash_table, Item={"pk": {"S": ""}})["Message"] == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
        "empty string value. Key: pk")
    assert error_of(ddb.get_item, TableName=composite_table, Key={"pk": {"S": "x"}})["Message"] == (
        "The provided key element does not match the schema")
    assert error_of(ddb.put_item, TableName=composite_table, Item={"pk": {"S": "x"}, "sk": {"N": "1"},
                                                                   "l": {"N": "5"}})["Message"] == (
        "One or more parameter values were invalid: Type mismatch for Index Key l Expected: S Actual: N "
        "IndexName: by-l")


def test_missing_table_and_bad_names(ddb):
    # Recorded: nubo-db/dynamodb-conformance transactWriteItems.test.ts / putItem.test.ts.
    assert error_of(ddb.get_item, TableName="no-such-table", Key={"pk": {"S": "x"}}) == {
        "Code": "ResourceNotFoundException", "Message": "Requested resource not found"}
    assert error_of(ddb.put_item, TableName="bad table!@#", Item={"pk": {"S": "x"}})["Message"] == (
        "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def test_expression_errors_reach_the_client(ddb, hash_table):
    assert error_of(ddb.put_item, TableName=hash_table, Item={"pk": {"S": "e"}},
                    ExpressionAttributeValues={":v": {"S": "unused"}})["Message"] == (
        "ExpressionAttributeValues can only be specified when using expressions")
    assert error_of(ddb.put_item, TableName=hash_table, Item={"pk": {"S": "e"}}, Expected={"pk": {"Exists": False}},
                    ConditionExpression="attribute_not_exists(pk)")["Message"] == (
        "Can not use both expression and non-expression parameters in the same request: Non-expression "
        "parameters: {Expected} Expression parameters: {ConditionExpression}")
    assert error_of(ddb.update_item, TableName=hash_table, Key={"pk": {"S": "e"}}, UpdateExpression="SET a = :v, b",
                    ExpressionAttributeValues={":v": {"S": "x"}})["Message"] == (
        'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "b"')


def test_item_size_and_number_limits(ddb, hash_table):
    big = "x" * (409_600 - len("pk") - len("k") - len("p"))
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "k"}, "p": {"S": big}})
    assert error_of(ddb.put_item, TableName=hash_table, Item={"pk": {"S": "k"}, "p": {"S": big + "x"}})["Message"] == (
        "Item size has exceeded the maximum allowed size")
    assert "38 significant digits" in error_of(
        ddb.put_item, TableName=hash_table, Item={"pk": {"S": "k"}, "n": {"N": "1" * 39}})["Message"]
    assert error_of(ddb.update_item, TableName=hash_table, Key={"pk": {"S": "k"}}, UpdateExpression="SET n = :a + :b",
                    ExpressionAttributeValues={":a": {"N": "9.9e125"}, ":b": {"N": "9.9e125"}})["Message"].startswith(
        "Number overflow")


def test_projection_and_attributes_to_get(ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "p"}, "a": {"M": {"b": {"S": "x"}, "c": {"S": "y"}}},
                                             "d": {"N": "1"}})
    got = ddb.get_item(TableName=hash_table, Key={"pk": {"S": "p"}}, ProjectionExpression="a.b, #d",
                       ExpressionAttributeNames={"#d": "d"})["Item"]
    assert got == {"a": {"M": {"b": {"S": "x"}}}, "d": {"N": "1"}}
    legacy = ddb.get_item(TableName=hash_table, Key={"pk": {"S": "p"}}, AttributesToGet=["d"])["Item"]
    assert legacy == {"d": {"N": "1"}}


def test_consumed_capacity(ddb, hash_table):
    answer = ddb.put_item(TableName=hash_table, Item={"pk": {"S": "cap"}, "p": {"S": "x" * 3000}},
                          ReturnConsumedCapacity="TOTAL")
    # AWS developer guide: one write unit per 1 KB (3 KB item: 3 units).
    assert answer["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 3.0}
    read = ddb.get_item(TableName=hash_table, Key={"pk": {"S": "cap"}}, ReturnConsumedCapacity="TOTAL")
    assert read["ConsumedCapacity"]["CapacityUnits"] == 0.5  # eventually consistent: half a 4 KB unit


def test_legacy_expected_and_attribute_updates(ddb, hash_table):
    key = {"pk": {"S": "legacy"}}
    ddb.put_item(TableName=hash_table, Item={**key, "v": {"N": "1"}}, Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=hash_table, Key=key, AttributeUpdates={
        "v": {"Action": "ADD", "Value": {"N": "2"}}, "s": {"Action": "PUT", "Value": {"S": "x"}}},
        Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})
    assert ddb.get_item(TableName=hash_table, Key=key)["Item"] == {**key, "v": {"N": "3"}, "s": {"S": "x"}}
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.delete_item(TableName=hash_table, Key=key, Expected={"v": {"Value": {"N": "9"}}})
    ddb.update_item(TableName=hash_table, Key=key, AttributeUpdates={"s": {"Action": "DELETE"}})
    assert "s" not in ddb.get_item(TableName=hash_table, Key=key)["Item"]


def test_projection_syntax_error_text(ddb, hash_table):
    # Recorded: nubo-db/dynamodb-conformance getItem.test.ts.
    assert error_of(ddb.get_item, TableName=hash_table, Key={"pk": {"S": "x"}},
                    ProjectionExpression="!!! INVALID !!!")["Message"] == (
        'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"')


def test_item_collection_metrics_and_limit(ddb, composite_table, monkeypatch):
    from statewright.services.dynamodb import items

    answer = ddb.put_item(TableName=composite_table, Item={"pk": {"S": "coll"}, "sk": {"N": "1"}},
                          ReturnItemCollectionMetrics="SIZE")
    # AWS API reference, PutItem: ItemCollectionMetrics for tables with local secondary indexes.
    assert answer["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "coll"}},
                                               "SizeEstimateRangeGB": [0.0, 1.0]}
    # The 10 GB limit, scaled down so a test can reach it: the write that crosses it is refused.
    monkeypatch.setattr(items, "MAX_COLLECTION_BYTES", 1000)
    with pytest.raises(ddb.exceptions.ItemCollectionSizeLimitExceededException):
        ddb.put_item(TableName=composite_table, Item={"pk": {"S": "coll"}, "sk": {"N": "2"}, "p": {"S": "x" * 1000}})
    assert "Item" not in ddb.get_item(TableName=composite_table, Key={"pk": {"S": "coll"}, "sk": {"N": "2"}})


def test_deleting_from_a_missing_item_does_not_create_it(ddb, hash_table):
    # Recorded against DynamoDB: scylladb/scylladb#5862.
    ddb.update_item(TableName=hash_table, Key={"pk": {"S": "ghost"}}, UpdateExpression="REMOVE a")
    ddb.update_item(TableName=hash_table, Key={"pk": {"S": "ghost"}}, AttributeUpdates={"a": {"Action": "DELETE"}})
    assert "Item" not in ddb.get_item(TableName=hash_table, Key={"pk": {"S": "ghost"}})
    ddb.update_item(TableName=hash_table, Key={"pk": {"S": "empty-update"}})
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "empty-update"}})["Item"] == {"pk": {"S": "empty-update"}}


def test_legacy_comparison_operators(ddb, hash_table):
    key = {"pk": {"S": "ops"}}
    ddb.put_item(TableName=hash_table, Item={**key, "n": {"N": "5"}, "s": {"S": "hello"}, "tags": {"SS": ["a"]}})

    def holds(expected: dict, operator: str | None = None) -> bool:
        try:
            ddb.update_item(TableName=hash_table, Key=key, AttributeUpdates={"touched": {"Action": "PUT",
                                                                                       "Value": {"BOOL": True}}},
                            Expected=expected, **({"ConditionalOperator": operator} if operator else {}))
            return True
        except ddb.exceptions.ConditionalCheckFailedException:
            return False

    # AWS developer guide, "Legacy conditional parameters: Expected" (ComparisonOperator semantics).
    assert holds({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}})
    assert holds({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "4"}, {"N": "5"}]}})
    assert holds({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}})
    assert holds({"tags": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}})
    assert holds({"tags": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "b"}]}})
    assert holds({"missing": {"ComparisonOperator": "NULL"}})
    assert not holds({"n": {"ComparisonOperator": "NOT_NULL"}, "missing": {"ComparisonOperator": "NOT_NULL"}})
    assert holds({"n": {"ComparisonOperator": "NOT_NULL"}, "missing": {"ComparisonOperator": "NOT_NULL"}}, "OR")
    assert not holds({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}})
