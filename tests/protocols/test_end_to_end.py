"""Real clients against the protocol layer on a real port: boto3 and the AWS CLI ask STS who
they are (routing + awsQuery + the STS service, glued by tests/protocols/glue.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from statewright.protocols.models import ServiceModels
from statewright.services.common.platform import Platform, Settings
from statewright.services.sts import create

from .glue import ACCOUNT, build_app, serving


@pytest.fixture(scope="module")
def endpoint():
    platform = Platform(settings=Settings(), store=None, engine=None, clock=None, integrations=None)
    with serving(build_app({"sts": create(platform)}, ServiceModels())) as url:
        yield url


def client(endpoint, region):
    return boto3.session.Session().client(
        "sts", endpoint_url=endpoint, region_name=region, aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


@pytest.mark.parametrize(("region", "partition"), [("us-east-1", "aws"), ("cn-north-1", "aws-cn"),
                                                   ("us-gov-west-1", "aws-us-gov")])
def test_boto3_gets_the_caller_identity(endpoint, region, partition):
    answer = client(endpoint, region).get_caller_identity()
    assert answer["Account"] == ACCOUNT
    assert answer["UserId"] == ACCOUNT
    assert answer["Arn"] == f"arn:{partition}:iam::{ACCOUNT}:root"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RequestId"]


def test_boto3_hears_unimplemented_actions_as_aws_errors(endpoint):
    with pytest.raises(ClientError) as caught:
        client(endpoint, "us-east-1").assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="session")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Type"]) == ("InvalidAction", "Sender")
    assert "AssumeRole" in error["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_aws_cli_gets_the_caller_identity(endpoint, tmp_path):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDCLI", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "eu-west-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_PAGER": ""}
    aws = Path(sys.executable).with_name("aws")
    done = subprocess.run([str(aws), "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", "json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
