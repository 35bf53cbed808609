"""The events API Gateway sends to Lambda: the REST proxy event (payload format 1.0) and the
HTTP API event (payload format 2.0), field for field as AWS documents them:
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from .types import ApiRequest

# Content types HTTP APIs pass as text; anything else arrives base64-encoded.
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "application/x-www-form-urlencoded",
              "application/ld+json", "application/graphql", "application/yaml", "application/x-yaml")


@dataclass(frozen=True)
class Call:
    """One request as it reached a route: where, when, who, and what the authorizer said."""

    request: ApiRequest
    api_id: str
    stage: str
    resource_path: str
    resource_id: str
    route_key: str
    path_parameters: dict[str, str]
    stage_variables: dict[str, str]
    request_id: str
    account: str
    region: str
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    authorizer: dict[str, Any] | None = None
    binary_media_types: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        # The Host the client used when it named the API; for path-style local URLs, the name
        # that would (`<api>.execute-api.localhost`).
        host = self.request.host.rsplit(":", 1)[0] if ":" in self.request.host else self.request.host
        return host if ".execute-api." in host else f"{self.api_id}.execute-api.localhost"

    @property
    def request_time(self) -> str:
        """`09/Apr/2015:12:34:56 +0000`, the CLF form API Gateway uses."""
        return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


def multi_headers(request: ApiRequest) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in request.headers:
        found.setdefault(name, []).append(value)
    return found


def multi_query(query: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        found.setdefault(name, []).append(value)
    return found


def _matches_media(content_type: str, patterns: tuple[str, ...]) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    for pattern in patterns:
        pattern = pattern.lower()
        if pattern == "*/*" or pattern == kind or (pattern.endswith("/*") and kind.startswith(pattern[:-1])):
            return True
    return False


def is_binary_rest(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    return bool(content_type) and _matches_media(content_type or "", binary_media_types)


def is_text_http(content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return not kind or kind.startswith(TEXT_TYPES) or kind.endswith(("+json", "+xml"))


def _body(request: ApiRequest, binary: bool) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    if binary:
        return base64.b64encode(request.body).decode(), True
    return request.body.decode("utf-8", "replace"), False


def _identity(call: Call) -> dict[str, Any]:
    return {"cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None, "caller": None,
            "sourceIp": call.request.source_ip, "principalOrgId": None, "accessKey": None,
            "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None, "userArn": None,
            "userAgent": call.request.header("user-agent"), "user": None, "apiKey": None, "apiKeyId": None,
            "clientCert": None}


def rest_request_context(call: Call) -> dict[str, Any]:
    request = call.request
    context: dict[str, Any] = {
        "resourceId": call.resource_id, "resourcePath": call.resource_path, "httpMethod": request.method,
        "extendedRequestId": call.request_id.replace("-", "")[:16] + "=", "requestTime": call.request_time,
        "path": f"/{call.stage}{request.path}", "accountId": call.account, "protocol": request.protocol,
        "stage": call.stage, "domainPrefix": call.domain.split(".")[0], "requestTimeEpoch": call.epoch_ms,
        "requestId": call.request_id, "identity": _identity(call), "domainName": call.domain, "deploymentId": "",
        "apiId": call.api_id,
    }
    if call.authorizer is not None:
        context["authorizer"] = call.authorizer
    return context


def rest_event(call: Call) -> dict[str, Any]:
    """Payload format 1.0: the REST API Lambda proxy event (also HTTP APIs' `1.0` integrations)."""
    request = call.request
    headers = multi_headers(request)
    query = multi_query(request.query)
    body, encoded = _body(request, is_binary_rest(request.header("content-type"), call.binary_media_types))
    return {
        "resource": call.resource_path, "path": unquote(request.path), "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in headers.items()} or None, "multiValueHeaders": headers or None,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": call.path_parameters or None, "stageVariables": call.stage_variables or None,
        "requestContext": rest_request_context(call), "body": body, "isBase64Encoded": encoded,
    }


def http_path(call: Call) -> str:
    """The path as HTTP APIs report it: with the stage in front unless the stage is `$default`."""
    path = unquote(call.request.path)
    return path if call.stage == "$default" else f"/{call.stage}{path}"


def http_request_context(call: Call) -> dict[str, Any]:
    request = call.request
    context: dict[str, Any] = {
        "accountId": call.account, "apiId": call.api_id, "domainName": call.domain,
        "domainPrefix": call.domain.split(".")[0],
        "http": {"method": request.method, "path": http_path(call), "protocol": request.protocol,
                 "sourceIp": request.source_ip, "userAgent": request.header("user-agent") or ""},
        "requestId": call.request_id, "routeKey": call.route_key, "stage": call.stage,
        "time": call.request_time, "timeEpoch": call.epoch_ms,
    }
    if call.authorizer is not None:
        context["authorizer"] = call.authorizer
    return context


def http_headers(request: ApiRequest) -> tuple[dict[str, str], list[str]]:
    """Headers lower-cased with repeats comma-joined; cookies split out (payload format 2.0)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return headers, cookies


def http_event(call: Call) -> dict[str, Any]:
    """Payload format 2.0: the HTTP API Lambda proxy event."""
    request = call.request
    headers, cookies = http_headers(request)
    query = multi_query(request.query)
    body, encoded = _body(request, not is_text_http(request.header("content-type")))
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": call.route_key, "rawPath": http_path(call),
        "rawQueryString": request.query, "headers": headers,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    event["requestContext"] = http_request_context(call)
    if body is not None:
        event["body"] = body
    if call.path_parameters:
        event["pathParameters"] = call.path_parameters
    event["isBase64Encoded"] = encoded
    if call.stage_variables:
        event["stageVariables"] = call.stage_variables
    return event
