"""Lambda proxy answers: payload format 1.0 is strict, 2.0 turns plain JSON into a 200."""

from __future__ import annotations

import base64
import json

import pytest

from statewright.services.apigateway.proxy import MalformedResponse, http_response, rest_response


def rest(answer, accept=None, binary=()):
    return rest_response(json.dumps(answer).encode(), accept, binary)


def test_rest_headers_multi_value_headers_and_status():
    answer = rest({"statusCode": 201, "headers": {"A": "1", "B": "x"}, "multiValueHeaders": {"B": ["y", "z"]},
                   "body": "hi"})
    assert answer.status == 201 and answer.body == b"hi"
    assert [v for k, v in answer.headers if k == "B"] == ["y", "z"]  # multiValueHeaders win for a name
    assert ("A", "1") in answer.headers


@pytest.mark.parametrize("answer", [{"statusCode": "abc"}, {"statusCode": 200, "body": {"a": 1}},
                                    {"statusCode": 200, "extra": 1}, [1, 2], "text",
                                    {"statusCode": 200, "body": "!!", "isBase64Encoded": True}])
def test_rest_malformed(answer):
    with pytest.raises(MalformedResponse):
        rest(answer)


def test_rest_binary_follows_accept():
    encoded = base64.b64encode(b"\x00\xff").decode()
    answer = {"statusCode": 200, "body": encoded, "isBase64Encoded": True}
    assert rest(answer, "image/png", ("image/png",)).body == b"\x00\xff"
    assert rest(answer, "text/plain", ("image/png",)).body == encoded.encode()


def test_http_plain_values_become_200_json():
    for value in ({"a": 1}, [1], "text", 5):
        answer = http_response(json.dumps(value).encode())
        assert answer.status == 200 and answer.header("content-type") == "application/json"
    assert http_response(b'"text"').body == b"text"
    assert json.loads(http_response(b'{"a": 1}').body) == {"a": 1}


def test_http_structured_with_cookies_and_base64():
    answer = http_response(json.dumps({"statusCode": 302, "headers": {"location": "/x"}, "cookies": ["a=1"],
                                       "body": base64.b64encode(b"\x01").decode(), "isBase64Encoded": True}).encode())
    assert answer.status == 302 and answer.body == b"\x01"
    assert ("set-cookie", "a=1") in answer.headers and answer.header("location") == "/x"


def test_not_json_is_malformed():
    with pytest.raises(MalformedResponse):
        http_response(b"not json")
