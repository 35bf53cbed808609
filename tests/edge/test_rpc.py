"""The plain-ASGI front for AWS JSON requests: it takes exactly the requests the full stack would
give the AWS endpoint, and answers them message for message as the stack does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.loops import run_coroutine

from statewright.edge import create_app
from statewright.edge.aws import MAX_BODY_BYTES, AwsEndpoint
from statewright.edge.rpc import RpcFront
from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common.platform import Settings

SIGNED = ("AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/states/aws4_request, "
          "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)
S3_SIGNED = SIGNED.replace("/states/", "/s3/")


def scope(method: str = "POST", path: str = "/", query: bytes = b"", **headers: str) -> dict[str, Any]:
    fields = {"host": "127.0.0.1:4590", "x-amz-target": "AWSStepFunctions.ListStateMachines",
              "content-type": "application/x-amz-json-1.0", "authorization": SIGNED}
    fields.update({name.replace("_", "-"): value for name, value in headers.items()})
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
            "root_path": "", "server": ("127.0.0.1", 4590), "client": ("127.0.0.1", 50000),
            "headers": [(name.encode(), value.encode()) for name, value in fields.items() if value]}


def front() -> RpcFront:
    return RpcFront(AwsEndpoint(lambda: {}, Settings()), "127.0.0.1")


def test_it_takes_aws_json_posts_for_this_machine():
    for host in ("127.0.0.1:4590", "localhost", "sync-127.0.0.1:4590", "[::1]:4590", ""):
        headers = front().takes(scope(host=host))
        assert headers is not None and headers["x-amz-target"] == "AWSStepFunctions.ListStateMachines"


@pytest.mark.parametrize("request_scope", [
    scope(method="GET"), scope(path="/restapis/a/b/_user_request_"), scope(query=b"Action=List"),
    scope(x_amz_target=""), scope(smithy_protocol="rpc-v2-cbor"), scope(x_amz_content_sha256="UNSIGNED-PAYLOAD"),
    scope(authorization=S3_SIGNED), scope(authorization="AWS AKID:signature"),
    scope(host="evil.example.com"), scope(host="bucket.s3.localhost:4590"), scope(host="abc123.execute-api.localhost"),
], ids=["get", "other-path", "query", "no-target", "cbor", "s3-payload-hash", "s3-signed", "sigv2",
        "foreign-host", "bucket-host", "api-host"])
def test_it_leaves_every_other_request_to_the_full_stack(request_scope):
    assert front().takes(request_scope) is None


def drive(app: Any, request_scope: dict[str, Any], body: bytes = b"{}",
          disconnect: bool = False) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if disconnect:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> list[dict[str, Any]]:
        await app(request_scope, receive, send)
        return sent

    return run_coroutine(call)


def without_ids(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages with the request id (unique per request) blanked."""
    out = []
    for message in messages:
        message = dict(message)
        if "headers" in message:
            message["headers"] = [(n, b"-" if n == b"x-amzn-requestid" else v) for n, v in message["headers"]]
        out.append(message)
    return out


@pytest.fixture
def app(tmp_path):
    runtime = Runtime(RuntimeConfig(Settings(data_dir=tmp_path)))
    app = create_app(runtime)
    runtime.open()
    yield app
    runtime.close()


def both_ways(app: Any, request_scope: dict[str, Any], body: bytes = b"{}") -> tuple[list, list]:
    """The front's answer, and the full stack's (the same app with the front switched off)."""
    assert app.rpc.takes(request_scope) is not None
    fast = drive(app, request_scope, body)
    rpc, app.rpc = app.rpc, None
    try:
        slow = drive(app, request_scope, body)
    finally:
        app.rpc = rpc
    return without_ids(fast), without_ids(slow)


@pytest.mark.parametrize(("target", "body"), [
    ("AWSStepFunctions.ListStateMachines", b"{}"),
    ("AWSStepFunctions.DescribeExecution", b'{"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:x:y"}'),
    ("AWSStepFunctions.NoSuchAction", b"{}"),
    ("AWSStepFunctions.ListStateMachines", b"not json"),
    ("AWSStepFunctions.ListStateMachines", b"[1]"),
    ("NoSuchService_20991231.Anything", b"{}"),
    ("DynamoDB_20120810.ListTables", b"{}"),
], ids=["ok", "not-found", "unknown-operation", "bad-json", "not-an-object", "unknown-service", "crc32"])
def test_its_answers_are_the_full_stacks(app, target, body):
    fast, slow = both_ways(app, scope(x_amz_target=target), body)
    assert fast == slow
    assert fast[0]["type"] == "http.response.start" and fast[1]["body"]


def test_an_unsigned_request_gets_the_stacks_answer(app):
    fast, slow = both_ways(app, scope(authorization=""))
    assert fast == slow and fast[0]["status"] == 200


def test_a_body_over_the_limit_is_refused_like_the_stack_does(app):
    for request_scope in (scope(content_length=str(MAX_BODY_BYTES + 1)), scope()):
        fast, slow = both_ways(app, request_scope, b" " * (MAX_BODY_BYTES + 1))
        assert fast == slow and fast[0]["status"] == 413
        assert json.loads(fast[1]["body"])["__type"] == "ValidationException"


def test_a_client_that_leaves_before_its_body_gets_nothing():
    assert drive(_answer(front()), scope(), disconnect=True) == []


def _answer(rpc: RpcFront) -> Any:
    async def app(request_scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = rpc.takes(request_scope)
        assert headers is not None
        await rpc.answer(request_scope, headers, receive, send)
    return app


def test_a_failure_outside_any_service_is_an_aws_json_500(caplog):
    def broken_services() -> dict[str, Any]:
        raise RuntimeError("the runtime is not open")

    rpc = RpcFront(AwsEndpoint(broken_services, Settings()), "127.0.0.1")
    start, body = drive(_answer(rpc), scope())
    assert start["status"] == 500
    assert (b"content-type", b"application/x-amz-json-1.0") in start["headers"]
    assert json.loads(body["body"]) == {"__type": "InternalFailure", "message": "RuntimeError: the runtime is not open"}
    assert "failed" in caplog.text


def test_a_foreign_host_still_gets_the_stacks_421(app):
    start, body = drive(app, scope(host="evil.example.com"))
    assert start["status"] == 421 and json.loads(body["body"])["__type"] == "MisdirectedRequest"


def test_a_request_signed_for_a_rest_service_gets_the_stacks_answer_path_and_all(app):
    request_scope = scope(x_amz_target="Nope.Operation", authorization=SIGNED.replace("/states/", "/lambda/"))
    request_scope["raw_path"] = b"/%2F"  # uvicorn's path is "/"; the stack reads the raw one
    fast, slow = both_ways(app, request_scope)
    assert fast == slow and fast[0]["status"] >= 400
