"""The model-driven first checks, and their order (recorded: nubo-db/dynamodb-conformance
tests/tier3/validation-ordering and error-messages)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def message_of(call, **kwargs) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    return str(raised.value.response["Error"]["Message"])


def test_a_bad_table_name_is_reported_alone(raw_ddb):
    message = message_of(raw_ddb.put_item, TableName="", ReturnValues="INVALID", Item={})
    assert message.startswith("1 validation error detected:")
    assert "tablename" in message.lower() and "returnvalues" not in message.lower()


def test_several_bad_enums_are_reported_together(raw_ddb, hash_table):
    message = message_of(raw_ddb.put_item, TableName=hash_table, Item={"pk": {"S": "x"}},
                         ReturnConsumedCapacity="INVALID", ReturnItemCollectionMetrics="INVALID", ReturnValues="INVALID")
    assert message.startswith("3 validation errors detected:")
    assert "returnConsumedCapacity" in message and "returnItemCollectionMetrics" in message
    assert ("Value 'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
            "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]") in message


def test_required_members_and_java_rendering(raw_ddb):
    assert message_of(raw_ddb.put_item, Item={"pk": {"S": "x"}}) == (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
    assert message_of(raw_ddb.create_table, AttributeDefinitions=[], KeySchema=[]) == (
        "The parameter 'TableName' is required but was not present in the request")
    assert message_of(raw_ddb.create_table, TableName="three-keys", BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "extra")],
                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"},
                                 {"AttributeName": "extra", "KeyType": "RANGE"}]) == (
        "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), "
        "KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName=extra, keyType=RANGE)]' "
        "at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2")
    assert message_of(raw_ddb.create_table, TableName="bad-key-type", BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      KeySchema=[{"AttributeName": "pk", "KeyType": "INVALID"}]) == (
        "1 validation error detected: Value 'INVALID' at 'keySchema.1.member.keyType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HASH, RANGE]")


def test_limit_texts_differ_between_query_and_scan(raw_ddb, hash_table):
    # Both recorded: nubo-db/dynamodb-conformance query.test.ts and scan.test.ts.
    assert message_of(raw_ddb.scan, TableName=hash_table, Limit=0) == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1")
    assert message_of(raw_ddb.query, TableName=hash_table, Limit=0, KeyConditionExpression="pk = :v",
                      ExpressionAttributeValues={":v": {"S": "x"}}) == (
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater "
        "than or equal to 1")


def test_batch_write_request_items(raw_ddb, hash_table):
    # Recorded: nubo-db/dynamodb-conformance batchWriteItem.test.ts.
    assert message_of(raw_ddb.batch_write_item, RequestItems={}) == "The requestItems parameter is required for BatchWriteItem"
    message = message_of(raw_ddb.batch_write_item, RequestItems={hash_table: [
        {"PutRequest": {"Item": {"pk": {"S": f"bw-{n}"}}}} for n in range(26)]})
    assert message.startswith(f"1 validation error detected: Value '{{{hash_table}=[")
    assert message.endswith("]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                            "[Member must have length less than or equal to 25, Member must have length greater than "
                            "or equal to 1]")
    assert message_of(raw_ddb.batch_write_item, RequestItems={hash_table: [{"PutRequest": {"Item": {"pk": {"N": "5"}}}}]}
                      ) == "The provided key element does not match the schema"


def test_update_item_reports_only_its_first_error(raw_ddb, hash_table):
    message = message_of(raw_ddb.update_item, TableName=hash_table, Key={"pk": {"S": "x"}}, ReturnValues="INVALID",
                         ReturnConsumedCapacity="INVALID")
    assert message.startswith("1 validation error detected:") and "enum value set" in message
