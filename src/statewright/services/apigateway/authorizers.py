"""Lambda authorizers (REST `TOKEN`/`REQUEST`, HTTP API `REQUEST` with IAM-policy or simple
responses) and their result cache, with API Gateway's answers when access is refused:
401 `Unauthorized` (no identity, or the function raised "Unauthorized"), 403 for a policy that
does not allow the method ARN, 500 when the authorizer itself fails."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statewright.services.common import InvokeResult

from . import jwt_auth
from .events import Call, http_event, http_headers, multi_query, rest_event
from .policies import ALLOW, DENY, BadPolicy, evaluate
from .proxy import gateway_error
from .types import HTTP, Api, ApiResponse, Authorizer

LambdaCall = Callable[[str, bytes], InvokeResult]
# Bound on cached results: a client sending a new token per request must not grow memory forever.
CACHE_ENTRIES = 10_000
_FUNCTION_IN_URI = re.compile(r"functions/(arn:[^/]+)/invocations")


@dataclass(frozen=True)
class Outcome:
    """Either what `requestContext.authorizer` gets (`context`), or the refusal to send (`refusal`)."""

    context: dict[str, Any] | None = None
    refusal: ApiResponse | None = None


def function_of(uri: str) -> str:
    """The Lambda function ARN inside an `arn:aws:apigateway:…:lambda:path/…/functions/<arn>/invocations` URI."""
    found = _FUNCTION_IN_URI.search(uri)
    return found.group(1) if found else uri


def method_arn(call: Call, partition: str = "aws") -> str:
    path = call.request.path.lstrip("/")
    return (f"arn:{partition}:execute-api:{call.region}:{call.account}:{call.api_id}/{call.stage}/"
            f"{call.request.method}/{path}")


def unauthorized(http_api: bool) -> ApiResponse:
    headers = [] if http_api else [("x-amzn-ErrorType", "UnauthorizedException")]
    return gateway_error(401, "Unauthorized", headers=headers, kind="UNAUTHORIZED")


def forbidden(http_api: bool, explicit: bool = False) -> ApiResponse:
    if http_api:
        return gateway_error(403, "Forbidden", kind="ACCESS_DENIED")
    text = "User is not authorized to access this resource" + (" with an explicit deny" if explicit else "")
    return gateway_error(403, text, key="Message", headers=[("x-amzn-ErrorType", "AccessDeniedException")],
                         kind="ACCESS_DENIED")


def authorizer_failed(http_api: bool) -> ApiResponse:
    if http_api:
        return gateway_error(500, "Internal Server Error", kind="AUTHORIZER_CONFIGURATION_ERROR")
    return gateway_error(500, None, headers=[("x-amzn-ErrorType", "AuthorizerConfigurationException")],
                         kind="AUTHORIZER_CONFIGURATION_ERROR")


def identity_values(authorizer: Authorizer, call: Call) -> list[str] | None:
    """The identity sources' values, or None when one is missing (API Gateway then answers 401
    without calling the function)."""
    request = call.request
    headers, cookies = http_headers(request)
    query = multi_query(request.query)
    values = []
    for source in authorizer.identity_sources:
        kind, _, name = source.removeprefix("method.request.").removeprefix("$request.").partition(".")
        if source.startswith("$context.") or source.startswith("context."):
            value = None
        elif source.startswith(("stageVariables.", "$stageVariables.")):
            value = call.stage_variables.get(source.split(".", 1)[1])
        elif kind == "header":
            value = headers.get(name.lower())
        elif kind == "querystring":
            value = ",".join(query[name]) if name in query else None
        else:
            value = None
        if value is None or value == "":
            return None
        values.append(value)
    return values


class Authorizers:
    """Runs authorizers and remembers their results for their TTL (keyed by API, authorizer and
    identity values, as API Gateway's cache is; the cached policy is evaluated again for each
    request's method ARN)."""

    def __init__(self, call_lambda: LambdaCall, clock: Callable[[], float] = time.monotonic) -> None:
        self._call_lambda = call_lambda
        self._clock = clock
        self._cache: dict[tuple[str, str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.jwt = jwt_auth.JwtVerifier()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def authorize(self, api: Api, authorizer: Authorizer, call: Call, scopes: tuple[str, ...] = ()) -> Outcome:
        http_api = api.protocol == HTTP
        if authorizer.type == "JWT":
            return self.jwt.authorize(authorizer, call, scopes)
        values = identity_values(authorizer, call)
        if values is None and (authorizer.type == "TOKEN" or authorizer.identity_sources):
            return Outcome(refusal=unauthorized(http_api))
        if authorizer.type == "TOKEN" and authorizer.validation_expression and values:
            if not re.fullmatch(authorizer.validation_expression, values[0]):
                return Outcome(refusal=unauthorized(http_api))
        key = (api.id, authorizer.name, tuple(values or ()))
        answer = self._cached(key) if authorizer.ttl_seconds > 0 else None
        if answer is None:
            outcome_or_answer = self._invoke(api, authorizer, call, values or [])
            if isinstance(outcome_or_answer, Outcome):
                return outcome_or_answer
            answer = outcome_or_answer
            if authorizer.ttl_seconds > 0:
                self._remember(key, self._clock() + authorizer.ttl_seconds, answer)
        return self._decide(api, authorizer, call, answer)

    def _remember(self, key: tuple[str, str, tuple[str, ...]], expires: float, answer: dict[str, Any]) -> None:
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                now = self._clock()
                for stale in [k for k, (until, _) in self._cache.items() if until <= now]:
                    del self._cache[stale]
                while len(self._cache) >= CACHE_ENTRIES:  # still full: drop the oldest entries
                    del self._cache[next(iter(self._cache))]
            self._cache[key] = (expires, answer)

    def _cached(self, key: tuple[str, str, tuple[str, ...]]) -> dict[str, Any] | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._cache[key]
                return None
            return entry[1]

    def _invoke(self, api: Api, authorizer: Authorizer, call: Call, values: list[str]) -> dict[str, Any] | Outcome:
        http_api = api.protocol == HTTP
        event = self._event(api, authorizer, call, values)
        try:
            result = self._call_lambda(function_of(authorizer.function), json.dumps(event).encode())
        except Exception:  # noqa: BLE001 - an authorizer that cannot run is API Gateway's 500, not a crash
            return Outcome(refusal=authorizer_failed(http_api))
        if result.function_error:
            message = _error_message(result.payload)
            if message == "Unauthorized":
                return Outcome(refusal=unauthorized(http_api))
            return Outcome(refusal=authorizer_failed(http_api))
        try:
            answer = json.loads(result.payload or b"null")
        except ValueError:
            return Outcome(refusal=authorizer_failed(http_api))
        if not isinstance(answer, dict):
            return Outcome(refusal=authorizer_failed(http_api))
        return answer

    def _event(self, api: Api, authorizer: Authorizer, call: Call, values: list[str]) -> dict[str, Any]:
        arn = method_arn(call)
        if authorizer.type == "TOKEN":
            return {"type": "TOKEN", "authorizationToken": values[0] if values else "", "methodArn": arn}
        if api.protocol == HTTP and authorizer.payload_format == "2.0":
            event = http_event(call)
            event.pop("body", None)
            event.pop("isBase64Encoded", None)
            return {"version": "2.0", "type": "REQUEST", "routeArn": arn, "identitySource": values, **event}
        event = rest_event(call)
        event.pop("body", None)
        event.pop("isBase64Encoded", None)
        extra = {"identitySource": ",".join(values), "version": "1.0"} if api.protocol == HTTP else {}
        return {"type": "REQUEST", "methodArn": arn, **extra, **event}

    def _decide(self, api: Api, authorizer: Authorizer, call: Call, answer: dict[str, Any]) -> Outcome:
        http_api = api.protocol == HTTP
        context = answer.get("context")
        if context is not None and not isinstance(context, dict):
            return Outcome(refusal=authorizer_failed(http_api))
        if http_api and authorizer.simple_responses:
            if answer.get("isAuthorized") is not True:
                return Outcome(refusal=forbidden(True))
            return Outcome(context={"lambda": context or {}})
        try:
            verdict = evaluate(answer.get("policyDocument"), method_arn(call))
        except BadPolicy:
            return Outcome(refusal=authorizer_failed(http_api))
        if verdict != ALLOW:
            return Outcome(refusal=forbidden(http_api, explicit=verdict == DENY))
        principal = answer.get("principalId")
        if http_api:
            found: dict[str, Any] = {"lambda": context or {}}
            if principal is not None:
                found["principalId"] = principal
            return Outcome(context=found)
        # REST APIs hand the context on as strings (numbers and booleans stringified).
        flat = {k: _stringified(v) for k, v in (context or {}).items()}
        return Outcome(context={**flat, "principalId": principal, "integrationLatency": 0})


def _stringified(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _error_message(payload: bytes) -> str | None:
    try:
        answer = json.loads(payload)
    except ValueError:
        return None
    return answer.get("errorMessage") if isinstance(answer, dict) else None
