"""awsJson 1.0/1.1 against botocore's own serializer and parser, over every operation of real models."""

from __future__ import annotations

import json

import pytest

from statewright.protocols.errors import ProtocolError
from statewright.protocols.json_protocol import JsonProtocol
from statewright.protocols.models import ServiceModels
from statewright.protocols.types import HttpRequest
from statewright.services.common import AwsError

from .wire import Examples, client_parse, client_request

MODELS = ServiceModels()
PROTOCOL = JsonProtocol()
SERVICES = ["stepfunctions", "dynamodb", "logs", "sqs", "cloudwatch"]


def operations(name):
    service = MODELS.get(name)
    return [service.operation_model(op) for op in service.operation_names]


@pytest.mark.parametrize("name", SERVICES)
def test_every_request_reaches_the_service_as_sent(name):
    for operation in operations(name):
        params = Examples().structure(operation.input_shape) if operation.input_shape else {}
        request = client_request("json", operation, params)
        parsed = PROTOCOL.parse(operation.service_model, request)
        assert parsed.operation == operation.name
        # the body object as is: no coercion (timestamps stay numbers, blobs stay base64 text)
        assert parsed.input == json.loads(request.body)


@pytest.mark.parametrize("name", SERVICES)
def test_every_output_reads_back_in_botocore(name):
    examples = Examples()
    for operation in operations(name):
        if operation.output_shape is None or operation.has_event_stream_output:
            continue  # event streams are not covered (docs/protocols.md)
        output = examples.structure(operation.output_shape)
        response = PROTOCOL.serialize(operation, output, "req-1")
        assert response.status == 200
        version = operation.service_model.metadata["jsonVersion"]
        assert ("content-type", f"application/x-amz-json-{version}") in response.headers
        assert client_parse("json", operation, response) == output, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_modeled_error_reads_back_in_botocore(name):
    service = MODELS.get(name)
    operation = operations(name)[0]
    for shape in service.error_shapes:
        fields = {k: v for k, v in Examples().structure(shape).items() if k.lower() != "message"}
        error = AwsError(shape.error_code, f"{shape.name} happened", fields=fields)
        response = PROTOCOL.serialize_error(service, operation, error, "req-2")
        assert response.status == shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parsed = client_parse("json", operation, response)
        # botocore's client matches exceptions by `error_code` (the query code for
        # awsQueryCompatible services, from x-amzn-query-error)
        assert parsed["Error"]["Code"] == shape.error_code
        assert parsed["Error"]["Message"] == f"{shape.name} happened"
        modeled = client_parse("json", operation, response, shape)
        assert {k: v for k, v in modeled.items() if k.lower() != "message"} == fields


def test_query_compatible_services_name_the_query_code():
    service = MODELS.get("cloudwatch")
    for code in ("ResourceNotFound", "DashboardNotFoundError"):  # a service may raise either
        response = PROTOCOL.serialize_error(service, None, AwsError(code, "no dashboard"), "r")
        assert ("x-amzn-query-error", "ResourceNotFound;Sender") in response.headers
        assert json.loads(response.body)["__type"] == "DashboardNotFoundError"
        assert response.status == 404


def test_status_comes_from_the_error_then_the_fault():
    service = MODELS.get("stepfunctions")
    assert PROTOCOL.serialize_error(service, None, AwsError("X", "m", 413), "r").status == 413
    assert PROTOCOL.serialize_error(service, None, AwsError("X", "m", sender_fault=False), "r").status == 500
    body = json.loads(PROTOCOL.serialize_error(service, None, AwsError("X", "m"), "r").body)
    assert body == {"__type": "X", "message": "m"}


@pytest.mark.parametrize(("name", "code", "wire"), [
    # Recorded from DynamoDB (pynamodb/PynamoDB#1144, HENNGE/aiodynamo#2; dynalite's recordings
    # for the framework's errors).
    ("dynamodb", "ConditionalCheckFailedException", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
    ("dynamodb", "ResourceNotFoundException", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
    ("dynamodb", "ValidationException", "com.amazon.coral.validate#ValidationException"),
    ("dynamodb", "SerializationException", "com.amazon.coral.service#SerializationException"),
    ("dynamodb", "UnknownOperationException", "com.amazon.coral.service#UnknownOperationException"),
    ("dynamodbstreams", "ExpiredIteratorException", "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException"),
    ("stepfunctions", "ExecutionDoesNotExist", "ExecutionDoesNotExist"),
])
def test_namespaced_error_types_read_back_as_the_code(name, code, wire):
    service = MODELS.get(name)
    operation = operations(name)[0]
    response = PROTOCOL.serialize_error(service, operation, AwsError(code, "m"), "r")
    assert json.loads(response.body)["__type"] == wire
    assert client_parse("json", operation, response)["Error"]["Code"] == code


def request(target: str, body: bytes) -> HttpRequest:
    return HttpRequest("POST", "/", "", {"x-amz-target": target}, body)


def test_unknown_operations_are_named():
    service = MODELS.get("stepfunctions")
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(service, request("AWSStepFunctions.Nope", b"{}"))
    assert caught.value.code == "UnknownOperationException"
    assert "AWSStepFunctions.Nope" in caught.value.message
    with pytest.raises(ProtocolError, match="UnknownOperationException"):
        PROTOCOL.parse(service, request("DynamoDB_20120810.ListTables", b"{}"))


@pytest.mark.parametrize("body", [b"[1]", b"\"text\"", b"{not json", b"\xff"])
def test_bodies_that_are_not_objects_are_serialization_errors(body):
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("stepfunctions"), request("AWSStepFunctions.ListActivities", body))
    assert caught.value.code == "SerializationException"


def test_an_empty_body_is_an_empty_input():
    parsed = PROTOCOL.parse(MODELS.get("stepfunctions"), request("AWSStepFunctions.ListActivities", b""))
    assert parsed.input == {}


def test_protocol_errors_are_written_like_service_errors():
    error = ProtocolError("SerializationException", "bad")
    response = PROTOCOL.serialize_error(MODELS.get("stepfunctions"), None, error, "r")
    assert response.status == 400
    assert json.loads(response.body) == {"__type": "SerializationException", "message": "bad"}
