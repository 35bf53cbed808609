"""The test SAM app over real HTTP: REST (payload 1.0) and HTTP API (2.0) events compared with
AWS's documented shapes, proxy responses, API Gateway's own errors, authorizers, CORS, the
Step Functions and mock integrations with mapping templates, validators, and host-style URLs.

Event shapes: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
("Input format of a Lambda function for proxy integration") and
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
("Payload format structure": version, routeKey, rawPath, rawQueryString, cookies, headers
comma-joined, queryStringParameters comma-joined, requestContext.http, isBase64Encoded)."""

from __future__ import annotations

import base64
import json
import time
import urllib.request

from .conftest import send

# Top-level keys of AWS's documented REST (1.0) sample event.
REST_EVENT_KEYS = {"resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
                   "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
                   "isBase64Encoded"}
REST_CONTEXT_KEYS = {"accountId", "apiId", "domainName", "domainPrefix", "extendedRequestId", "httpMethod",
                     "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId",
                     "resourcePath", "stage"}
HTTP_CONTEXT_KEYS = {"accountId", "apiId", "domainName", "domainPrefix", "http", "requestId", "routeKey", "stage",
                     "time", "timeEpoch"}


def rest(server, api, path):
    return f"{server.endpoint}/restapis/{api}/dev/_user_request_{path}"


def http(server, api, path):
    return f"{server.endpoint}/restapis/{api}/$default/_user_request_{path}"


# --- REST API, payload 1.0 ------------------------------------------------------------------------------
def test_rest_proxy_event_has_aws_shape(server, rest_id):
    answer = send(rest(server, rest_id, "/proxy/a/b%20c?x=1&x=2&y=z"), "POST", b'{"k": 1}',
                  {"Content-Type": "application/json", "X-Dup": "one"})
    assert answer.status == 200
    event = answer.json()
    assert set(event) == REST_EVENT_KEYS
    assert event["resource"] == "/proxy/{proxy+}"
    assert event["path"] == "/proxy/a/b c"
    assert event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"proxy": "a/b c"}
    assert event["queryStringParameters"] == {"x": "2", "y": "z"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["z"]}
    # ASGI servers lower-case header names, so REST events carry them lower-cased (docs/apigateway.md).
    assert event["headers"]["x-dup"] == "one" and event["multiValueHeaders"]["x-dup"] == ["one"]
    assert event["stageVariables"] == {"color": "blue"}
    assert event["body"] == '{"k": 1}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert REST_CONTEXT_KEYS <= set(context)
    assert context["stage"] == "dev" and context["path"] == "/dev/proxy/a/b%20c"
    assert context["resourcePath"] == "/proxy/{proxy+}" and context["apiId"] == rest_id
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == answer.headers["x-amzn-RequestId"]
    assert "authorizer" not in context  # Authorizer: NONE on this route


def test_rest_proxy_response_headers_and_multi_value_headers(server, rest_id):
    answer = send(rest(server, rest_id, "/proxy/x"))
    assert answer.headers["X-Echo"] == "1"
    assert answer.headers.get_all("X-Multi") == ["a", "b"]


def test_rest_no_query_or_body_gives_nulls(server, rest_id):
    event = send(rest(server, rest_id, "/proxy/x")).json()
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None
    assert event["body"] is None


def test_unknown_rest_route_is_missing_authentication_token(server, rest_id):
    for path, method in (("/nothing-here", "GET"), ("/custom", "DELETE")):
        answer = send(rest(server, rest_id, path), method)
        assert answer.status == 403
        assert answer.json() == {"message": "Missing Authentication Token"}


def test_unknown_stage_of_rest_api(server, rest_id):
    answer = send(f"{server.endpoint}/restapis/{rest_id}/nostage/_user_request_/custom")
    assert answer.status == 403 and answer.json() == {"message": "Missing Authentication Token"}


def test_custom_status_and_binary_body(server, rest_id):
    assert send(rest(server, rest_id, "/custom?status=418")).status == 418
    png = send(rest(server, rest_id, "/custom?mode=binary"), headers={"Accept": "image/png"})
    assert png.status == 200 and png.body == b"\x89PNG\x00\x01binary"
    as_text = send(rest(server, rest_id, "/custom?mode=binary"), headers={"Accept": "application/json"})
    assert base64.b64decode(as_text.body) == b"\x89PNG\x00\x01binary"


def test_malformed_proxy_response_and_function_error_are_502(server, rest_id):
    for mode in ("malformed", "raise"):
        answer = send(rest(server, rest_id, f"/custom?mode={mode}"))
        assert answer.status == 502
        assert answer.json() == {"message": "Internal server error"}


def test_integration_timeout_is_504(server, rest_id):
    answer = send(rest(server, rest_id, "/slow?mode=sleep&seconds=3"))
    assert answer.status == 504
    assert answer.json() == {"message": "Endpoint request timed out"}


# --- REST authorizers ------------------------------------------------------------------------------------
def test_token_authorizer_allows_and_passes_context(server, rest_id):
    answer = send(rest(server, rest_id, "/items/7"), headers={"Authorization": "allow"})
    assert answer.status == 200
    authorizer = answer.json()["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-1"
    assert authorizer["user"] == "alice"
    assert authorizer["number"] == "7" and authorizer["flag"] == "true"  # REST stringifies context values


def test_token_authorizer_refusals(server, rest_id):
    missing = send(rest(server, rest_id, "/items/7"))
    assert missing.status == 401 and missing.json() == {"message": "Unauthorized"}
    raised = send(rest(server, rest_id, "/items/7"), headers={"Authorization": "who-knows"})
    assert raised.status == 401 and raised.json() == {"message": "Unauthorized"}
    denied = send(rest(server, rest_id, "/items/7"), headers={"Authorization": "deny"})
    assert denied.status == 403
    assert denied.json() == {"Message": "User is not authorized to access this resource with an explicit deny"}


def test_token_authorizer_result_is_cached_and_policy_reevaluated(server, rest_id):
    first = send(rest(server, rest_id, "/items/1"), headers={"Authorization": "allow"}).json()
    second = send(rest(server, rest_id, "/items/2"), headers={"Authorization": "allow"}).json()
    # The authorizer stamps the time it ran: the second request used the cached result.
    assert first["requestContext"]["authorizer"]["calledAt"] == second["requestContext"]["authorizer"]["calledAt"]
    # A cached policy allowing only GET /items/* is evaluated against each request's method ARN.
    allowed = send(rest(server, rest_id, "/items/3"), headers={"Authorization": "allow-items-only"})
    assert allowed.status == 200


def test_request_authorizer(server, rest_id):
    ok = send(rest(server, rest_id, "/guarded"), headers={"X-Pass": "yes"})
    assert ok.status == 200
    assert ok.json()["requestContext"]["authorizer"]["type"] == "REQUEST"
    assert ok.json()["requestContext"]["authorizer"]["path"] == "/guarded"
    assert send(rest(server, rest_id, "/guarded"), headers={"X-Pass": "no"}).status == 403
    assert send(rest(server, rest_id, "/guarded")).status == 401  # identity source missing


# --- CORS (REST: SAM's OPTIONS mock integrations) ----------------------------------------------------------
def test_rest_cors_preflight(server, rest_id):
    answer = send(rest(server, rest_id, "/items/1"), "OPTIONS",
                  headers={"Origin": "https://example.com", "Access-Control-Request-Method": "GET"})
    assert answer.status == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "https://example.com"
    assert answer.headers["Access-Control-Allow-Methods"] == "GET,POST,OPTIONS"
    assert answer.headers["Access-Control-Max-Age"] == "600"


# --- HTTP API, payload 2.0 ------------------------------------------------------------------------------------
def test_http_event_has_aws_shape(server, http_id):
    answer = send(http(server, http_id, "/items/9?p=1&p=2&q=x"), headers={
        "Cookie": "c1=v1; c2=v2", "X-Dup": "a", "User-Agent": "tester"})
    assert answer.status == 200
    event = answer.json()
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/9"
    assert event["rawQueryString"] == "p=1&p=2&q=x"
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["queryStringParameters"] == {"p": "1,2", "q": "x"}
    assert event["pathParameters"] == {"id": "9"}
    assert event["headers"]["x-dup"] == "a" and "cookie" not in event["headers"]
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert HTTP_CONTEXT_KEYS <= set(context)
    assert context["http"] == {"method": "GET", "path": "/items/9", "protocol": "HTTP/1.1",
                               "sourceIp": "127.0.0.1", "userAgent": "tester"}
    assert context["routeKey"] == "GET /items/{id}" and context["stage"] == "$default"
    assert context["requestId"] == answer.headers["apigw-requestid"]


def test_http_repeated_headers_are_comma_joined(server, http_id):
    request = urllib.request.Request(http(server, http_id, "/any"), method="PUT", data=b"\x00\x01",
                                     headers={"Content-Type": "application/octet-stream"})
    request.add_header("X-Rep", "1")
    event = json.loads(urllib.request.urlopen(request, timeout=30).read())
    assert event["routeKey"] == "ANY /any"
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\x01"


def test_http_plain_json_answer_becomes_200(server, http_id):
    answer = send(http(server, http_id, "/plain"))
    assert answer.status == 200
    assert answer.json() == {"hello": "world", "path": "/plain"}
    assert answer.headers["content-type"] == "application/json"


def test_http_default_route_and_cookies(server, http_id):
    answer = send(http(server, http_id, "/whatever/else?mode=cookies"))
    assert answer.status == 201 and answer.body == b"with cookies"
    assert answer.headers.get_all("set-cookie") == ["a=1; Path=/", "b=2"]


def test_http_unknown_stage_is_not_found(server, http_id):
    answer = send(f"{server.endpoint}/restapis/{http_id}/nostage/_user_request_/plain")
    assert answer.status == 404 and answer.json() == {"message": "Not Found"}


def test_http_lambda_authorizer_simple_responses(server, http_id):
    ok = send(http(server, http_id, "/secure"), headers={"Authorization": "secret"})
    assert ok.status == 200
    assert ok.json()["requestContext"]["authorizer"] == {"lambda": {"who": "http-user", "routeKey": "GET /secure"}}
    wrong = send(http(server, http_id, "/secure"), headers={"Authorization": "nope"})
    assert wrong.status == 403 and wrong.json() == {"message": "Forbidden"}
    missing = send(http(server, http_id, "/secure"))
    assert missing.status == 401 and missing.json() == {"message": "Unauthorized"}


def test_http_cors(server, http_id):
    preflight = send(http(server, http_id, "/items/1"), "OPTIONS", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "GET"})
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "https://example.com"
    assert preflight.headers["access-control-allow-methods"] == "GET,POST"
    assert preflight.headers["access-control-max-age"] == "600"
    simple = send(http(server, http_id, "/plain"), headers={"Origin": "https://example.com"})
    assert simple.headers["access-control-allow-origin"] == "https://example.com"
    other = send(http(server, http_id, "/plain"), headers={"Origin": "https://evil.example"})
    assert other.headers.get("access-control-allow-origin") is None


def test_http_step_functions_subtype(server, http_id):
    answer = send(http(server, http_id, "/workflow"), "POST", b'{"order": 5}', {"Content-Type": "application/json"})
    assert answer.status == 200
    started = answer.json()
    assert started["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:execution:OrdersStateMachine-")


# --- Step Functions and mock integrations with mapping templates ---------------------------------------------
def test_rest_start_execution_from_sam_event(server, rest_id):
    answer = send(rest(server, rest_id, "/orders"), "POST", b'{"id": "o-1"}', {"Content-Type": "application/json"})
    assert answer.status == 200
    assert answer.json()["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:execution:")


def test_rest_start_sync_execution_with_templates(server, workflow_id):
    answer = send(f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_/sync?q=qq", "POST",
                  b'{"who": "the \\"me\\""}', {"Content-Type": "application/json", "X-H": "hv"})
    assert answer.status == 200, answer.body
    assert answer.json() == {"status": "SUCCEEDED", "marked": True, "who": 'the "me"', "stage": "v1",
                             "q": "qq", "h": "hv"}


def test_unsupported_media_type_with_passthrough_never(server, workflow_id):
    """/sync has only an application/json template and `passthroughBehavior: never`."""
    answer = send(f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_/sync", "POST", b"who=me",
                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 415 and answer.json() == {"message": "Unsupported Media Type"}


def test_throttled_function_is_429(server, rest_id):
    """A function with ReservedConcurrentExecutions 0: Lambda throttles, API Gateway answers 429."""
    answer = send(rest(server, rest_id, "/throttled"))
    assert answer.status == 429 and answer.json() == {"message": "Too Many Requests"}


def test_mock_integration_with_context_and_stage_variables(server, workflow_id):
    answer = send(f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_/mock/zed")
    assert answer.status == 200
    assert answer.json() == {"mocked": True, "name": "zed", "stage": "v1", "color": ""}


def test_request_validators(server, workflow_id):
    url = f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_"
    bad = send(url + "/validated", "POST", b'{"item": "x", "quantity": 0}', {"Content-Type": "application/json"})
    assert bad.status == 400 and bad.json() == {"message": "Invalid request body"}
    good = send(url + "/validated", "POST", b'{"item": "x", "quantity": 2}', {"Content-Type": "application/json"})
    assert good.status == 200 and good.json() == {"valid": True}
    missing = send(url + "/needs-param")
    assert missing.status == 400 and missing.json() == {"message": "Missing required request parameters: [q]"}
    assert send(url + "/needs-param?q=1").status == 200


# --- host-style URLs ----------------------------------------------------------------------------------------------
def test_host_style_urls(server, rest_id, http_id):
    port = server.endpoint.rsplit(":", 1)[1]
    answer = send(f"http://127.0.0.1:{port}/dev/custom", headers={"Host": f"{rest_id}.execute-api.localhost:{port}"})
    assert answer.status == 200 and answer.body == b"custom"
    event = send(f"http://127.0.0.1:{port}/items/3", headers={"Host": f"{http_id}.execute-api.localhost:{port}"}).json()
    assert event["rawPath"] == "/items/3"
    assert event["requestContext"]["domainName"] == f"{http_id}.execute-api.localhost"


# --- JWT authorizer (keys by OpenID discovery from a loopback issuer) -------------------------------------------
def test_jwt_authorizer(server, http_id, issuer):
    url = http(server, http_id, "/jwt")
    ok = send(url, headers={"Authorization": f"Bearer {issuer.token()}"})
    assert ok.status == 200, ok.body
    jwt_context = ok.json()["requestContext"]["authorizer"]["jwt"]
    assert jwt_context["claims"]["sub"] == "u-1" and jwt_context["scopes"] == ["orders/read"]
    missing = send(url)
    assert missing.status == 401 and missing.json() == {"message": "Unauthorized"}
    expired = send(url, headers={"Authorization": issuer.token(exp=int(time.time()) - 10)})
    assert expired.status == 401
    wrong_audience = send(url, headers={"Authorization": issuer.token(aud="someone-else")})
    assert wrong_audience.status == 401
    no_scope = send(url, headers={"Authorization": issuer.token(scope="orders/write")})
    assert no_scope.status == 403 and no_scope.json() == {"message": "Forbidden"}


def test_template_outputs_are_working_local_urls(server, stack, rest_id, http_id):
    outputs = stack.output_values()
    assert outputs["RestUrl"] == f"http://127.0.0.1:4590/restapis/{rest_id}/dev/_user_request_/"
    assert outputs["HttpUrl"] == f"http://127.0.0.1:4590/restapis/{http_id}/$default/_user_request_/"
    port = server.endpoint.rsplit(":", 1)[1]
    assert send(outputs["RestUrl"].replace(":4590", f":{port}") + "custom").body == b"custom"


def test_lambda_non_proxy_integration_with_templates(server, workflow_id):
    url = f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_"
    answer = send(url + "/direct", "POST", b'{"p": "/given"}', {"Content-Type": "application/json"})
    assert answer.status == 200 and answer.json() == {"got": "/given", "hello": "world"}
    failed = send(url + "/direct-fail", "POST", b"{}", {"Content-Type": "application/json"})
    assert failed.status == 400 and failed.json() == {"error": "handler failed"}


def test_gateway_responses_customize_own_errors(server, workflow_id):
    url = f"{server.endpoint}/restapis/{workflow_id}/v1/_user_request_"
    missing = send(url + "/nothing")
    assert missing.status == 404
    assert missing.json() == {"error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN",
                              "stage": "v1"}
    assert missing.headers["Access-Control-Allow-Origin"] is None  # DEFAULT_4XX is only the fallback
    bad = send(url + "/validated", "POST", b"{}", {"Content-Type": "application/json"})
    assert bad.status == 400 and bad.json() == {"message": "Invalid request body"}
    assert bad.headers["Access-Control-Allow-Origin"] == "https://example.com"
