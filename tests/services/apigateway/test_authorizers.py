"""Authorizer caching and refusals with an in-process stand-in for the Lambda service (the real
Lambda path is covered over HTTP in test_service.py); the clock is a variable so TTLs can pass."""

from __future__ import annotations

import json

from statewright.services.apigateway import authorizers as module
from statewright.services.apigateway.authorizers import Authorizers
from statewright.services.apigateway.events import Call
from statewright.services.apigateway.types import REST, Api, ApiRequest, Authorizer
from statewright.services.common import InvokeResult

TOKEN = Authorizer("T", "TOKEN", function="arn:aws:lambda:us-east-1:123456789012:function:auth",
                   identity_sources=("method.request.header.Authorization",), ttl_seconds=60,
                   validation_expression="^tok-.*$")
API = Api("abc", "api", REST, authorizers={"T": TOKEN})


class Function:
    """Answers like an authorizer function; counts its invocations."""

    def __init__(self, answer: object, error: str | None = None) -> None:
        self.answer, self.error, self.calls = answer, error, []

    def __call__(self, function: str, payload: bytes) -> InvokeResult:
        self.calls.append((function, json.loads(payload)))
        return InvokeResult(200, json.dumps(self.answer).encode(), self.error)


def call(token: str | None, path: str = "/items/1") -> Call:
    headers = (("Authorization", token),) if token is not None else ()
    return Call(request=ApiRequest("GET", path, "", headers, b""), api_id="abc", stage="dev", resource_path="/items/{id}",
                resource_id="r", route_key="GET /items/{id}", path_parameters={"id": "1"}, stage_variables={},
                request_id="req", account="123456789012", region="us-east-1")


def allow_all() -> dict:
    return {"principalId": "p", "policyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*"}]}}


def test_cache_until_the_ttl_passes():
    now = [1000.0]
    function = Function(allow_all())
    authorizers = Authorizers(function, clock=lambda: now[0])
    assert authorizers.authorize(API, TOKEN, call("tok-1")).context["principalId"] == "p"
    authorizers.authorize(API, TOKEN, call("tok-1", "/items/2"))
    assert len(function.calls) == 1
    assert function.calls[0] == ("arn:aws:lambda:us-east-1:123456789012:function:auth",
                                 {"type": "TOKEN", "authorizationToken": "tok-1",
                                  "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/items/1"})
    authorizers.authorize(API, TOKEN, call("tok-2"))
    assert len(function.calls) == 2  # another identity
    now[0] += 61
    authorizers.authorize(API, TOKEN, call("tok-1"))
    assert len(function.calls) == 3  # expired


def test_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(module, "CACHE_ENTRIES", 3)
    function = Function(allow_all())
    authorizers = Authorizers(function)
    for n in range(5):
        authorizers.authorize(API, TOKEN, call(f"tok-{n}"))
    assert len(authorizers._cache) == 3
    authorizers.authorize(API, TOKEN, call("tok-4"))
    assert len(function.calls) == 5  # the newest is still cached


def test_validation_expression_and_missing_token_are_401_without_a_call():
    function = Function(allow_all())
    authorizers = Authorizers(function)
    for token in (None, "", "nope"):
        refusal = authorizers.authorize(API, TOKEN, call(token)).refusal
        assert refusal is not None and refusal.status == 401
        assert json.loads(refusal.body) == {"message": "Unauthorized"}
    assert function.calls == []


def test_bad_answers_are_authorizer_configuration_errors():
    for answer, error in ((["not", "an", "object"], None), ({"principalId": "p"}, None),
                          ({"errorMessage": "boom", "errorType": "Exception"}, "Unhandled"),
                          ({**allow_all(), "context": "not an object"}, None)):
        refusal = Authorizers(Function(answer, error)).authorize(API, TOKEN, call("tok-x")).refusal
        assert refusal is not None and refusal.status == 500, answer
        assert refusal.header("x-amzn-ErrorType") == "AuthorizerConfigurationException"


def test_unauthorized_error_is_401():
    function = Function({"errorMessage": "Unauthorized", "errorType": "Exception"}, "Unhandled")
    refusal = Authorizers(function).authorize(API, TOKEN, call("tok-x")).refusal
    assert refusal is not None and refusal.status == 401
