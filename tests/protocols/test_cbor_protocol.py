"""Smithy RPC v2 CBOR against botocore's own serializer and parser, over every operation of real models."""

from __future__ import annotations

import cbor2
import pytest

from statewright.protocols.cbor_protocol import CborProtocol
from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.types import HttpRequest
from statewright.services.common import AwsError

from .wire import MOMENT, Examples, client_parse, client_request

MODELS = ServiceModels()
PROTOCOL = CborProtocol()
SERVICES = ["cloudwatch", "codebuild", "acm-pca", "translate"]


def operations(name):
    service = MODELS.get(name)
    return [service.operation_model(op) for op in service.operation_names]


def test_the_services_under_test_declare_the_protocol():
    for name in SERVICES:
        assert "smithy-rpc-v2-cbor" in MODELS.protocols(name)


@pytest.mark.parametrize("name", SERVICES)
def test_every_request_reads_as_the_client_wrote_it(name):
    for operation in operations(name):
        if operation.has_event_stream_input:
            continue
        params = Examples().structure(operation.input_shape) if operation.input_shape else {}
        request = client_request("smithy-rpc-v2-cbor", operation, params)
        assert request.headers["smithy-protocol"] == "rpc-v2-cbor"
        parsed = PROTOCOL.parse(operation.service_model, request)
        assert parsed.operation == operation.name
        assert parsed.input == params, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_output_reads_back_in_botocore(name):
    for operation in operations(name):
        if operation.output_shape is None or operation.has_event_stream_output:
            continue
        output = Examples().structure(operation.output_shape)
        response = PROTOCOL.serialize(operation, output, "req-1")
        assert ("smithy-protocol", "rpc-v2-cbor") in response.headers
        assert client_parse("smithy-rpc-v2-cbor", operation, response) == output, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_modeled_error_reads_back_in_botocore(name):
    service = MODELS.get(name)
    operation = operations(name)[0]
    for shape in service.error_shapes:
        fields = {k: v for k, v in Examples().structure(shape).items() if k.lower() != "message"}
        response = PROTOCOL.serialize_error(service, operation, AwsError(shape.name, "it broke", fields=fields), "r")
        assert response.status == shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parsed = client_parse("smithy-rpc-v2-cbor", operation, response)
        assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (shape.error_code, "it broke")
        modeled = client_parse("smithy-rpc-v2-cbor", operation, response, shape)
        assert {k: v for k, v in modeled.items() if k.lower() != "message"} == fields


def test_timestamps_given_as_numbers_or_text_are_written_as_tag_1():
    operation = MODELS.get("cloudwatch").operation_model("GetMetricData")
    epoch = MOMENT.timestamp()
    output = {"MetricDataResults": [{"Id": "a", "Timestamps": [epoch, "2026-11-30T12:34:56Z"], "Values": [1]}]}
    parsed = client_parse("smithy-rpc-v2-cbor", operation, PROTOCOL.serialize(operation, output, "r"))
    assert parsed["MetricDataResults"][0]["Timestamps"] == [MOMENT, MOMENT]
    assert parsed["MetricDataResults"][0]["Values"] == [1.0]


def cbor_request(path: str, body: bytes) -> HttpRequest:
    return HttpRequest("POST", path, "", {"smithy-protocol": "rpc-v2-cbor"}, body)


def test_unknown_operations_and_bad_bodies():
    service = MODELS.get("cloudwatch")
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(service, cbor_request("/service/GraniteServiceVersion20100801/operation/Nope", b""))
    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)
    path = "/service/GraniteServiceVersion20100801/operation/ListMetrics"
    with pytest.raises(ProtocolError, match="SerializationException"):
        PROTOCOL.parse(service, cbor_request(path, cbor2.dumps([1, 2])))
    with pytest.raises(ProtocolError, match="SerializationException"):
        PROTOCOL.parse(service, cbor_request(path, b"\xff\x00"))
    assert PROTOCOL.parse(service, cbor_request(path, b"")).input == {}
