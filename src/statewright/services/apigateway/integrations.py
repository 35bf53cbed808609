"""What a route's integration does with a request: Lambda proxy (payload 1.0/2.0), `aws`
integrations (Step Functions actions and Lambda with mapping templates), HTTP API Step Functions
subtypes, `mock`, and `http_proxy`/`http` to a URL. Each answers an `ApiResponse`."""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statewright.services.common import AwsError, InvokeResult, RequestContext

from . import origins, vtl
from .authorizers import function_of
from .events import Call, http_event, http_headers, multi_query, rest_event
from .proxy import MalformedResponse, gateway_error, http_response, internal_error, rest_response
from .types import HTTP, Api, ApiResponse, Integration

log = logging.getLogger(__name__)

_STATES_ACTION = re.compile(r"^arn:[^:]+:apigateway:([^:]*):states:action/(\w+)$")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}


class IntegrationTimeout(Exception):
    """The integration did not answer within its timeout (API Gateway's 504)."""


@dataclass
class Backends:
    """The local services an integration reaches: `call_lambda(function, payload, timeout, request)`
    (`request`: origins.request_of the call, which names the invocation's X-Ray trace) and
    `call_states(operation, input, context)` (the Step Functions service's `handle`)."""

    call_lambda: Callable[[str, bytes, float, dict[str, Any] | None], InvokeResult]
    call_states: Callable[[str, dict[str, Any], RequestContext], dict[str, Any]]


def timed_out() -> ApiResponse:
    return gateway_error(504, "Endpoint request timed out", kind="INTEGRATION_TIMEOUT")


def execute(api: Api, integration: Integration, call: Call, backends: Backends) -> ApiResponse:
    kind = integration.type
    try:
        if kind == "AWS_PROXY" and integration.subtype.startswith("StepFunctions-"):
            return _states_subtype(integration, call, backends)
        if kind == "AWS_PROXY":
            return _lambda_proxy(api, integration, call, backends)
        if kind == "AWS":
            return _aws(integration, call, backends)
        if kind == "MOCK":
            return _mock(integration, call)
        if kind in ("HTTP_PROXY", "HTTP"):
            return _http(integration, call)
    except IntegrationTimeout:
        return timed_out()
    except vtl.TemplateError as error:
        log.warning("mapping template failed for %s %s: %s", api.id, call.route_key, error)
        return internal_error()
    return gateway_error(500, f"Statewright does not run integrations of type {kind}")


# --- Lambda proxy -------------------------------------------------------------------------------------
def _lambda_proxy(api: Api, integration: Integration, call: Call, backends: Backends) -> ApiResponse:
    v2 = api.protocol == HTTP and integration.payload_format == "2.0"
    event = http_event(call) if v2 else rest_event(call)
    if api.protocol == HTTP and not v2:
        event = {"version": "1.0", **event}  # HTTP APIs mark their 1.0 events
    try:
        result = backends.call_lambda(function_of(integration.uri), json.dumps(event).encode(),
                                      integration.timeout_seconds, origins.request_of(call))
    except AwsError as error:
        log.warning("Lambda integration of %s failed: %s", api.id, error)
        if error.code == "TooManyRequestsException":
            return gateway_error(429, "Too Many Requests", kind="THROTTLED")
        # A function that cannot be invoked (missing, misconfigured) is a configuration error:
        # 500, where a function that ran and failed is 502.
        return gateway_error(500, "Internal server error")
    if result.function_error:
        log.info("Lambda integration of %s %s: function error %s", api.id, call.route_key, result.payload[:500])
        return internal_error()
    try:
        if v2:
            return http_response(result.payload)
        return rest_response(result.payload, call.request.header("accept"), api.binary_media_types)
    except MalformedResponse as error:
        log.warning("Execution failed due to configuration error: Malformed Lambda proxy response (%s)", error)
        return internal_error()


# --- mapping templates ------------------------------------------------------------------------------------
def template_params(call: Call) -> dict[str, dict[str, str]]:
    headers = {name: value for name, value in call.request.headers}
    query = {k: v[-1] for k, v in multi_query(call.request.query).items()}
    return {"path": dict(call.path_parameters), "querystring": query, "header": headers}


def template_context(call: Call) -> dict[str, Any]:
    request = call.request
    return {
        "requestId": call.request_id, "extendedRequestId": call.request_id, "stage": call.stage,
        "apiId": call.api_id, "accountId": call.account, "httpMethod": request.method,
        "resourcePath": call.resource_path, "resourceId": call.resource_id, "path": f"/{call.stage}{request.path}",
        "domainName": call.domain, "domainPrefix": call.domain.split(".")[0], "protocol": request.protocol,
        "requestTime": call.request_time, "requestTimeEpoch": call.epoch_ms,
        "identity": {"sourceIp": request.source_ip, "userAgent": request.header("user-agent") or ""},
        "authorizer": call.authorizer or {},
    }


class UnsupportedMediaType(Exception):
    pass


def _request_body(integration: Integration, call: Call) -> str:
    """The integration request body: the request template for the request's content type, or the
    body passed through as `passthroughBehavior` allows."""
    body = call.request.body.decode("utf-8", "replace")
    kind = (call.request.header("content-type") or "application/json").split(";")[0].strip().lower()
    templates = {k.lower(): v for k, v in integration.request_templates.items()}
    template = templates.get(kind)
    if template is None:
        if integration.passthrough == "NEVER" or (integration.passthrough == "WHEN_NO_TEMPLATES" and templates):
            raise UnsupportedMediaType(kind)
        return body
    return vtl.render(template, body, template_params(call), template_context(call), call.stage_variables)


def _select_response(integration: Integration, status: str) -> dict[str, Any]:
    default: dict[str, Any] = {}
    for pattern, response in integration.responses.items():
        if not isinstance(response, dict):
            continue
        if pattern == "default":
            default = response
        elif re.fullmatch(pattern, status, re.DOTALL):
            return response
    return default


def _integration_response(integration: Integration, call: Call, status: str, body: str,
                          backend_headers: dict[str, str] | None = None) -> ApiResponse:
    chosen = _select_response(integration, status)
    templates = chosen.get("responseTemplates") or {}
    template = templates.get("application/json") if templates else None
    if template is None and templates:
        template = next(iter(templates.values()))
    out = body if template is None else vtl.render(template, body, template_params(call), template_context(call),
                                                   call.stage_variables)
    headers = [("Content-Type", "application/json")]
    for name, source in (chosen.get("responseParameters") or {}).items():
        header = str(name).removeprefix("method.response.header.")
        value = _parameter_value(str(source), backend_headers or {})
        if value is not None:
            headers.append((header, value))
    code = int(chosen.get("statusCode", status if status.isdigit() else 200))
    return ApiResponse(code, headers, out.encode())


def _parameter_value(source: str, backend_headers: dict[str, str]) -> str | None:
    if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
        return source[1:-1]
    if source.startswith("integration.response.header."):
        return backend_headers.get(source.removeprefix("integration.response.header.").lower())
    return None


def _mock(integration: Integration, call: Call) -> ApiResponse:
    try:
        rendered = _request_body(integration, call)
    except UnsupportedMediaType:
        return gateway_error(415, "Unsupported Media Type", kind="UNSUPPORTED_MEDIA_TYPE")
    try:
        status = str(json.loads(rendered).get("statusCode", 200))
    except (ValueError, AttributeError):
        status = "200"
    return _integration_response(integration, call, status, "")


# --- AWS service integrations ---------------------------------------------------------------------------
def _aws(integration: Integration, call: Call, backends: Backends) -> ApiResponse:
    try:
        rendered = _request_body(integration, call)
    except UnsupportedMediaType:
        return gateway_error(415, "Unsupported Media Type", kind="UNSUPPORTED_MEDIA_TYPE")
    action = _STATES_ACTION.match(integration.uri)
    if action is not None:
        return _states_action(integration, call, backends, action.group(2), action.group(1) or call.region, rendered)
    if ":lambda:path/" in integration.uri:
        result = backends.call_lambda(function_of(integration.uri), rendered.encode(), integration.timeout_seconds,
                                      origins.request_of(call))
        if result.function_error:
            # Non-proxy Lambda errors are matched by their errorMessage (selectionPattern).
            return _integration_response(integration, call, _error_message(result.payload), result.payload.decode())
        return _integration_response(integration, call, "200", result.payload.decode())
    return gateway_error(500, f"Statewright does not run AWS integrations to {integration.uri}")


def _error_message(payload: bytes) -> str:
    try:
        answer = json.loads(payload or b"{}")
    except ValueError:
        return ""
    return str(answer.get("errorMessage", "")) if isinstance(answer, dict) else ""


def _states_action(integration: Integration, call: Call, backends: Backends, operation: str, region: str,
                   rendered: str) -> ApiResponse:
    context = RequestContext(region=region, account=call.account, request_id=call.request_id,
                             extra={origins.CONTEXT_KEY: origins.request_of(call)})
    try:
        request = json.loads(rendered) if rendered.strip() else {}
        if not isinstance(request, dict):
            raise ValueError("not an object")
    except ValueError:
        output, status = {"__type": "SerializationException", "message": "Invalid JSON in the request"}, "400"
    else:
        try:
            output, status = backends.call_states(operation, request, context), "200"
        except AwsError as error:
            output = {"__type": error.code, "message": error.message}
            status = str(error.status or 400)
    return _integration_response(integration, call, status, json.dumps(output, default=_json_default))


def _json_default(value: Any) -> Any:
    timestamp = getattr(value, "timestamp", None)
    if callable(timestamp):
        return timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _states_subtype(integration: Integration, call: Call, backends: Backends) -> ApiResponse:
    """HTTP API `StepFunctions-StartExecution|StartSyncExecution|StopExecution`: request parameters
    (`StateMachineArn`, `Input`, `Name`, `ExecutionArn`…) mapped from `$request.*`."""
    operation = integration.subtype.removeprefix("StepFunctions-")
    request: dict[str, Any] = {}
    for key, source in integration.request_parameters.items():
        request[key[0].lower() + key[1:]] = _v2_parameter(str(source), call)
    region = str(request.pop("region", "") or call.region)
    context = RequestContext(region=region, account=call.account, request_id=call.request_id,
                             extra={origins.CONTEXT_KEY: origins.request_of(call)})
    try:
        output = backends.call_states(operation, request, context)
    except AwsError as error:
        return gateway_error(error.status or 400, error.message)
    body = json.dumps(output, default=_json_default).encode()
    return ApiResponse(200, [("Content-Type", "application/json")], body)


def _v2_parameter(source: str, call: Call) -> str:
    """`$request.body`, `$request.body.name`, `$request.header.x`, `$request.querystring.q`,
    `$request.path.p`, `$context.requestId`, `$stageVariables.v`; other text is literal."""
    if source == "$request.body":
        return call.request.body.decode("utf-8", "replace")
    if source.startswith("$request.body."):
        try:
            data = json.loads(call.request.body or b"{}")
        except ValueError:
            return ""
        for part in source.removeprefix("$request.body.").split("."):
            data = data.get(part) if isinstance(data, dict) else None
        return data if isinstance(data, str) else json.dumps(data)
    if source.startswith("$request.header."):
        return http_headers(call.request)[0].get(source.removeprefix("$request.header.").lower(), "")
    if source.startswith("$request.querystring."):
        return ",".join(multi_query(call.request.query).get(source.removeprefix("$request.querystring."), []))
    if source.startswith("$request.path."):
        return call.path_parameters.get(source.removeprefix("$request.path."), "")
    if source.startswith("$context."):
        return str(template_context(call).get(source.removeprefix("$context."), ""))
    if source.startswith("$stageVariables."):
        return call.stage_variables.get(source.removeprefix("$stageVariables."), "")
    return source


# --- HTTP ---------------------------------------------------------------------------------------------
def _http(integration: Integration, call: Call) -> ApiResponse:
    url = integration.uri
    for name, value in call.path_parameters.items():
        url = url.replace("{" + name + "+}", value).replace("{" + name + "}", value)
    if integration.type == "HTTP_PROXY" and call.request.query and "?" not in url:
        url += "?" + call.request.query
    headers = {k: v for k, v in call.request.headers if k.lower() not in HOP_HEADERS}
    method = call.request.method if integration.http_method.upper() == "ANY" else integration.http_method.upper()
    outgoing = urllib.request.Request(url, data=call.request.body or None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(outgoing, timeout=integration.timeout_seconds) as answer:
            status, answer_headers, body = answer.status, list(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, body = error.code, list(error.headers.items()), error.read()
    except TimeoutError as error:
        raise IntegrationTimeout() from error
    except OSError:
        return internal_error()
    kept = [(k, v) for k, v in answer_headers if k.lower() not in HOP_HEADERS]
    return ApiResponse(status, kept, body)
