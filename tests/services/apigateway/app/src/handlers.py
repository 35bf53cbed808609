"""Handlers of the API Gateway test app: they return what API Gateway sent them, so the tests can
compare the event with AWS's documented shape."""

import base64
import json
import time


def echo(event, context):
    """A REST (payload v1) or HTTP API (v2) proxy handler answering with the event it received."""
    return {"statusCode": 200, "headers": {"Content-Type": "application/json", "X-Echo": "1"},
            "multiValueHeaders": {"X-Multi": ["a", "b"]}, "body": json.dumps(event)}


def plain(event, context):
    """A v2 handler returning plain JSON (API Gateway turns it into a 200)."""
    return {"hello": "world", "path": event.get("rawPath")}


def custom(event, context):
    """Answers as the request asks: ?status=…, ?mode=binary|malformed|sleep|raise|cookies."""
    query = event.get("queryStringParameters") or {}
    mode = query.get("mode", "")
    if mode == "malformed":
        return {"statusCode": "not-a-number", "body": 5}
    if mode == "raise":
        raise RuntimeError("handler failed")
    if mode == "sleep":
        time.sleep(float(query.get("seconds", "1")))
        return {"statusCode": 200, "body": "slept"}
    if mode == "binary":
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(b"\x89PNG\x00\x01binary").decode(), "isBase64Encoded": True}
    if mode == "cookies":
        return {"statusCode": 201, "cookies": ["a=1; Path=/", "b=2"], "body": "with cookies"}
    return {"statusCode": int(query.get("status", "200")), "body": "custom"}


def _policy(effect, resource, context=None, principal="user-1"):
    answer = {"principalId": principal,
              "policyDocument": {"Version": "2012-10-17",
                                 "Statement": [{"Action": "execute-api:Invoke", "Effect": effect,
                                                "Resource": resource}]}}
    if context is not None:
        answer["context"] = context
    return answer


def token_authorizer(event, context):
    """TOKEN authorizer: `allow`, `deny`, `allow-items-only`, anything else is Unauthorized.
    Each call is counted in the context so tests can see the cache at work."""
    token = event.get("authorizationToken", "")
    arn = event["methodArn"]
    if token == "allow":
        # The whole API, not just this method ARN: the result is cached for other methods too.
        return _policy("Allow", arn.split("/", 1)[0] + "/*", {"user": "alice", "number": 7, "flag": True, "calledAt": time.time()})
    if token == "allow-items-only":
        prefix = arn.split("/", 2)
        return _policy("Allow", prefix[0] + "/" + prefix[1] + "/GET/items/*", {"user": "bob"})
    if token == "deny":
        return _policy("Deny", arn)
    raise Exception("Unauthorized")


def request_authorizer(event, context):
    """REQUEST authorizer: allows when the `x-pass` header is `yes`, echoing what it saw."""
    headers = event.get("headers") or {}
    if headers.get("x-pass") == "yes" or headers.get("X-Pass") == "yes":
        return _policy("Allow", event["methodArn"], {"type": event.get("type"), "path": event.get("path")})
    return _policy("Deny", event["methodArn"])


def http_authorizer(event, context):
    """HTTP API Lambda authorizer with simple responses."""
    headers = event.get("headers") or {}
    return {"isAuthorized": headers.get("authorization") == "secret",
            "context": {"who": "http-user", "routeKey": event.get("routeKey")}}
