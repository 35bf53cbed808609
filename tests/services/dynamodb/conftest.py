"""boto3 against the local DynamoDB through the real server (the one edge, the protocol layer, the
runtime), on loopback."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("dynamodb"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        yield running


@pytest.fixture(scope="session")
def service(server):
    return server.runtime.services["dynamodb"]


@pytest.fixture(scope="session")
def endpoint(server):
    return server.endpoint


def _session_kwargs(endpoint):
    return dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                aws_secret_access_key="test",
                config=Config(retries={"max_attempts": 0}, max_pool_connections=50))


@pytest.fixture(scope="session")
def ddb(endpoint):
    return boto3.client("dynamodb", **_session_kwargs(endpoint))


@pytest.fixture(scope="session")
def raw_ddb(endpoint):
    """A client that sends what it is given (botocore checks nothing), to see the server's own checks."""
    kwargs = _session_kwargs(endpoint)
    kwargs["config"] = kwargs["config"].merge(Config(parameter_validation=False))
    return boto3.client("dynamodb", **kwargs)


@pytest.fixture(scope="session")
def resource(endpoint):
    return boto3.resource("dynamodb", **_session_kwargs(endpoint))


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def hash_table(ddb):
    """A table keyed by `pk` (S)."""
    name = unique("hash")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


@pytest.fixture
def composite_table(ddb):
    """A table keyed by `pk` (S) and `sk` (N), with a GSI on `g` (S) / `sk` and an LSI on `l` (S)."""
    name = unique("comp")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "l", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [
            {"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{"IndexName": "by-l", "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}])
    return name
