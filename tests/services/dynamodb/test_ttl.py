"""The time-to-live sweeper (AWS developer guide, "Time to Live (TTL)")."""

from __future__ import annotations

from statewright.services.common import RequestContext
from statewright.services.dynamodb import DynamoDbService

CONTEXT = RequestContext()


def test_expired_items_stay_readable_until_swept(tmp_path):
    now = [1_700_000_000.0]
    service = DynamoDbService(tmp_path, clock=lambda: now[0], ttl_interval=0)
    try:
        service.handle("CreateTable", {"TableName": "ttl-table", "BillingMode": "PAY_PER_REQUEST",
                                       "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
                                       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, CONTEXT)
        service.handle("UpdateTimeToLive", {"TableName": "ttl-table", "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "expires"}}, CONTEXT)
        items = {"past": {"N": str(now[0] - 1)}, "future": {"N": str(now[0] + 3600)}, "text": {"S": "1"},
                 # More than five years ago: AWS leaves these alone.
                 "ancient": {"N": str(now[0] - 6 * 365 * 24 * 3600)}}
        for key, expires in items.items():
            service.handle("PutItem", {"TableName": "ttl-table", "Item": {"pk": {"S": key}, "expires": expires}}, CONTEXT)
        service.handle("PutItem", {"TableName": "ttl-table", "Item": {"pk": {"S": "none"}}}, CONTEXT)

        def keys() -> set[str]:
            scan = service.handle("Scan", {"TableName": "ttl-table"}, CONTEXT)
            return {item["pk"]["S"] for item in scan["Items"]}

        assert "past" in keys()  # expired, not yet deleted: still read, as on AWS
        assert service.sweeper.sweep() == 1
        assert keys() == {"future", "text", "ancient", "none"}
        now[0] += 7200
        assert service.sweeper.sweep() == 1
        assert keys() == {"text", "ancient", "none"}
        # TTL deletions show in the stream as the service's (AWS developer guide, "DynamoDB Streams and TTL").
        arn = service.handle("DescribeTable", {"TableName": "ttl-table"}, CONTEXT)["Table"]["LatestStreamArn"]
        shard = service.handle("DescribeStream", {"StreamArn": arn}, CONTEXT)["StreamDescription"]["Shards"][0]
        iterator = service.handle("GetShardIterator", {"StreamArn": arn, "ShardId": shard["ShardId"],
                                                       "ShardIteratorType": "TRIM_HORIZON"}, CONTEXT)["ShardIterator"]
        removals = [record for record in service.handle("GetRecords", {"ShardIterator": iterator}, CONTEXT)["Records"]
                    if record["eventName"] == "REMOVE"]
        assert [record["userIdentity"] for record in removals] == [
            {"type": "Service", "principalId": "dynamodb.amazonaws.com"}] * 2
    finally:
        service.close()


def test_the_background_sweeper_runs(tmp_path):
    import time

    service = DynamoDbService(tmp_path, ttl_interval=0.05)
    try:
        service.handle("CreateTable", {"TableName": "ttl-bg", "BillingMode": "PAY_PER_REQUEST",
                                       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, CONTEXT)
        service.handle("UpdateTimeToLive", {"TableName": "ttl-bg", "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "exp"}}, CONTEXT)
        service.handle("PutItem", {"TableName": "ttl-bg", "Item": {"pk": {"S": "x"}, "exp": {"N": str(int(time.time()) - 5)}}},
                       CONTEXT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "Item" not in service.handle("GetItem", {"TableName": "ttl-bg", "Key": {"pk": {"S": "x"}}}, CONTEXT):
                break
            time.sleep(0.05)
        assert "Item" not in service.handle("GetItem", {"TableName": "ttl-bg", "Key": {"pk": {"S": "x"}}}, CONTEXT)
    finally:
        service.close()


def test_big_tables_are_swept_a_slice_at_a_time(tmp_path):
    now = [1_700_000_000.0]
    service = DynamoDbService(tmp_path, clock=lambda: now[0], ttl_interval=0)
    try:
        service.handle("CreateTable", {"TableName": "ttl-slices", "BillingMode": "PAY_PER_REQUEST",
                                       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, CONTEXT)
        service.handle("UpdateTimeToLive", {"TableName": "ttl-slices", "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "exp"}}, CONTEXT)
        for number in range(25):
            service.handle("PutItem", {"TableName": "ttl-slices", "Item": {
                "pk": {"S": f"k{number}"}, "exp": {"N": str(now[0] - 10)}}}, CONTEXT)
        service.sweeper.scan_limit = 10
        assert [service.sweeper.sweep() for _ in range(4)] == [10, 10, 5, 0]
        assert service.handle("Scan", {"TableName": "ttl-slices"}, CONTEXT)["Count"] == 0
    finally:
        service.close()
