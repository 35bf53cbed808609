"""The DynamoDB service as the server answers it on the wire: error `__type`s as DynamoDB sends
them, which boto3 still reads as the short code."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zlib

import pytest


def post(endpoint: str, operation: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(endpoint + "/", data=body, method="POST", headers={
        "X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, _checked(answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _checked(error.headers, error.read())


def _checked(headers, raw: bytes) -> dict:
    """The body, after checking the CRC32 DynamoDB puts in `x-amz-crc32` ("DynamoDB responses can
    include a X-Amz-Crc32 header with the CRC32 checksum value of the response body", AWS SDK for
    Go v2 documentation, DynamoDB customizations)."""
    assert headers["x-amz-crc32"] == str(zlib.crc32(raw))
    return json.loads(raw)


def test_error_types_are_namespaced_as_dynamodb_sends_them(endpoint, ddb, hash_table):
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "there"}})
    conditional = json.dumps({"TableName": hash_table, "Item": {"pk": {"S": "there"}},
                              "ConditionExpression": "attribute_not_exists(pk)"}).encode()
    # Recorded: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
    # "message":"The conditional request failed"}' (pynamodb/PynamoDB#1144).
    assert post(endpoint, "PutItem", conditional) == (400, {
        "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "message": "The conditional request failed"})
    status, body = post(endpoint, "DescribeTable", b'{"TableName": "no-such-table"}')
    assert (status, body["__type"]) == (400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
    status, body = post(endpoint, "GetItem", json.dumps({"TableName": hash_table, "Key": {"pk": {"N": "1"}}}).encode())
    assert (status, body["__type"]) == (400, "com.amazon.coral.validate#ValidationException")
    # The framework's own answers (dynalite's recordings of DynamoDB).
    status, body = post(endpoint, "ListTables", b"{not json")
    assert (status, body["__type"]) == (400, "com.amazon.coral.service#SerializationException")
    status, body = post(endpoint, "NoSuchOperation", b"{}")
    assert (status, body["__type"]) == (400, "com.amazon.coral.service#UnknownOperationException")


def test_successful_answers_carry_the_checksum_too(endpoint, hash_table):
    status, body = post(endpoint, "DescribeTable", json.dumps({"TableName": hash_table}).encode())
    assert status == 200 and body["Table"]["TableName"] == hash_table


def test_boto3_reads_the_short_codes(ddb, hash_table):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as raised:
        ddb.describe_table(TableName="no-such-table")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ddb.exceptions.ClientError) as raised:
        ddb.get_item(TableName=hash_table, Key={"pk": {"N": "1"}})
    assert raised.value.response["Error"]["Code"] == "ValidationException"
