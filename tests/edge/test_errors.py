"""The edge's own errors come back in AWS's error shape, readable by botocore's parsers: methods
no route serves, failures outside any service, bodies nested too deeply, unframeable HTTP."""

from __future__ import annotations

import http.client
import json
import socket

import pytest
from botocore.parsers import create_parser
from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("edge"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        yield running


def send(server, method: str, path: str = "/", body: bytes = b"", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.config.settings.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def error_code(protocol: str, status: int, headers: dict, body: bytes) -> str:
    parsed = create_parser(protocol).parse({"status_code": status, "headers": headers, "body": body}, None)
    return parsed["Error"]["Code"]


JSON_HEADERS = {"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"}


@pytest.mark.parametrize(("headers", "body", "protocol"), [
    (JSON_HEADERS, b"{}", "json"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, b"Action=GetCallerIdentity&Version=2011-06-15", "query"),
    ({}, b"", "rest-json"),
])
def test_a_method_no_route_serves_is_an_aws_error_in_the_requests_protocol(server, headers, body, protocol):
    status, answer_headers, answer = send(server, "PROPFIND", "/", body, headers)
    assert status == 405 and not answer_headers["content-type"].startswith("text/plain")
    assert error_code(protocol, status, answer_headers, answer) == "UnknownOperationException"


@pytest.mark.parametrize("depth", [150, 1000, 100_000])
def test_a_deeply_nested_body_is_a_serialization_error_for_every_operation(server, depth):
    body = b'{"name":' + b"[" * depth + b"]" * depth + b"}"
    for target in ("AWSStepFunctions.ListStateMachines", "AWSStepFunctions.CreateActivity"):
        status, headers, answer = send(server, "POST", "/", body, dict(JSON_HEADERS, **{"X-Amz-Target": target}))
        assert status == 400 and error_code("json", status, headers, answer) == "SerializationException"
    status, headers, answer = send(server, "POST", "/2015-03-31/functions", body,
                                   {"Content-Type": "application/json"})
    assert 400 <= status < 500 and error_code("rest-json", status, headers, answer)


def test_nesting_up_to_the_limit_still_reaches_the_service(server):
    body = json.dumps({"name": "a", "tags": [{"key": "k", "value": "v"}], "zz": [[[[[]]]]]}).encode()
    status, _, answer = send(server, "POST", "/", body, dict(JSON_HEADERS, **{"X-Amz-Target": "AWSStepFunctions.CreateActivity"}))
    assert status == 200 and "activityArn" in json.loads(answer)


@pytest.mark.parametrize("raw", [b"GARBAGE\r\n\r\n", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
                                 b"GET /\x00 HTTP/1.1\r\n\r\n"])
def test_unframeable_http_gets_an_aws_json_error(server, raw):
    with socket.create_connection(("127.0.0.1", server.config.settings.port), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/x-amz-json-1.0" in head
    assert json.loads(body)["__type"] == "SerializationException"
