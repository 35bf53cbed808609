"""STS through the real server: the first service on the protocol layer (awsQuery), for boto3
and the AWS CLI, in the region and partition of the request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3


def test_get_caller_identity_with_boto3(server):
    for region, partition in (("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")):
        sts = boto3.client("sts", endpoint_url=server.endpoint, region_name=region,
                           aws_access_key_id="test", aws_secret_access_key="test")
        identity = sts.get_caller_identity()
        assert identity["Account"] == "123456789012"
        assert identity["Arn"] == f"arn:{partition}:iam::123456789012:root"


def test_get_caller_identity_with_the_aws_cli(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="eu-west-1")
    done = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--endpoint-url",
                           server.endpoint, "--output", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == "123456789012"


def test_an_unknown_sts_action_is_an_aws_error(server):
    sts = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    try:
        sts.get_session_token()
    except sts.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "InvalidAction"
        assert "GetSessionToken" in error.response["Error"]["Message"]
    else:
        raise AssertionError("GetSessionToken should be refused")
