"""awsQuery against botocore's own serializer and parser, over every operation of real models."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.query_protocol import QueryProtocol
from statewright.protocols.types import HttpRequest
from statewright.services.common import AwsError

from .wire import Examples, client_parse, client_request

MODELS = ServiceModels()
PROTOCOL = QueryProtocol()
SERVICES = ["sts", "cloudformation", "iam", "sns"]


def operations(name):
    service = MODELS.get(name)
    return [service.operation_model(op) for op in service.operation_names]


@pytest.mark.parametrize("name", SERVICES)
def test_every_request_reads_as_the_client_wrote_it(name):
    for operation in operations(name):
        params = Examples().structure(operation.input_shape) if operation.input_shape else {}
        parsed = PROTOCOL.parse(operation.service_model, client_request("query", operation, params))
        assert parsed.operation == operation.name
        assert parsed.input == params, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_output_reads_back_in_botocore(name):
    for operation in operations(name):
        output = Examples().structure(operation.output_shape) if operation.output_shape else {}
        response = PROTOCOL.serialize(operation, output, "req-1")
        assert response.status == 200
        assert client_parse("query", operation, response) == output, operation.name
        root = ElementTree.fromstring(response.body)
        assert root.tag == f"{{{operation.service_model.metadata['xmlNamespace']}}}{operation.name}Response"


@pytest.mark.parametrize("name", SERVICES)
def test_every_modeled_error_reads_back_in_botocore(name):
    service = MODELS.get(name)
    operation = operations(name)[0]
    for shape in service.error_shapes:
        fields = {k: v for k, v in Examples().structure(shape).items() if k.lower() != "message"}
        # a service may raise a modeled error by its shape name: the wire carries its code
        error = AwsError(shape.name, f"{shape.name} happened", fields=fields)
        response = PROTOCOL.serialize_error(service, operation, error, "req-2")
        assert response.status == shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parsed = client_parse("query", operation, response)
        assert parsed["Error"]["Code"] == shape.error_code
        assert parsed["Error"]["Message"] == f"{shape.name} happened"
        assert parsed["Error"]["Type"] == "Sender"
        modeled = client_parse("query", operation, response, shape)
        assert {k: v for k, v in modeled.items() if k.lower() != "message"} == fields


def test_receiver_errors_say_so():
    response = PROTOCOL.serialize_error(MODELS.get("sts"), None, AwsError("InternalFailure", "x", sender_fault=False), "r")
    assert response.status == 500
    parsed = client_parse("query", None, response, None)
    assert parsed["Error"] == {"Type": "Receiver", "Code": "InternalFailure", "Message": "x"}
    assert ElementTree.fromstring(response.body).findtext("{*}RequestId") == "r"


def form(body: str, query: str = "") -> HttpRequest:
    return HttpRequest("POST", "/", query, {"content-type": "application/x-www-form-urlencoded"}, body.encode())


def test_actions_may_come_in_the_query_string():
    parsed = PROTOCOL.parse(MODELS.get("sts"), HttpRequest("GET", "/", "Action=GetCallerIdentity&Version=2011-06-15"))
    assert parsed.operation == "GetCallerIdentity"


def test_unknown_and_missing_actions():
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("sts"), form("Action=Nope&Version=2011-06-15"))
    assert caught.value.code == "InvalidAction"
    assert "Nope" in caught.value.message
    with pytest.raises(ProtocolError, match="MissingAction"):
        PROTOCOL.parse(MODELS.get("sts"), form("Version=2011-06-15"))


def test_a_value_of_the_wrong_type_names_the_field():
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("sts"), form("Action=AssumeRole&RoleArn=a&RoleSessionName=s&DurationSeconds=soon"))
    assert caught.value.code == "InvalidParameterValue"
    assert "DurationSeconds" in caught.value.message


def test_empty_lists_and_maps():
    parsed = PROTOCOL.parse(MODELS.get("cloudformation"), form(
        "Action=CreateStack&StackName=s&Parameters=&Tags.member.1.Key=k&Tags.member.1.Value=v"))
    assert parsed.input == {"StackName": "s", "Parameters": [], "Tags": [{"Key": "k", "Value": "v"}]}
    parsed = PROTOCOL.parse(MODELS.get("sns"), form(
        "Action=CreateTopic&Name=t&Attributes.entry.1.key=a&Attributes.entry.1.value=1"
        "&Attributes.entry.2.key=b&Attributes.entry.2.value=2"))
    assert parsed.input == {"Name": "t", "Attributes": {"a": "1", "b": "2"}}


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.dictionaries(texts, texts, max_size=4), st.lists(texts, max_size=3), texts)
def test_any_text_survives_the_form_encoding(attributes, names, name):
    operation = MODELS.get("sns").operation_model("CreateTopic")
    params = {"Name": name, "Attributes": attributes, "Tags": [{"Key": n, "Value": n} for n in names]}
    parsed = PROTOCOL.parse(MODELS.get("sns"), client_request("query", operation, params))
    # the Query protocol sends an empty list as `Tags=` and an empty map not at all
    expected = {k: v for k, v in params.items() if v or k != "Attributes"}
    assert parsed.input == expected
