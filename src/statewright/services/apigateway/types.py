"""Contracts only: a request to a deployed API, the answer, and the model of an API (REST or HTTP)
as API Gateway keeps it once the template's OpenAPI body and resources are read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REST = "REST"
HTTP = "HTTP"


@dataclass(frozen=True)
class ApiRequest:
    """A client's request to an API stage, HTTP already taken apart by the edge. `path` is the
    path after the stage (`/items/1`), percent-encoded as sent; `headers` keep their order,
    names as the client wrote them, one pair per header line."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    host: str = ""

    def header(self, name: str) -> str | None:
        """The last value of a header (names compared without case), or None."""
        wanted, found = name.lower(), None
        for key, value in self.headers:
            if key.lower() == wanted:
                found = value
        return found


@dataclass
class ApiResponse:
    """What API Gateway answers: status, headers (repeatable), body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # For API Gateway's own answers: the gateway response type (`UNAUTHORIZED`, `ACCESS_DENIED`…)
    # that a REST API's `x-amazon-apigateway-gateway-responses` may customize.
    kind: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in reversed(self.headers) if k.lower() == wanted), None)


@dataclass(frozen=True)
class Integration:
    """`x-amazon-apigateway-integration` (REST) or an `AWS::ApiGatewayV2::Integration`.
    `type` is upper-case (`AWS_PROXY`, `AWS`, `MOCK`, `HTTP_PROXY`, `HTTP`)."""

    type: str
    uri: str = ""
    http_method: str = "POST"
    payload_format: str = "1.0"
    subtype: str = ""
    request_templates: dict[str, str] = field(default_factory=dict)
    request_parameters: dict[str, str] = field(default_factory=dict)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    passthrough: str = "WHEN_NO_MATCH"
    timeout_seconds: float = 29.0
    # The management API's view: the integration's id (an `AWS::ApiGatewayV2::Integration`'s
    # physical id; "" for one an OpenAPI body declares) and its role.
    id: str = ""
    credentials: str = ""


@dataclass(frozen=True)
class Authorizer:
    """A Lambda (`TOKEN`, `REQUEST`) or `JWT` authorizer. `identity_sources` are written as in
    the template (`method.request.header.Authorization`, `$request.header.Authorization`)."""

    name: str
    type: str
    function: str = ""
    identity_sources: tuple[str, ...] = ()
    ttl_seconds: int = 0
    validation_expression: str | None = None
    payload_format: str = "1.0"
    simple_responses: bool = False
    issuer: str = ""
    audience: tuple[str, ...] = ()
    jwks: str = ""
    # An `AWS::ApiGatewayV2::Authorizer`'s physical id; "" for one an OpenAPI body declares.
    id: str = ""


@dataclass(frozen=True)
class Route:
    """One method of a resource (REST) or one route (HTTP API). `method` is `ANY` for
    `x-amazon-apigateway-any-method`; an HTTP API's `$default` route has the path `$default`."""

    method: str
    path: str
    integration: Integration | None
    resource_id: str = ""
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    api_key_required: bool = False
    validate_body: bool = False
    validate_params: bool = False
    body_schemas: dict[str, Any] = field(default_factory=dict)
    required_params: tuple[tuple[str, str], ...] = ()
    # An `AWS::ApiGatewayV2::Route`'s physical id (the management API's RouteId); "" for a route
    # an OpenAPI body declares, whose id is derived from the API and route key.
    route_id: str = ""

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class Stage:
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    deployment_id: str = ""


@dataclass
class Api:
    """A REST API (`protocol` REST) or an HTTP API (HTTP) with what it serves."""

    id: str
    name: str
    protocol: str
    routes: list[Route] = field(default_factory=list)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    stages: dict[str, Stage] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    cors: dict[str, Any] | None = None
    gateway_responses: dict[str, Any] = field(default_factory=dict)
    api_key_source: str = "HEADER"
    description: str = ""
    root_resource_id: str = ""
    created: float = 0.0
    document: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class UsagePlan:
    """An `AWS::ApiGateway::UsagePlan`: the API stages it opens to its keys, and the quota
    (requests per DAY, WEEK or MONTH, the period starting `quota_offset` days in) and throttle
    (requests per second, burst) each of its keys gets."""

    id: str
    name: str
    stages: frozenset[tuple[str, str]] = frozenset()
    quota_limit: int | None = None
    quota_period: str = "DAY"
    quota_offset: int = 0
    rate_limit: float | None = None
    burst_limit: int | None = None


@dataclass(frozen=True)
class ApiKey:
    """An API key, the API stages it opens (through usage plans, or its own `StageKeys`) and
    the ids of its usage plans."""

    id: str
    name: str
    value: str
    enabled: bool = True
    stages: frozenset[tuple[str, str]] = frozenset()
    plans: tuple[str, ...] = ()
