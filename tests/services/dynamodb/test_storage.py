"""Durability and concurrency: acknowledged writes survive a restart and `kill -9`; concurrent
conditional updates lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from statewright.services.common import AwsError, RequestContext
from statewright.services.dynamodb import DynamoDbService
from statewright.services.dynamodb.storage import DATABASE_NAME

CONTEXT = RequestContext()
TABLE = {"TableName": "durable", "BillingMode": "PAY_PER_REQUEST",
         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}]}


def test_data_survives_closing_and_reopening(tmp_path):
    service = DynamoDbService(tmp_path, ttl_interval=0)
    service.handle("CreateTable", TABLE, CONTEXT)
    service.handle("PutItem", {"TableName": "durable", "Item": {"pk": {"S": "a"}, "g": {"S": "x"}}}, CONTEXT)
    service.close()
    assert (tmp_path / DATABASE_NAME).exists()
    reopened = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        item = reopened.handle("GetItem", {"TableName": "durable", "Key": {"pk": {"S": "a"}}}, CONTEXT)["Item"]
        assert item == {"pk": {"S": "a"}, "g": {"S": "x"}}
        found = reopened.handle("Query", {"TableName": "durable", "IndexName": "by-g", "KeyConditionExpression": "g = :g",
                                          "ExpressionAttributeValues": {":g": {"S": "x"}}}, CONTEXT)
        assert found["Count"] == 1
    finally:
        reopened.close()


def test_acknowledged_writes_survive_kill_9(tmp_path):
    """A child process writes items and reports each acknowledged one; we SIGKILL it mid-stream
    and every reported item must be there after reopening (synchronous=FULL, commit before the
    answer)."""
    script = textwrap.dedent(f"""
        import sys
        from statewright.services.common import RequestContext
        from statewright.services.dynamodb import DynamoDbService
        service = DynamoDbService({str(tmp_path)!r}, ttl_interval=0)
        context = RequestContext()
        service.handle("CreateTable", {TABLE!r}, context)
        number = 0
        while True:
            service.handle("TransactWriteItems", {{"TransactItems": [
                {{"Put": {{"TableName": "durable", "Item": {{"pk": {{"S": f"k{{number}}"}}, "g": {{"S": "x"}}}}}}}},
                {{"Put": {{"TableName": "durable", "Item": {{"pk": {{"S": f"m{{number}}"}}}}}}}}]}}, context)
            print(number, flush=True)
            number += 1
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")})
    assert child.stdout is not None
    acknowledged = -1
    deadline = time.monotonic() + 30
    while acknowledged < 30 and time.monotonic() < deadline:
        acknowledged = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    service = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        for number in range(acknowledged + 1):
            for key in (f"k{number}", f"m{number}"):
                assert "Item" in service.handle("GetItem", {"TableName": "durable", "Key": {"pk": {"S": key}}}, CONTEXT)
        # A transaction is never half there, even the one the kill interrupted.
        scan = service.handle("Scan", {"TableName": "durable"}, CONTEXT)["Items"]
        k_items = {item["pk"]["S"][1:] for item in scan if item["pk"]["S"].startswith("k")}
        m_items = {item["pk"]["S"][1:] for item in scan if item["pk"]["S"].startswith("m")}
        assert k_items == m_items
    finally:
        service.close()


def test_concurrent_conditional_updates_lose_nothing(ddb, hash_table):
    """Optimistic locking from many clients: read the version, write with `version = :seen`,
    retry on ConditionalCheckFailed. Every successful write must be counted."""
    key = {"pk": {"S": "hot"}}
    ddb.put_item(TableName=hash_table, Item={**key, "version": {"N": "0"}, "count": {"N": "0"}})
    successes = []

    def worker() -> None:
        done = 0
        while done < 10:
            seen = ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]["version"]["N"]
            try:
                ddb.update_item(TableName=hash_table, Key=key,
                                UpdateExpression="SET version = version + :one, #c = #c + :one",
                                ConditionExpression="version = :seen", ExpressionAttributeNames={"#c": "count"},
                                ExpressionAttributeValues={":one": {"N": "1"}, ":seen": {"N": seen}})
                done += 1
            except ddb.exceptions.ConditionalCheckFailedException:
                continue
        successes.append(done)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item = ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]
    assert item["count"] == item["version"] == {"N": str(sum(successes))} == {"N": "80"}


def test_concurrent_add_loses_no_increment(service):
    service.handle("CreateTable", {"TableName": "adds", "BillingMode": "PAY_PER_REQUEST",
                                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, CONTEXT)

    def worker() -> None:
        for _ in range(50):
            service.handle("UpdateItem", {"TableName": "adds", "Key": {"pk": {"S": "n"}}, "UpdateExpression": "ADD n :one",
                                          "ExpressionAttributeValues": {":one": {"N": "1"}}}, CONTEXT)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    item = service.handle("GetItem", {"TableName": "adds", "Key": {"pk": {"S": "n"}}}, CONTEXT)["Item"]
    assert item["n"] == {"N": "500"}


def test_bad_input_never_crashes(service):
    for operation, request in [("PutItem", {"TableName": "adds", "Item": "not a map"}),
                               ("Query", {"TableName": "adds", "KeyConditionExpression": 5}),
                               ("GetItem", {"TableName": "adds", "Key": {"pk": {"Q": "x"}}}),
                               ("TransactWriteItems", {"TransactItems": [{"Put": "x"}]}),
                               ("NoSuchOperation", {})]:
        try:
            service.handle(operation, request, CONTEXT)
        except AwsError as error:
            assert error.code in ("ValidationException", "UnknownOperationException", "ResourceNotFoundException")
        else:
            raise AssertionError(f"{operation} accepted {request}")


def test_tables_belong_to_a_region_and_an_account(service):
    definition = {"TableName": "regional", "BillingMode": "PAY_PER_REQUEST",
                  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    east, west = RequestContext(region="us-east-1"), RequestContext(region="eu-west-1", account="210987654321")
    service.handle("CreateTable", definition, east)
    arn = service.handle("CreateTable", definition, west)["TableDescription"]["TableArn"]
    assert arn == "arn:aws:dynamodb:eu-west-1:210987654321:table/regional"
    service.handle("PutItem", {"TableName": "regional", "Item": {"pk": {"S": "only-east"}}}, east)
    assert "Item" not in service.handle("GetItem", {"TableName": "regional", "Key": {"pk": {"S": "only-east"}}}, west)
    # A table ARN names the table wherever the request comes from (AWS API reference: TableName
    # accepts the table's ARN).
    found = service.handle("GetItem", {"TableName": "arn:aws:dynamodb:us-east-1:123456789012:table/regional",
                                       "Key": {"pk": {"S": "only-east"}}}, west)
    assert found["Item"] == {"pk": {"S": "only-east"}}
