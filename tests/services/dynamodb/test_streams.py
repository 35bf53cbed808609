"""DynamoDB Streams through boto3's `dynamodbstreams` client (AWS API reference, DynamoDB
Streams; record shapes as in the developer guide, "Change data capture for DynamoDB Streams")."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from .conftest import unique


@pytest.fixture(scope="module")
def streams(endpoint):
    return boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 0}))


def make_table(ddb, view: str) -> tuple[str, str]:
    name = unique("streamed")
    answer = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    return name, answer["TableDescription"]["LatestStreamArn"]


def records(streams, arn: str, kind: str = "TRIM_HORIZON") -> list[dict]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind)["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def test_insert_modify_remove_with_both_images(ddb, streams):
    name, arn = make_table(ddb, "NEW_AND_OLD_IMAGES")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})  # unchanged: no record
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    found = records(streams, arn)
    assert [record["eventName"] for record in found] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (record["dynamodb"] for record in found)
    assert insert["Keys"] == {"pk": {"S": "a"}} and "OldImage" not in insert
    assert insert["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert remove["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove
    numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in found]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert all(record["eventSource"] == "aws:dynamodb" and record["awsRegion"] == "us-east-1" for record in found)


def test_keys_only_and_iterators(ddb, streams):
    name, arn = make_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "first"}, "secret": {"S": "x"}})
    assert records(streams, arn, "LATEST") == []
    found = records(streams, arn)
    assert found[0]["dynamodb"]["Keys"] == {"pk": {"S": "first"}}
    assert "NewImage" not in found[0]["dynamodb"]
    sequence = found[0]["dynamodb"]["SequenceNumber"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "second"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    after = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                       SequenceNumber=sequence)["ShardIterator"]
    page = streams.get_records(ShardIterator=after)
    assert [record["dynamodb"]["Keys"]["pk"]["S"] for record in page["Records"]] == ["second"]
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []


def test_transactions_write_records_and_list_streams(ddb, streams):
    name, arn = make_table(ddb, "NEW_IMAGE")
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {"pk": {"S": key}}}} for key in "xyz"])
    assert len(records(streams, arn)) == 3
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": arn.rsplit("/", 1)[1]}]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert (description["StreamStatus"], description["StreamViewType"]) == ("ENABLED", "NEW_IMAGE")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"


def test_unknown_stream(streams):
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn="arn:aws:dynamodb:us-east-1:123456789012:table/none/stream/x")
