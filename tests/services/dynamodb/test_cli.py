"""The AWS CLI against the local DynamoDB: the same wire protocol, a different client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import unique


def aws(endpoint: str, *arguments: str) -> dict:
    command = [str(Path(sys.executable).with_name("aws")), "dynamodb", *arguments, "--endpoint-url", endpoint,
               "--output", "json"]
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_round_trip(endpoint):
    name = unique("cli")
    aws(endpoint, "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE")
    for number in (3, 1, 2):
        aws(endpoint, "put-item", "--table-name", name, "--item", json.dumps({"pk": {"S": "a"}, "sk": {"N": str(number)}}))
    answer = aws(endpoint, "query", "--table-name", name, "--key-condition-expression", "pk = :p",
                 "--expression-attribute-values", json.dumps({":p": {"S": "a"}}))
    assert [item["sk"]["N"] for item in answer["Items"]] == ["1", "2", "3"]
    assert name in aws(endpoint, "list-tables")["TableNames"]
