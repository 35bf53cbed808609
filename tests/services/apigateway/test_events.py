"""Event building without a server: stages in paths, binary bodies, null fields."""

from __future__ import annotations

import base64

from statewright.services.apigateway.events import Call, http_event, rest_event
from statewright.services.apigateway.types import ApiRequest


def call(stage: str = "prod", body: bytes = b"", content_type: str | None = None, binary=()) -> Call:
    headers = (("Host", "abc.execute-api.localhost:4590"),) + ((("Content-Type", content_type),) if content_type else ())
    request = ApiRequest("POST", "/a/b", "x=1", headers, body)
    return Call(request=request, api_id="abc", stage=stage, resource_path="/a/{p}", resource_id="r1",
                route_key="POST /a/{p}", path_parameters={"p": "b"}, stage_variables={}, request_id="id-1",
                account="123456789012", region="us-east-1", epoch_ms=1700000000000, binary_media_types=binary)


def test_http_paths_carry_a_named_stage_but_not_default():
    assert http_event(call("prod"))["rawPath"] == "/prod/a/b"
    assert http_event(call("prod"))["requestContext"]["http"]["path"] == "/prod/a/b"
    assert http_event(call("$default"))["rawPath"] == "/a/b"


def test_request_time_and_domain():
    event = http_event(call())
    assert event["requestContext"]["time"] == "14/Nov/2023:22:13:20 +0000"
    assert event["requestContext"]["domainName"] == "abc.execute-api.localhost"
    assert event["requestContext"]["domainPrefix"] == "abc"
    assert rest_event(call())["requestContext"]["requestTimeEpoch"] == 1700000000000


def test_binary_bodies():
    png = call(body=b"\x89PNG", content_type="image/png", binary=("image/png",))
    assert rest_event(png)["isBase64Encoded"] is True and base64.b64decode(rest_event(png)["body"]) == b"\x89PNG"
    text = call(body=b"plain", content_type="text/plain", binary=("image/png",))
    assert rest_event(text)["isBase64Encoded"] is False and rest_event(text)["body"] == "plain"
    assert http_event(call(body=b"{}", content_type="application/json"))["isBase64Encoded"] is False
    assert http_event(call(body=b"\x00", content_type="application/octet-stream"))["isBase64Encoded"] is True


def test_optional_fields():
    rest = rest_event(call())
    assert rest["stageVariables"] is None and rest["body"] is None
    event = http_event(call())
    assert "body" not in event and "stageVariables" not in event and "cookies" not in event
