"""boto3 against the local DynamoDB over real HTTP on loopback (a tiny server for now; the lead
switches this fixture to the real edge server)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config

from statewright.services.dynamodb import DynamoDbService

from .server import ServiceServer


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    service = DynamoDbService(tmp_path_factory.mktemp("dynamodb"), ttl_interval=0)
    yield service
    service.close()


@pytest.fixture(scope="session")
def endpoint(service):
    with ServiceServer(service) as server:
        yield server.endpoint


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
