"""ServiceModels: botocore models by name, once each, and the lookups routing needs."""

from __future__ import annotations

import pytest
from botocore.exceptions import UnknownServiceError

from statewright.protocols.json_protocol import JsonProtocol
from statewright.protocols.models import PROTOCOLS, ServiceModels


def test_models_are_loaded_once_and_kept():
    models = ServiceModels()
    assert models.get("stepfunctions") is models.get("stepfunctions")
    assert models.get("stepfunctions").service_name == "stepfunctions"
    with pytest.raises(UnknownServiceError):
        models.get("no-such-service")


def test_lookups():
    models = ServiceModels()
    assert models.signing_name("stepfunctions") == "states"
    assert models.signing_name("dynamodbstreams") == "dynamodb"
    assert models.signing_name("cloudwatch") == "monitoring"
    assert models.target_prefix("stepfunctions") == "AWSStepFunctions"
    assert models.target_prefix("s3") is None
    assert models.protocols("cloudwatch") == ("smithy-rpc-v2-cbor", "json", "query")
    assert models.client_protocol("cloudwatch") == "json"
    assert models.protocols("sts") == ("query",)
    assert models.with_signing_name("dynamodb", {"dynamodb", "dynamodbstreams", "sts"}) == ["dynamodb", "dynamodbstreams"]
    assert models.with_target_prefix("AWSStepFunctions", {"stepfunctions", "sts"}) == ["stepfunctions"]
    assert "stepfunctions" in models.available()


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("il-central-1", "aws"), ("mx-central-1", "aws"), ("cn-north-1", "aws-cn"),
    ("us-gov-east-1", "aws-us-gov"), ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
    ("eusc-de-east-1", "aws-eusc"), ("local", "aws"),
])
def test_partitions_come_from_botocore(region, partition):
    assert ServiceModels().partition_of(region) == partition


def test_one_instance_of_each_protocol_per_models_object():
    models = ServiceModels()
    assert isinstance(models.wire("json"), JsonProtocol)
    assert models.wire("json") is models.wire("json")
    assert models.wire("json") is not ServiceModels().wire("json")
    assert set(PROTOCOLS) == {"json", "rest-json", "rest-xml", "query", "smithy-rpc-v2-cbor"}
