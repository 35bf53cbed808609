"""restJson1 against botocore's own serializer and parser, over every operation of real models."""

from __future__ import annotations

import json

import pytest

from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.rest_json import RestJsonProtocol
from statewright.protocols.types import HttpRequest
from statewright.services.common import AwsError

from .wire import Examples, client_parse, client_request

MODELS = ServiceModels()
PROTOCOL = RestJsonProtocol()
SERVICES = ["lambda", "apigateway", "apigatewayv2", "scheduler", "xray"]


def operations(name):
    service = MODELS.get(name)
    return [service.operation_model(op) for op in service.operation_names]


def example_output(operation):
    output = Examples().structure(operation.output_shape)
    for name, member in operation.output_shape.members.items():
        if member.serialization.get("location") == "statusCode":
            output[name] = 202
    return output


@pytest.mark.parametrize("name", SERVICES)
def test_every_request_reads_as_the_client_wrote_it(name):
    for operation in operations(name):
        if operation.has_event_stream_input:
            continue
        params = Examples().structure(operation.input_shape) if operation.input_shape else {}
        parsed = PROTOCOL.parse(operation.service_model, client_request("rest-json", operation, params))
        assert parsed.operation == operation.name
        assert parsed.input == params, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_output_reads_back_in_botocore(name):
    for operation in operations(name):
        if operation.output_shape is None or operation.has_event_stream_output:
            continue
        output = example_output(operation)
        response = PROTOCOL.serialize(operation, output, "req-1")
        parsed = client_parse("rest-json", operation, response)
        assert parsed == output, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_modeled_error_reads_back_in_botocore(name):
    service = MODELS.get(name)
    operation = operations(name)[0]
    for shape in service.error_shapes:
        fields = {k: v for k, v in Examples().structure(shape).items() if k.lower() not in ("message", "type")}
        response = PROTOCOL.serialize_error(service, operation, AwsError(shape.name, "it broke", fields=fields), "r")
        assert response.status == shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parsed = client_parse("rest-json", operation, response)
        assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (shape.error_code, "it broke")
        modeled = client_parse("rest-json", operation, response, shape)
        assert {k: v for k, v in modeled.items() if k.lower() not in ("message", "type")} == fields


def test_lambda_errors_carry_their_type_as_lambda_sends_it():
    service = MODELS.get("lambda")
    response = PROTOCOL.serialize_error(service, None, AwsError("ResourceNotFoundException", "Function not found: f"), "r")
    assert response.status == 404
    assert ("x-amzn-errortype", "ResourceNotFoundException") in response.headers
    body = json.loads(response.body)
    assert body["Type"] == "User"
    assert "Function not found: f" in (body.get("Message"), body.get("message"))


def test_lambda_invoke_binds_uri_query_headers_and_a_raw_payload():
    request = HttpRequest("POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations",
                          "Qualifier=live", {"x-amz-invocation-type": "Event"}, b'{"not": "parsed"}')
    parsed = PROTOCOL.parse(MODELS.get("lambda"), request)
    assert parsed.operation == "Invoke"
    assert parsed.input == {"FunctionName": "arn:aws:lambda:us-east-1:1:function:f", "Qualifier": "live",
                            "InvocationType": "Event", "Payload": b'{"not": "parsed"}'}
    operation = MODELS.get("lambda").operation_model("Invoke")
    response = PROTOCOL.serialize(operation, {"StatusCode": 202, "Payload": iter([b"a", b"b"]),
                                              "ExecutedVersion": "$LATEST"}, "r")
    assert response.status == 202
    assert ("X-Amz-Executed-Version", "$LATEST") in response.headers
    assert b"".join(response.body) == b"ab"  # streamed as given, never joined by the protocol


def test_requests_matching_no_operation():
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("lambda"), HttpRequest("GET", "/nowhere"))
    assert caught.value.status == 404
    with pytest.raises(ProtocolError, match="SerializationException"):
        PROTOCOL.parse(MODELS.get("lambda"), HttpRequest("POST", "/2015-03-31/functions", "", {}, b"[1]"))


def test_bad_values_in_bindings_name_the_member():
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("lambda"), HttpRequest("GET", "/2015-03-31/functions/", "MaxItems=many"))
    assert "MaxItems" in caught.value.message
