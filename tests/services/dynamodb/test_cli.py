"""The AWS CLI against the local DynamoDB (`aws dynamodb … --endpoint-url`): the same wire
protocol, a different client (its own argument parsing, shorthand syntax, waiters, exit codes
and error printing). Expectations from the AWS CLI Command Reference (`aws dynamodb`) and the
DynamoDB API reference."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import unique

AWS = Path(sys.executable).with_name("aws")


def run(endpoint: str, *arguments: str, service: str = "dynamodb") -> subprocess.CompletedProcess:
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_CONFIG_FILE": os.devnull,
                   "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    command = [str(AWS), service, *arguments, "--endpoint-url", endpoint, "--output", "json"]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


def aws(endpoint: str, *arguments: str, service: str = "dynamodb") -> dict:
    done = run(endpoint, *arguments, service=service)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def refused(endpoint: str, *arguments: str) -> str:
    """The CLI's error line for a request the service refuses. The pip-installed CLI is version 1,
    which exits 255 for a service error (AWS CLI v1 user guide, "Command line return codes";
    version 2 uses 254); nothing is written to stdout."""
    done = run(endpoint, *arguments)
    assert (done.returncode, done.stdout) == (255, ""), (done.returncode, done.stdout, done.stderr)
    return done.stderr.strip()


def create_table(endpoint: str) -> str:
    name = unique("cli")
    created = aws(endpoint, "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
                  "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
                  "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE")
    assert created["TableDescription"]["TableName"] == name
    aws(endpoint, "wait", "table-exists", "--table-name", name)  # the CLI's waiter polls DescribeTable
    return name


def item(pk: str, sk: int, **extra: dict) -> str:
    return json.dumps({"pk": {"S": pk}, "sk": {"N": str(sk)}, **extra})


def test_items_query_and_scan(endpoint):
    name = create_table(endpoint)
    for number in (3, 1, 2):
        aws(endpoint, "put-item", "--table-name", name, "--item", item("a", number, v={"N": str(number * 10)}))
    aws(endpoint, "put-item", "--table-name", name, "--item", item("b", 1))
    got = aws(endpoint, "get-item", "--table-name", name, "--key", json.dumps({"pk": {"S": "a"}, "sk": {"N": "2"}}),
              "--projection-expression", "v")
    assert got == {"Item": {"v": {"N": "20"}}}
    # Query returns the partition's items in sort key order (API reference, Query: "Query results
    # are always sorted by the sort key value").
    answer = aws(endpoint, "query", "--table-name", name, "--key-condition-expression", "pk = :p AND sk >= :s",
                 "--expression-attribute-values", json.dumps({":p": {"S": "a"}, ":s": {"N": "2"}}))
    assert [entry["sk"]["N"] for entry in answer["Items"]] == ["2", "3"]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 2)
    # A filter applies after the read: Count is what passed, ScannedCount what was read.
    scanned = aws(endpoint, "scan", "--table-name", name, "--filter-expression", "attribute_exists(v)")
    assert (scanned["Count"], scanned["ScannedCount"]) == (3, 4)
    assert name in aws(endpoint, "list-tables")["TableNames"]


def test_update_item_with_expressions(endpoint):
    name = create_table(endpoint)
    key = json.dumps({"pk": {"S": "u"}, "sk": {"N": "1"}})
    aws(endpoint, "put-item", "--table-name", name, "--item", item("u", 1, n={"N": "5"}, tags={"SS": ["x"]}))
    # The CLI reference's update-item example: SET with names and values, --return-values ALL_NEW.
    updated = aws(endpoint, "update-item", "--table-name", name, "--key", key,
                  "--update-expression", "SET #n = #n + :d, created = if_not_exists(created, :now) "
                                         "ADD tags :t REMOVE gone",
                  "--expression-attribute-names", json.dumps({"#n": "n"}),
                  "--expression-attribute-values", json.dumps({":d": {"N": "2"}, ":now": {"S": "today"},
                                                               ":t": {"SS": ["y"]}}),
                  "--condition-expression", "attribute_exists(pk)",
                  "--return-values", "ALL_NEW")
    attributes = updated["Attributes"]
    assert attributes["n"] == {"N": "7"} and attributes["created"] == {"S": "today"}
    assert sorted(attributes["tags"]["SS"]) == ["x", "y"]
    # A condition that does not hold: ConditionalCheckFailedException, and the item is unchanged.
    error = refused(endpoint, "update-item", "--table-name", name, "--key", key, "--update-expression", "SET n = :z",
                    "--condition-expression", "n > :big",
                    "--expression-attribute-values", json.dumps({":z": {"N": "0"}, ":big": {"N": "100"}}))
    assert "(ConditionalCheckFailedException) when calling the UpdateItem operation: The conditional request failed" \
        in error
    assert aws(endpoint, "get-item", "--table-name", name, "--key", key)["Item"]["n"] == {"N": "7"}
    # Bad input is the service's ValidationException, named by its short code.
    error = refused(endpoint, "update-item", "--table-name", name, "--key", key, "--update-expression", "SET n = :v")
    assert "(ValidationException) when calling the UpdateItem operation: Invalid UpdateExpression: An expression " \
           "attribute value used in expression is not defined; attribute value: :v" in error


def test_transactions(endpoint, tmp_path):
    name = create_table(endpoint)
    aws(endpoint, "put-item", "--table-name", name, "--item", item("acct", 1, balance={"N": "10"}))
    transfer = [
        {"Update": {"TableName": name, "Key": {"pk": {"S": "acct"}, "sk": {"N": "1"}},
                    "UpdateExpression": "SET balance = balance - :a", "ConditionExpression": "balance >= :a",
                    "ExpressionAttributeValues": {":a": {"N": "6"}}}},
        {"Put": {"TableName": name, "Item": {"pk": {"S": "acct"}, "sk": {"N": "2"}, "balance": {"N": "6"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}}]
    request = tmp_path / "transfer.json"
    request.write_text(json.dumps(transfer))
    aws(endpoint, "transact-write-items", "--transact-items", f"file://{request}")
    got = aws(endpoint, "transact-get-items", "--transact-items", json.dumps(
        [{"Get": {"TableName": name, "Key": {"pk": {"S": "acct"}, "sk": {"N": str(sk)}}}} for sk in (1, 2)]))
    assert [response["Item"]["balance"]["N"] for response in got["Responses"]] == ["4", "6"]
    # Again: both conditions now fail, nothing is written; the reasons are in request order (API
    # reference, TransactWriteItems / TransactionCanceledException).
    error = refused(endpoint, "transact-write-items", "--transact-items", f"file://{request}")
    assert ("(TransactionCanceledException) when calling the TransactWriteItems operation: Transaction cancelled, "
            "please refer cancellation reasons for specific reasons [ConditionalCheckFailed, ConditionalCheckFailed]"
            in error)
    balance = aws(endpoint, "get-item", "--table-name", name, "--key",
                  json.dumps({"pk": {"S": "acct"}, "sk": {"N": "1"}}), "--consistent-read")
    assert balance["Item"]["balance"] == {"N": "4"}
    aws(endpoint, "delete-table", "--table-name", name)
    error = refused(endpoint, "describe-table", "--table-name", name)
    assert "(ResourceNotFoundException) when calling the DescribeTable operation" in error


def test_batches_statements_paging_ttl_and_streams(endpoint):
    name = unique("cli")
    created = aws(endpoint, "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
                  "--attribute-definitions", "AttributeName=pk,AttributeType=S",
                  "--key-schema", "AttributeName=pk,KeyType=HASH",
                  "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")
    stream_arn = created["TableDescription"]["LatestStreamArn"]
    writes = {name: [{"PutRequest": {"Item": {"pk": {"S": f"k{n}"}, "n": {"N": str(n)}}}} for n in range(5)]}
    assert aws(endpoint, "batch-write-item", "--request-items", json.dumps(writes))["UnprocessedItems"] == {}
    got = aws(endpoint, "batch-get-item", "--request-items",
              json.dumps({name: {"Keys": [{"pk": {"S": "k1"}}, {"pk": {"S": "k4"}}]}}))
    assert sorted(entry["n"]["N"] for entry in got["Responses"][name]) == ["1", "4"]
    # The CLI follows LastEvaluatedKey itself: one item per page, every item once.
    paged = aws(endpoint, "scan", "--table-name", name, "--page-size", "1")
    assert sorted(entry["pk"]["S"] for entry in paged["Items"]) == [f"k{n}" for n in range(5)]
    selected = aws(endpoint, "execute-statement", "--statement", f'SELECT n FROM "{name}" WHERE pk = ?',
                   "--parameters", json.dumps([{"S": "k3"}]))
    assert selected["Items"] == [{"n": {"N": "3"}}]
    aws(endpoint, "update-time-to-live", "--table-name", name,
        "--time-to-live-specification", "Enabled=true,AttributeName=expires")
    assert aws(endpoint, "describe-time-to-live", "--table-name", name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    # DynamoDB Streams through its own CLI command (`aws dynamodbstreams`): five INSERT records.
    shards = aws(endpoint, "describe-stream", "--stream-arn", stream_arn,
                 service="dynamodbstreams")["StreamDescription"]["Shards"]
    iterator = aws(endpoint, "get-shard-iterator", "--stream-arn", stream_arn, "--shard-id", shards[0]["ShardId"],
                   "--shard-iterator-type", "TRIM_HORIZON", service="dynamodbstreams")["ShardIterator"]
    records = aws(endpoint, "get-records", "--shard-iterator", iterator, service="dynamodbstreams")["Records"]
    assert [record["eventName"] for record in records] == ["INSERT"] * 5
    assert records[0]["dynamodb"]["NewImage"] == {"pk": {"S": "k0"}, "n": {"N": "0"}}
