"""The read side of API Gateway's management APIs, enough for tooling: `apigateway` (REST APIs:
GetRestApis, GetRestApi, GetResources, GetStages, GetStage) and `apigatewayv2` (GetApis, GetApi,
GetRoutes, GetStages). Outputs are the botocore output shapes' members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext

from .definitions import resource_id
from .types import HTTP, REST, Api, ApiKey

Apis = Callable[[], list[Api]]


def _not_found(api_id: str, context: RequestContext) -> AwsError:
    return AwsError("NotFoundException", f"Invalid API identifier specified {context.account}:{api_id}", 404)


def _created(api: Api) -> datetime:
    return datetime.fromtimestamp(api.created or 0, UTC)


def _find(apis: Apis, api_id: Any, protocol: str, context: RequestContext) -> Api:
    found = next((a for a in apis() if a.id == api_id and a.protocol == protocol), None)
    if found is None:
        raise _not_found(str(api_id), context)
    return found


def rest_api(api: Api) -> dict[str, Any]:
    return {"id": api.id, "name": api.name, "description": api.description or None, "createdDate": _created(api),
            "binaryMediaTypes": list(api.binary_media_types) or None, "apiKeySource": api.api_key_source,
            "endpointConfiguration": {"types": ["EDGE"]}, "disableExecuteApiEndpoint": False,
            "rootResourceId": api.root_resource_id or resource_id(api.id, "/")}


def resources(api: Api) -> list[dict[str, Any]]:
    """Every resource of the tree (each path prefix is one), with its methods."""
    root = api.root_resource_id or resource_id(api.id, "/")
    found: dict[str, dict[str, Any]] = {"/": {"id": root, "path": "/"}}
    for route in api.routes:
        path = "/" + route.path.strip("/")
        parent = "/"
        for part in [p for p in path.split("/") if p]:
            here = (parent.rstrip("/") + "/" + part)
            if here not in found:
                found[here] = {"id": resource_id(api.id, here), "parentId": found[parent]["id"], "pathPart": part,
                               "path": here}
            parent = here
        entry = found[path]
        method = {"httpMethod": route.method, "authorizationType": "CUSTOM" if route.authorizer else "NONE",
                  "apiKeyRequired": route.api_key_required}
        if route.authorizer:
            method["authorizerId"] = resource_id(api.id, "authorizer:" + route.authorizer)
        entry.setdefault("resourceMethods", {})[route.method] = method
    return list(found.values())


def handle_v1(apis: Apis, operation: str, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    if operation == "GetRestApis":
        return {"items": [rest_api(a) for a in apis() if a.protocol == REST]}
    if operation == "GetRestApi":
        return rest_api(_find(apis, request.get("restApiId"), REST, context))
    if operation == "GetResources":
        return {"items": resources(_find(apis, request.get("restApiId"), REST, context))}
    if operation in ("GetStages", "GetStage"):
        api = _find(apis, request.get("restApiId"), REST, context)
        stages = [{"stageName": s.name, "deploymentId": s.deployment_id, "variables": s.variables or None,
                   "createdDate": _created(api), "lastUpdatedDate": _created(api)} for s in api.stages.values()]
        if operation == "GetStages":
            return {"item": stages}
        chosen = next((s for s in stages if s["stageName"] == request.get("stageName")), None)
        if chosen is None:
            raise AwsError("NotFoundException", "Invalid stage identifier specified", 404)
        return chosen
    raise AwsError("BadRequestException", f"Statewright does not implement the API Gateway operation {operation}", 400)


def http_api(api: Api, endpoint: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"ApiId": api.id, "Name": api.name, "ProtocolType": "HTTP",
                              "RouteSelectionExpression": "$request.method $request.path",
                              "ApiKeySelectionExpression": "$request.header.x-api-key",
                              "ApiEndpoint": f"{endpoint}/restapis/{api.id}/$default/_user_request_",
                              "CreatedDate": _created(api), "DisableExecuteApiEndpoint": False}
    if api.description:
        answer["Description"] = api.description
    if api.cors:
        answer["CorsConfiguration"] = {k[0].upper() + k[1:]: v for k, v in api.cors.items()}
    return answer


def handle_v2(apis: Apis, operation: str, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    endpoint = str(context.extra.get("endpoint", ""))
    if operation == "GetApis":
        return {"Items": [http_api(a, endpoint) for a in apis() if a.protocol == HTTP]}
    if operation == "GetApi":
        return http_api(_find(apis, request.get("ApiId"), HTTP, context), endpoint)
    if operation == "GetRoutes":
        api = _find(apis, request.get("ApiId"), HTTP, context)
        return {"Items": [{"RouteId": resource_id(api.id, r.route_key), "RouteKey": r.route_key,
                           "AuthorizationType": ("CUSTOM" if r.authorizer else "NONE"),
                           "ApiKeyRequired": r.api_key_required} for r in api.routes]}
    if operation == "GetStages":
        api = _find(apis, request.get("ApiId"), HTTP, context)
        return {"Items": [{"StageName": s.name, "StageVariables": s.variables or None,
                           "AutoDeploy": True, "CreatedDate": _created(api)} for s in api.stages.values()]}
    raise AwsError("BadRequestException", f"Statewright does not implement the API Gateway V2 operation {operation}", 400)


def api_keys(keys: list[ApiKey], request: dict[str, Any]) -> dict[str, Any]:
    """GetApiKeys: values only with `includeValues`, as on AWS."""
    items = []
    for key in keys:
        if request.get("nameQuery") and not key.name.startswith(str(request["nameQuery"])):
            continue
        item: dict[str, Any] = {"id": key.id, "name": key.name, "enabled": key.enabled,
                                "stageKeys": sorted(f"{api}/{stage}" for api, stage in key.stages)}
        if request.get("includeValues"):
            item["value"] = key.value
        items.append(item)
    return {"items": items}
