"""The read side of API Gateway's HTTP API management API (`apigatewayv2`): GetApis, GetApi,
GetRoutes, GetRoute, GetIntegrations, GetIntegration, GetAuthorizers, GetAuthorizer, GetStages,
GetStage, GetDeployments. Outputs are the botocore output shapes' members (the protocol layer
writes them with the wire's camelCase names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from statewright.services.common import AwsError, RequestContext

from .definitions import resource_id
from .management import Apis, created, find_api, page
from .types import HTTP, Api, Authorizer, Route


def not_found(kind: str, wanted: Any) -> AwsError:
    return AwsError("NotFoundException", f"Invalid {kind} identifier specified {wanted}", 404,
                    fields={"ResourceType": kind})


def http_api(api: Api, endpoint: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"ApiId": api.id, "Name": api.name, "ProtocolType": "HTTP",
                              "RouteSelectionExpression": "$request.method $request.path",
                              "ApiKeySelectionExpression": "$request.header.x-api-key",
                              "ApiEndpoint": f"{endpoint}/restapis/{api.id}/$default/_user_request_",
                              "CreatedDate": created(api), "DisableExecuteApiEndpoint": False}
    if api.description:
        answer["Description"] = api.description
    if api.cors:
        answer["CorsConfiguration"] = {k[0].upper() + k[1:]: v for k, v in api.cors.items()}
    return answer


def route_id(api: Api, route: Route) -> str:
    return route.route_id or resource_id(api.id, route.route_key)


def integration_id(api: Api, route: Route) -> str:
    """An OpenAPI-declared integration gets one id per route (as an import makes one per route)."""
    if route.integration is not None and route.integration.id:
        return route.integration.id
    return resource_id(api.id, "integration:" + route.route_key)


def authorizer_id(api: Api, authorizer: Authorizer) -> str:
    return authorizer.id or resource_id(api.id, "authorizer:" + authorizer.name)


def route(api: Api, chosen: Route) -> dict[str, Any]:
    authorizer = api.authorizers.get(chosen.authorizer) if chosen.authorizer else None
    kind = "NONE" if authorizer is None else ("JWT" if authorizer.type == "JWT" else "CUSTOM")
    out: dict[str, Any] = {"RouteId": route_id(api, chosen), "RouteKey": chosen.route_key, "AuthorizationType": kind,
                           "ApiKeyRequired": chosen.api_key_required, "ApiGatewayManaged": False}
    if authorizer is not None:
        out["AuthorizerId"] = authorizer_id(api, authorizer)
    if chosen.scopes:
        out["AuthorizationScopes"] = list(chosen.scopes)
    if chosen.integration is not None:
        out["Target"] = "integrations/" + integration_id(api, chosen)
    return out


def integration(api: Api, chosen: Route) -> dict[str, Any]:
    spec = chosen.integration
    if spec is None:
        raise not_found("Integration", route_id(api, chosen))
    out: dict[str, Any] = {"IntegrationId": integration_id(api, chosen), "IntegrationType": spec.type,
                           "IntegrationUri": spec.uri or None, "IntegrationMethod": spec.http_method,
                           "PayloadFormatVersion": spec.payload_format, "ConnectionType": "INTERNET",
                           "TimeoutInMillis": round(spec.timeout_seconds * 1000), "ApiGatewayManaged": False}
    if spec.subtype:
        out["IntegrationSubtype"] = spec.subtype
        out.pop("IntegrationUri")
    if spec.credentials:
        out["CredentialsArn"] = spec.credentials
    if spec.request_parameters:
        out["RequestParameters"] = dict(spec.request_parameters)
    if spec.request_templates:
        out["RequestTemplates"] = dict(spec.request_templates)
    return {k: v for k, v in out.items() if v is not None}


def integrations(api: Api) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chosen in api.routes:
        if chosen.integration is not None:
            found.setdefault(integration_id(api, chosen), integration(api, chosen))
    return list(found.values())


def authorizer(api: Api, chosen: Authorizer) -> dict[str, Any]:
    out: dict[str, Any] = {"AuthorizerId": authorizer_id(api, chosen), "Name": chosen.name,
                           "AuthorizerType": chosen.type, "IdentitySource": list(chosen.identity_sources)}
    if chosen.type == "JWT":
        out["JwtConfiguration"] = {"Audience": list(chosen.audience), "Issuer": chosen.issuer}
    else:
        out.update(AuthorizerUri=chosen.function, AuthorizerPayloadFormatVersion=chosen.payload_format,
                   AuthorizerResultTtlInSeconds=chosen.ttl_seconds, EnableSimpleResponses=chosen.simple_responses)
    return out


def stages(api: Api) -> list[dict[str, Any]]:
    return [{"StageName": s.name, "StageVariables": s.variables or None, "AutoDeploy": True,
             "DeploymentId": s.deployment_id or resource_id(api.id, "deployment:" + s.name),
             "DefaultRouteSettings": {"DetailedMetricsEnabled": False}, "RouteSettings": {}, "ApiGatewayManaged": False,
             "CreatedDate": created(api), "LastUpdatedDate": created(api)} for s in api.stages.values()]


def deployments(api: Api) -> list[dict[str, Any]]:
    ids = dict.fromkeys(stage["DeploymentId"] for stage in stages(api))
    return [{"DeploymentId": d, "DeploymentStatus": "DEPLOYED", "AutoDeployed": True, "CreatedDate": created(api)}
            for d in ids]


def _listed(items: list[Any], request: dict[str, Any]) -> dict[str, Any]:
    maximum = request.get("MaxResults")
    limited = dict(request, MaxResults=int(maximum)) if isinstance(maximum, str) and maximum.isdigit() else request
    chosen, following = page(items, limited, limit_key="MaxResults", token_key="NextToken", default=len(items) or 1,
                             maximum=max(len(items), 500))
    out: dict[str, Any] = {"Items": chosen}
    if following:
        out["NextToken"] = following
    return out


def _one(items: list[dict[str, Any]], key: str, wanted: Any, kind: str) -> dict[str, Any]:
    found = next((item for item in items if item.get(key) == wanted), None)
    if found is None:
        raise not_found(kind, wanted)
    return found


_LISTS: dict[str, Callable[[Api], list[dict[str, Any]]]] = {
    "GetRoutes": lambda api: [route(api, r) for r in api.routes],
    "GetIntegrations": integrations,
    "GetAuthorizers": lambda api: [authorizer(api, a) for a in api.authorizers.values()],
    "GetStages": stages,
    "GetDeployments": deployments,
}
_SINGLES = {"GetRoute": ("GetRoutes", "RouteId", "Route"),
            "GetIntegration": ("GetIntegrations", "IntegrationId", "Integration"),
            "GetAuthorizer": ("GetAuthorizers", "AuthorizerId", "Authorizer"),
            "GetStage": ("GetStages", "StageName", "Stage"),
            "GetDeployment": ("GetDeployments", "DeploymentId", "Deployment")}


def handle_v2(apis: Apis, operation: str, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    endpoint = str(context.extra.get("endpoint", ""))
    if operation == "GetApis":
        return _listed([http_api(a, endpoint) for a in apis() if a.protocol == HTTP], request)
    if operation not in _LISTS and operation not in _SINGLES and operation != "GetApi":
        raise AwsError("BadRequestException", f"Statewright does not implement the API Gateway V2 operation {operation}",
                       400)
    api = find_api(apis, request.get("ApiId"), HTTP, context)
    if operation == "GetApi":
        return http_api(api, endpoint)
    if operation in _LISTS:
        return _listed(_LISTS[operation](api), request)
    listing, key, kind = _SINGLES[operation]
    return _one(_LISTS[listing](api), key, request.get(key), kind)
