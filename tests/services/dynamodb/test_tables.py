"""The control plane through boto3: CreateTable's checks, DescribeTable, ListTables paging,
UpdateTable with a backfilled GSI, DeleteTable, tags, TTL, DescribeEndpoints, DescribeLimits."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import unique

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
DEFINITIONS = [{"AttributeName": "pk", "AttributeType": "S"}]


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]


def test_create_describe_delete(ddb):
    name = unique("life")
    created = ddb.create_table(TableName=name, AttributeDefinitions=DEFINITIONS, KeySchema=KEY,
                               ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
                               StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
                               SSESpecification={"Enabled": True}, Tags=[{"Key": "team", "Value": "a"}])
    description = created["TableDescription"]
    assert description["TableStatus"] == "CREATING"
    assert description["TableArn"] == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["SSEDescription"]["Status"] == "ENABLED"
    ddb.put_item(TableName=name, Item={"pk": {"S": "x"}, "v": {"S": "abc"}})
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["ItemCount"], table["TableSizeBytes"]) == (1, 2 + 1 + 1 + 3)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    assert error_of(ddb.describe_table, TableName=name) == {
        "Code": "ResourceNotFoundException", "Message": f"Requested resource not found: Table: {name} not found"}


def test_create_table_errors(ddb, raw_ddb, hash_table):
    assert error_of(ddb.create_table, TableName=hash_table, AttributeDefinitions=DEFINITIONS, KeySchema=KEY,
                    BillingMode="PAY_PER_REQUEST") == {"Code": "ResourceInUseException",
                                                       "Message": f"Table already exists: {hash_table}"}
    # Texts recorded against AWS (nubo-db/dynamodb-conformance createTable.test.ts).
    assert error_of(raw_ddb.create_table, TableName="ab", AttributeDefinitions=DEFINITIONS, KeySchema=KEY,
                    BillingMode="PAY_PER_REQUEST")["Message"] == (
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have "
        "length greater than or equal to 3")
    assert error_of(raw_ddb.create_table, TableName=unique(), BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "INVALID"}], KeySchema=KEY)["Message"] == (
        "1 validation error detected: Value 'INVALID' at 'attributeDefinitions.1.member.attributeType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [B, N, S]")
    assert error_of(ddb.create_table, TableName=unique(), BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=DEFINITIONS + [{"AttributeName": "x", "AttributeType": "S"}],
                    KeySchema=KEY, LocalSecondaryIndexes=[{
                        "IndexName": "lsi1", "KeySchema": KEY + [{"AttributeName": "x", "KeyType": "RANGE"}],
                        "Projection": {"ProjectionType": "ALL"}}])["Message"] == (
        "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required "
        "when specifying a LocalSecondaryIndex")
    assert error_of(ddb.create_table, TableName=unique(), AttributeDefinitions=DEFINITIONS, KeySchema=KEY,
                    BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=[
                        {"IndexName": "same", "KeySchema": KEY, "Projection": {"ProjectionType": "ALL"}},
                        {"IndexName": "same", "KeySchema": KEY, "Projection": {"ProjectionType": "ALL"}}])["Message"] == (
        "One or more parameter values were invalid: Duplicate index name: same")
    assert "Number of attributes in KeySchema does not exactly match" in error_of(
        ddb.create_table, TableName=unique(), KeySchema=KEY, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=DEFINITIONS + [{"AttributeName": "unused", "AttributeType": "S"}])["Message"]


def test_list_tables_pages(ddb):
    names = sorted(unique("list") for _ in range(5))
    for name in names:
        ddb.create_table(TableName=name, AttributeDefinitions=DEFINITIONS, KeySchema=KEY, BillingMode="PAY_PER_REQUEST")
    listed = []
    for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
        assert len(page["TableNames"]) <= 2
        listed += page["TableNames"]
    assert listed == sorted(listed)
    assert set(names) <= set(listed)


def test_update_table_adds_a_backfilled_index_and_removes_it(ddb, hash_table):
    for number in range(5):
        ddb.put_item(TableName=hash_table, Item={"pk": {"S": f"k{number}"}, "colour": {"S": "red" if number < 3 else "blue"}})
    answer = ddb.update_table(
        TableName=hash_table, AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-colour", "KeySchema": [
            {"AttributeName": "colour", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}])
    created = answer["TableDescription"]["GlobalSecondaryIndexes"][0]
    assert (created["IndexStatus"], created["Backfilling"]) == ("CREATING", True)
    index = ddb.describe_table(TableName=hash_table)["Table"]["GlobalSecondaryIndexes"][0]
    assert (index["IndexName"], index["IndexStatus"], index["ItemCount"]) == ("by-colour", "ACTIVE", 5)
    red = ddb.query(TableName=hash_table, IndexName="by-colour", KeyConditionExpression="colour = :c",
                    ExpressionAttributeValues={":c": {"S": "red"}})
    assert red["Count"] == 3
    ddb.update_table(TableName=hash_table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=hash_table)["Table"]
    ddb.update_table(TableName=hash_table, BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    assert ddb.describe_table(TableName=hash_table)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 3


def test_tags(ddb, hash_table):
    arn = ddb.describe_table(TableName=hash_table)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_time_to_live_settings(ddb, hash_table):
    assert ddb.describe_time_to_live(TableName=hash_table)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    answer = ddb.update_time_to_live(TableName=hash_table, TimeToLiveSpecification={"Enabled": True,
                                                                                    "AttributeName": "expires"})
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName=hash_table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}


def test_endpoints_and_limits(ddb):
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440
    limits = ddb.describe_limits()
    assert limits["TableMaxWriteCapacityUnits"] == 40000


def test_deletion_protection(ddb):
    name = unique("protected")
    ddb.create_table(TableName=name, AttributeDefinitions=DEFINITIONS, KeySchema=KEY, BillingMode="PAY_PER_REQUEST",
                     DeletionProtectionEnabled=True)
    assert "protected against deletion" in error_of(ddb.delete_table, TableName=name)["Message"]
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)
