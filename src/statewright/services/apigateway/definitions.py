"""Read an API from what the template deploys: a REST API's or HTTP API's OpenAPI `Body` (with
API Gateway's `x-amazon-apigateway-*` extensions), HTTP API `Route`/`Integration` resources, and
the stages. Pure: dicts in, `Api` records out."""

from __future__ import annotations

import hashlib
from typing import Any

from statewright.services.common import AwsError

from .types import HTTP, REST, Api, Authorizer, Integration, Route

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
ANY_METHOD = "x-amazon-apigateway-any-method"
DEFAULT_TIMEOUT_MS = 29000


def bad_definition(api_id: str, field: str, why: str) -> AwsError:
    return AwsError("BadRequestException", f"API {api_id}: {field}: {why}", 400)


def resource_id(api_id: str, path: str) -> str:
    """A stable 6-character resource id (API Gateway's are random; stable ids survive restarts)."""
    return hashlib.sha256(f"{api_id}:{path}".encode()).hexdigest()[:6]


def _integer(value: Any, api_id: str, where: str, low: int, high: int) -> int:
    """A whole number within [low, high] (templates often give numbers as strings)."""
    try:
        number = int(str(value))
    except ValueError:
        raise bad_definition(api_id, where, f"'{value}' is not a whole number") from None
    if not low <= number <= high:
        raise bad_definition(api_id, where, f"{number} is not between {low} and {high}")
    return number


def integration_from_openapi(spec: dict[str, Any], api_id: str, where: str, http_api: bool) -> Integration:
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        raise bad_definition(api_id, where, "x-amazon-apigateway-integration needs a 'type'")
    for key in ("requestTemplates", "requestParameters", "responses"):
        if spec.get(key) is not None and not isinstance(spec[key], dict):
            raise bad_definition(api_id, f"{where}.x-amazon-apigateway-integration.{key}", "must be an object")
    timeout = _integer(spec.get("timeoutInMillis", DEFAULT_TIMEOUT_MS), api_id,
                       f"{where}.x-amazon-apigateway-integration.timeoutInMillis", 50, 300000)
    return Integration(
        type=spec["type"].upper(), uri=str(spec.get("uri", "")), http_method=str(spec.get("httpMethod", "POST")),
        payload_format=str(spec.get("payloadFormatVersion", "2.0" if http_api else "1.0")),
        subtype=str(spec.get("integrationSubtype", "")),
        request_templates=dict(spec.get("requestTemplates") or {}),
        request_parameters=dict(spec.get("requestParameters") or {}),
        responses=dict(spec.get("responses") or {}),
        passthrough=str(spec.get("passthroughBehavior", "WHEN_NO_MATCH")).upper(),
        timeout_seconds=timeout / 1000.0, credentials=str(spec.get("credentials") or ""))


def _authorizer(api_id: str, name: str, scheme: dict[str, Any], http_api: bool) -> Authorizer | None:
    spec = scheme.get("x-amazon-apigateway-authorizer")
    if not isinstance(spec, dict):
        return None
    kind = str(spec.get("type", "token")).upper()
    if kind not in ("TOKEN", "REQUEST", "JWT"):
        return None  # Cognito user pools: not emulated, the method is served unchecked (docs)
    sources = spec.get("identitySource")
    if isinstance(sources, str):
        sources_list = [s.strip() for s in sources.split(",") if s.strip()]
    else:
        sources_list = [str(s) for s in sources or []]
    if kind == "TOKEN" and not sources_list:
        sources_list = [f"method.request.header.{scheme.get('name') or 'Authorization'}"]
    if kind == "JWT":
        jwt = spec.get("jwtConfiguration") or {}
        audience = jwt.get("audience") or []
        return Authorizer(name, "JWT", identity_sources=tuple(sources_list or ["$request.header.Authorization"]),
                          issuer=str(jwt.get("issuer", "")), audience=tuple(audience),
                          jwks=str(jwt.get("jwksUri") or spec.get("x-statewright-jwks") or ""))
    default_ttl = 0 if http_api else 300
    return Authorizer(
        name, kind, function=str(spec.get("authorizerUri", "")), identity_sources=tuple(sources_list),
        ttl_seconds=_integer(spec.get("authorizerResultTtlInSeconds", default_ttl), api_id,
                             f"securitySchemes.{name}.authorizerResultTtlInSeconds", 0, 3600),
        validation_expression=spec.get("identityValidationExpression"),
        payload_format=str(spec.get("authorizerPayloadFormatVersion", "1.0")),
        simple_responses=bool(spec.get("enableSimpleResponses", False)))


def _schemes(body: dict[str, Any]) -> dict[str, Any]:
    schemes = dict(body.get("securityDefinitions") or {})
    schemes.update((body.get("components") or {}).get("securitySchemes") or {})
    return schemes


def _resolve(body: dict[str, Any], value: Any) -> Any:
    """Follow a local `$ref` (`#/components/schemas/Order`, `#/definitions/Order`)."""
    if isinstance(value, dict) and isinstance(value.get("$ref"), str) and value["$ref"].startswith("#/"):
        node: Any = body
        for part in value["$ref"][2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        return _resolve(body, node)
    return value


def _body_schemas(body: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """Content type → JSON schema, from OpenAPI 3 `requestBody` or Swagger 2 `in: body`."""
    schemas: dict[str, Any] = {}
    content = (_resolve(body, operation.get("requestBody")) or {}).get("content") or {}
    for media, entry in content.items():
        if isinstance(entry, dict) and "schema" in entry:
            schemas[media] = entry["schema"]
    for param in operation.get("parameters") or []:
        param = _resolve(body, param)
        if isinstance(param, dict) and param.get("in") == "body" and "schema" in param:
            for media in operation.get("consumes") or body.get("consumes") or ["application/json"]:
                schemas[media] = param["schema"]
    return schemas


def _required_params(body: dict[str, Any], operation: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found = []
    for param in operation.get("parameters") or []:
        param = _resolve(body, param)
        if isinstance(param, dict) and param.get("required") and param.get("in") in ("query", "header"):
            found.append((str(param["in"]), str(param.get("name"))))
    return tuple(found)


def _route(api_id: str, body: dict[str, Any], path: str, method: str, operation: dict[str, Any],
           http_api: bool, validators: dict[str, Any], schemes: dict[str, Any],
           authorizers: dict[str, Authorizer]) -> Route:
    spec = operation.get("x-amazon-apigateway-integration")
    integration = integration_from_openapi(spec, api_id, f"paths.{path}.{method}", http_api) if spec else None
    authorizer, scopes, api_key = None, (), False
    for requirement in operation.get("security", body.get("security")) or []:
        for name, wanted in (requirement or {}).items():
            scheme = schemes.get(name) or {}
            if name == "NONE":
                continue
            if name in authorizers:
                authorizer, scopes = name, tuple(wanted or ())
            elif (scheme.get("type") == "apiKey" and "x-amazon-apigateway-authtype" not in scheme
                  and str(scheme.get("name", "")).lower() == "x-api-key"):
                api_key = True
    validator_name = operation.get("x-amazon-apigateway-request-validator",
                                   body.get("x-amazon-apigateway-request-validator"))
    validator = validators.get(validator_name) if isinstance(validator_name, str) else None
    route_method = "ANY" if method == ANY_METHOD else method.upper()
    return Route(route_method, path, integration, resource_id(api_id, path), authorizer, scopes, api_key,
                 bool(validator and validator.get("validateRequestBody")),
                 bool(validator and validator.get("validateRequestParameters")),
                 {m: _resolve(body, s) for m, s in _body_schemas(body, operation).items()},
                 _required_params(body, operation))


def api_from_openapi(api_id: str, body: dict[str, Any], protocol: str, name: str = "") -> Api:
    """An API from its OpenAPI 2/3 document as API Gateway imports it."""
    if not isinstance(body, dict):
        raise bad_definition(api_id, "Body", "must be an OpenAPI document (an object)")
    http_api = protocol == HTTP
    schemes = _schemes(body)
    authorizers = {n: a for n, s in schemes.items() if isinstance(s, dict) and (a := _authorizer(api_id, n, s, http_api))}
    validators = dict(body.get("x-amazon-apigateway-request-validators") or {})
    routes = []
    for path, item in (body.get("paths") or {}).items():
        if not isinstance(item, dict):
            raise bad_definition(api_id, f"paths.{path}", "must be an object")
        for method, operation in item.items():
            if (method in METHODS or method == ANY_METHOD) and isinstance(operation, dict):
                routes.append(_route(api_id, body, path, method, operation, http_api, validators, schemes,
                                     authorizers))
    binary = tuple(str(t).replace("~1", "/") for t in body.get("x-amazon-apigateway-binary-media-types") or ())
    info = body.get("info") or {}
    return Api(id=api_id, name=name or str(info.get("title", api_id)), protocol=protocol, routes=routes,
               authorizers=authorizers, binary_media_types=binary,
               cors=body.get("x-amazon-apigateway-cors") if http_api else None,
               gateway_responses=dict(body.get("x-amazon-apigateway-gateway-responses") or {}),
               api_key_source=str(body.get("x-amazon-apigateway-api-key-source", "HEADER")),
               description=str(info.get("description", "")), document=body)


def integration_from_v2(props: dict[str, Any]) -> Integration:
    """An `AWS::ApiGatewayV2::Integration`'s properties."""
    return Integration(
        type=str(props.get("IntegrationType", "")).upper(), uri=str(props.get("IntegrationUri", "")),
        http_method=str(props.get("IntegrationMethod", "POST")),
        payload_format=str(props.get("PayloadFormatVersion", "2.0")),
        subtype=str(props.get("IntegrationSubtype", "")),
        request_templates=dict(props.get("RequestTemplates") or {}),
        request_parameters=dict(props.get("RequestParameters") or {}),
        timeout_seconds=_integer(props.get("TimeoutInMillis", 30000), str(props.get("ApiId", "")),
                                 "Integration.TimeoutInMillis", 50, 30000) / 1000.0,
        credentials=str(props.get("CredentialsArn") or ""))


def route_from_v2(props: dict[str, Any], integrations: dict[str, Integration],
                  authorizers: dict[str, str]) -> Route:
    """An `AWS::ApiGatewayV2::Route` (`RouteKey: GET /items/{id}` or `$default`)."""
    key = str(props.get("RouteKey", ""))
    method, _, path = key.partition(" ")
    if key == "$default":
        method, path = "ANY", "$default"
    target = str(props.get("Target", ""))
    integration = integrations.get(target.removeprefix("integrations/"))
    auth_type = str(props.get("AuthorizationType", "NONE")).upper()
    authorizer = authorizers.get(str(props.get("AuthorizerId", ""))) if auth_type != "NONE" else None
    return Route(method.upper(), path, integration, authorizer=authorizer,
                 scopes=tuple(props.get("AuthorizationScopes") or ()),
                 api_key_required=bool(props.get("ApiKeyRequired", False)))


def authorizer_from_v2(props: dict[str, Any]) -> Authorizer:
    """An `AWS::ApiGatewayV2::Authorizer` (REQUEST or JWT)."""
    kind = str(props.get("AuthorizerType", "REQUEST")).upper()
    sources = tuple(props.get("IdentitySource") or ())
    if kind == "JWT":
        jwt = props.get("JwtConfiguration") or {}
        return Authorizer(str(props.get("Name", "")), "JWT", identity_sources=sources or ("$request.header.Authorization",),
                          issuer=str(jwt.get("Issuer", "")), audience=tuple(jwt.get("Audience") or ()))
    return Authorizer(str(props.get("Name", "")), kind, function=str(props.get("AuthorizerUri", "")),
                      identity_sources=sources,
                      ttl_seconds=_integer(props.get("AuthorizerResultTtlInSeconds", 0), str(props.get("ApiId", "")),
                                           "Authorizer.AuthorizerResultTtlInSeconds", 0, 3600),
                      payload_format=str(props.get("AuthorizerPayloadFormatVersion", "1.0")),
                      simple_responses=bool(props.get("EnableSimpleResponses", False)))


def empty_api(api_id: str, protocol: str, name: str) -> Api:
    return Api(id=api_id, name=name, protocol=protocol)


__all__ = ["HTTP", "REST", "api_from_openapi", "authorizer_from_v2", "empty_api", "integration_from_v2",
           "resource_id", "route_from_v2"]
