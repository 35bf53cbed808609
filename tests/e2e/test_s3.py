"""S3 through the real server, on the same port as every other service: boto3 (path and
virtual-hosted style), presigned URLs, the AWS CLI, and a Task state calling aws-sdk:s3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

from .conftest import ROLE, wait_done


def s3_client(server, style: str = "path"):
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": style}, retries={"max_attempts": 0}))


def test_objects_round_trip_and_presigned_urls(server):
    s3 = s3_client(server)
    s3.create_bucket(Bucket="e2e-receipts")
    s3.put_object(Bucket="e2e-receipts", Key="2026/r 1.json", Body=b'{"total": 12.5}', ContentType="application/json")
    got = s3.get_object(Bucket="e2e-receipts", Key="2026/r 1.json")
    assert got["Body"].read() == b'{"total": 12.5}' and got["ContentType"] == "application/json"
    listed = s3.list_objects_v2(Bucket="e2e-receipts", Prefix="2026/")
    assert [item["Key"] for item in listed["Contents"]] == ["2026/r 1.json"]
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "e2e-receipts", "Key": "2026/r 1.json"},
                                    ExpiresIn=60)
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == b'{"total": 12.5}'
    missing = s3.exceptions.NoSuchKey
    try:
        s3.get_object(Bucket="e2e-receipts", Key="nothing")
    except missing as error:
        assert error.response["Error"]["Code"] == "NoSuchKey"
    else:
        raise AssertionError("NoSuchKey expected")


def test_the_aws_cli_copies_files(server, tmp_path):
    source = tmp_path / "invoice.txt"
    source.write_text("invoice 42\n")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    cli = [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint]
    for command in (["s3", "mb", "s3://e2e-cli"], ["s3", "cp", str(source), "s3://e2e-cli/docs/invoice.txt"],
                    ["s3", "cp", "s3://e2e-cli/docs/invoice.txt", str(tmp_path / "back.txt")]):
        done = subprocess.run(cli + command, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "back.txt").read_text() == "invoice 42\n"


def test_a_task_state_writes_and_reads_s3(server, sfn):
    s3_client(server).create_bucket(Bucket="e2e-sfn")
    definition = {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                "Parameters": {"Bucket": "e2e-sfn", "Key": "out.json", "Body.$": "$.order"}, "ResultPath": None,
                "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": "e2e-sfn", "Key": "out.json"}, "ResultSelector": {"body.$": "$.Body"},
                "Next": "Missing"},
        "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                    "Parameters": {"Bucket": "e2e-sfn", "Key": "none"}, "ResultPath": None,
                    "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.caught", "Next": "Done"}],
                    "End": True},
        "Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name="e2e-s3-task", definition=json.dumps(definition), roleArn=ROLE)
    run = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps({"order": {"id": 7}}))
    described = wait_done(sfn, run["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert json.loads(output["body"]) == {"id": 7}
    assert output["caught"]["Error"] == "S3.NoSuchKeyException"


def test_urls_presigned_by_a_lambda_function_are_verified(server):
    """Handlers sign with the local Lambda credentials; the server knows that secret, so a presigned
    PUT with Content-Type and Content-Length signed in refuses another type or size, as S3 does."""
    from statewright.services.awslambda import LOCAL_CREDENTIALS

    s3_client(server).create_bucket(Bucket="e2e-lambda-presigned")
    as_lambda = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                             aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                             aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                             aws_session_token=LOCAL_CREDENTIALS["AWS_SESSION_TOKEN"],
                             config=Config(signature_version="s3v4", retries={"max_attempts": 0}))
    url = as_lambda.generate_presigned_url("put_object", ExpiresIn=60, Params={
        "Bucket": "e2e-lambda-presigned", "Key": "receipt.png", "ContentType": "image/png", "ContentLength": 4})

    def put(body: bytes, content_type: str) -> int:
        request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            with error:
                assert b"SignatureDoesNotMatch" in error.read()
                return error.code

    assert put(b"\x89PNG", "text/html") == 403
    assert put(b"\x89PNG and more", "image/png") == 403
    assert put(b"\x89PNG", "image/png") == 200
