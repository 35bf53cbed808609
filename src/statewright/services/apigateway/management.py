"""The read side of API Gateway's REST API management API (`apigateway`), enough for tooling and
the console: GetRestApis, GetRestApi, GetResources, GetResource (`embed=methods`), GetMethod,
GetMethodResponse, GetIntegration, GetIntegrationResponse, GetAuthorizers, GetAuthorizer,
GetRequestValidators, GetRequestValidator, GetStages, GetStage, GetDeployments, GetDeployment,
GetApiKeys, GetUsagePlans, GetUsagePlan, GetUsagePlanKeys. Outputs are the botocore output
shapes' members, filled as AWS fills them for an API imported from OpenAPI."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext

from .definitions import ANY_METHOD, resource_id
from .types import REST, Api, ApiKey, Authorizer, Route, UsagePlan

Apis = Callable[[], list[Api]]
DEFAULT_LIMIT = 25  # AWS's page size for the REST API's list operations
MAX_LIMIT = 500


def not_found(message: str) -> AwsError:
    return AwsError("NotFoundException", message, 404)


def created(api: Api) -> datetime:
    return datetime.fromtimestamp(api.created or 0, UTC)


def page(items: list[Any], request: dict[str, Any], *, limit_key: str = "limit", token_key: str = "position",
         default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> tuple[list[Any], str | None]:
    """One page of `items` and the token for the next (None on the last page)."""
    limit = request.get(limit_key)
    if limit is None:
        limit = default
    elif not isinstance(limit, int) or not 1 <= int(limit) <= maximum:
        raise AwsError("BadRequestException", f"1 validation error detected: Value '{limit}' at '{limit_key}' "
                       f"failed to satisfy constraint: Member must be between 1 and {maximum}", 400)
    start = 0
    token = request.get(token_key)
    if token:
        try:
            start = int(base64.urlsafe_b64decode(str(token).encode()).decode())
        except ValueError:
            raise AwsError("BadRequestException", f"Invalid {token_key} parameter: {token}", 400) from None
    end = start + int(limit)
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], following


def find_api(apis: Apis, api_id: Any, protocol: str, context: RequestContext) -> Api:
    found = next((a for a in apis() if a.id == api_id and a.protocol == protocol), None)
    if found is None:
        raise not_found(f"Invalid API identifier specified {context.account}:{api_id}")
    return found


def authorizer_id(api: Api, authorizer: Authorizer) -> str:
    return authorizer.id or resource_id(api.id, "authorizer:" + authorizer.name)


def rest_api(api: Api) -> dict[str, Any]:
    return {"id": api.id, "name": api.name, "description": api.description or None, "createdDate": created(api),
            "binaryMediaTypes": list(api.binary_media_types) or None, "apiKeySource": api.api_key_source,
            "endpointConfiguration": {"types": ["EDGE"]}, "disableExecuteApiEndpoint": False,
            "rootResourceId": _root_id(api)}


def _root_id(api: Api) -> str:
    return api.root_resource_id or resource_id(api.id, "/")


# --- resources and methods --------------------------------------------------------------------------

def _tree(api: Api) -> dict[str, dict[str, Any]]:
    """Path → resource (each path prefix is one), in the order API Gateway lists them."""
    found: dict[str, dict[str, Any]] = {"/": {"id": _root_id(api), "path": "/"}}
    for route in api.routes:
        parent = "/"
        for part in [p for p in route.path.split("/") if p]:
            here = parent.rstrip("/") + "/" + part
            if here not in found:
                found[here] = {"id": resource_id(api.id, here), "parentId": found[parent]["id"], "pathPart": part,
                               "path": here}
            parent = here
    return found


def _routes_at(api: Api, path: str) -> dict[str, Route]:
    return {r.method: r for r in api.routes if "/" + r.path.strip("/") == path}


def _resource(api: Api, entry: dict[str, Any], embed: bool) -> dict[str, Any]:
    out = dict(entry)
    routes = _routes_at(api, entry["path"])
    if routes:
        # Without `embed=methods` AWS lists each method as an empty object.
        out["resourceMethods"] = {name: (method(api, route) if embed else {}) for name, route in routes.items()}
    return out


def _resource_path(api: Api, request: dict[str, Any]) -> str:
    wanted = request.get("resourceId")
    path = next((p for p, e in _tree(api).items() if e["id"] == wanted), None)
    if path is None:
        raise not_found("Invalid Resource identifier specified")
    return path


def _route(api: Api, request: dict[str, Any]) -> Route:
    route = _routes_at(api, _resource_path(api, request)).get(str(request.get("httpMethod", "")).upper())
    if route is None:
        raise not_found("Invalid Method identifier specified")
    return route


def _operation(api: Api, route: Route) -> dict[str, Any]:
    """The route's OpenAPI operation object in the API's body ({} when there is none)."""
    item = (api.document.get("paths") or {}).get(route.path) or {}
    key = ANY_METHOD if route.method == "ANY" else route.method.lower()
    operation = item.get(key) if isinstance(item, dict) else None
    return operation if isinstance(operation, dict) else {}


_AUTH_TYPES = {"awssigv4": "AWS_IAM", "cognito_user_pools": "COGNITO_USER_POOLS"}


def _authorization_type(api: Api, route: Route, operation: dict[str, Any]) -> str:
    if route.authorizer:
        return "CUSTOM"
    schemes = dict(api.document.get("securityDefinitions") or {})
    schemes.update((api.document.get("components") or {}).get("securitySchemes") or {})
    for requirement in operation.get("security", api.document.get("security")) or []:
        for name in requirement or {}:
            kind = str((schemes.get(name) or {}).get("x-amazon-apigateway-authtype", "")).lower()
            if kind in _AUTH_TYPES:
                return _AUTH_TYPES[kind]
    return "NONE"


def _method_parameters(operation: dict[str, Any]) -> dict[str, bool]:
    where = {"path": "path", "query": "querystring", "header": "header"}
    found = {}
    for param in operation.get("parameters") or []:
        if isinstance(param, dict) and param.get("in") in where:
            found[f"method.request.{where[param['in']]}.{param.get('name')}"] = bool(param.get("required", False))
    return found


def _method_responses(operation: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for status, response in (operation.get("responses") or {}).items():
        if not re.fullmatch(r"[1-5]\d\d", str(status)):
            continue
        entry: dict[str, Any] = {"statusCode": str(status)}
        headers = (response or {}).get("headers") if isinstance(response, dict) else None
        if headers:
            entry["responseParameters"] = {f"method.response.header.{h}": False for h in headers}
        found[str(status)] = entry
    return found


def method(api: Api, route: Route) -> dict[str, Any]:
    """A `Method` with its `methodIntegration`, as GetMethod (and `embed=methods`) answer it."""
    operation = _operation(api, route)
    out: dict[str, Any] = {"httpMethod": route.method, "authorizationType": _authorization_type(api, route, operation),
                           "apiKeyRequired": route.api_key_required}
    if route.authorizer and route.authorizer in api.authorizers:
        out["authorizerId"] = authorizer_id(api, api.authorizers[route.authorizer])
    if route.scopes:
        out["authorizationScopes"] = list(route.scopes)
    if operation.get("operationId"):
        out["operationName"] = str(operation["operationId"])
    validator = operation.get("x-amazon-apigateway-request-validator",
                              api.document.get("x-amazon-apigateway-request-validator"))
    if isinstance(validator, str) and (route.validate_body or route.validate_params):
        out["requestValidatorId"] = resource_id(api.id, "validator:" + validator)
    if parameters := _method_parameters(operation):
        out["requestParameters"] = parameters
    if responses := _method_responses(operation):
        out["methodResponses"] = responses
    if route.integration is not None:
        out["methodIntegration"] = integration(route)
    return out


def integration(route: Route) -> dict[str, Any]:
    """A REST method's `Integration`."""
    spec = route.integration
    if spec is None:
        raise not_found("No integration defined for method")
    out: dict[str, Any] = {"type": spec.type, "passthroughBehavior": spec.passthrough,
                           "timeoutInMillis": round(spec.timeout_seconds * 1000),
                           "cacheNamespace": route.resource_id, "cacheKeyParameters": []}
    if spec.type != "MOCK":
        out.update(httpMethod=spec.http_method, uri=spec.uri, connectionType="INTERNET")
    if spec.credentials:
        out["credentials"] = spec.credentials
    if spec.request_parameters:
        out["requestParameters"] = dict(spec.request_parameters)
    if spec.request_templates:
        out["requestTemplates"] = dict(spec.request_templates)
    if spec.responses:
        out["integrationResponses"] = {r["statusCode"]: r for r in map(_integration_response, spec.responses.items())}
    return out


def _integration_response(item: tuple[str, Any]) -> dict[str, Any]:
    pattern, spec = item
    spec = spec if isinstance(spec, dict) else {}
    out: dict[str, Any] = {"statusCode": str(spec.get("statusCode", "200"))}
    if pattern != "default":
        out["selectionPattern"] = pattern
    for key in ("responseParameters", "responseTemplates", "contentHandling"):
        if spec.get(key):
            out[key] = spec[key]
    return out


# --- authorizers, stages, deployments -----------------------------------------------------------------

def authorizers(api: Api) -> list[dict[str, Any]]:
    """The API's authorizers: Lambda (TOKEN, REQUEST) and Cognito user pools."""
    found = []
    schemes = dict(api.document.get("securityDefinitions") or {})
    schemes.update((api.document.get("components") or {}).get("securitySchemes") or {})
    for name, scheme in schemes.items():
        spec = scheme.get("x-amazon-apigateway-authorizer") if isinstance(scheme, dict) else None
        if not isinstance(spec, dict):
            continue
        out: dict[str, Any] = {"name": name, "authType": str(scheme.get("x-amazon-apigateway-authtype", "custom"))}
        if name in api.authorizers:
            known = api.authorizers[name]
            out.update(id=authorizer_id(api, known), type=known.type, authorizerUri=known.function,
                       identitySource=", ".join(known.identity_sources) or None,
                       authorizerResultTtlInSeconds=known.ttl_seconds)
            if known.validation_expression:
                out["identityValidationExpression"] = known.validation_expression
        elif str(spec.get("type", "")).lower() == "cognito_user_pools":
            out.update(id=resource_id(api.id, "authorizer:" + name), type="COGNITO_USER_POOLS",
                       providerARNs=list(spec.get("providerARNs") or []),
                       identitySource=f"method.request.header.{scheme.get('name') or 'Authorization'}")
        else:
            continue
        if spec.get("authorizerCredentials"):
            out["authorizerCredentials"] = str(spec["authorizerCredentials"])
        found.append({k: v for k, v in out.items() if v is not None})
    return found


def request_validators(api: Api) -> list[dict[str, Any]]:
    """`x-amazon-apigateway-request-validators` of the API's body, with the ids methods name."""
    found = []
    for name, spec in (api.document.get("x-amazon-apigateway-request-validators") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        found.append({"id": resource_id(api.id, "validator:" + name), "name": name,
                      "validateRequestBody": bool(spec.get("validateRequestBody", False)),
                      "validateRequestParameters": bool(spec.get("validateRequestParameters", False))})
    return found


def stages(api: Api) -> list[dict[str, Any]]:
    return [{"stageName": s.name, "deploymentId": s.deployment_id or None, "variables": s.variables or None,
             "methodSettings": {}, "cacheClusterEnabled": False, "cacheClusterStatus": "NOT_AVAILABLE",
             "tracingEnabled": False, "createdDate": created(api), "lastUpdatedDate": created(api)}
            for s in api.stages.values()]


def deployments(api: Api) -> list[dict[str, Any]]:
    ids = dict.fromkeys(s.deployment_id for s in api.stages.values() if s.deployment_id)
    return [{"id": d, "createdDate": created(api)} for d in ids]


def _one(items: list[dict[str, Any]], key: str, wanted: Any, message: str) -> dict[str, Any]:
    found = next((item for item in items if item.get(key) == wanted), None)
    if found is None:
        raise not_found(message)
    return found


def _listed(items: list[Any], request: dict[str, Any], key: str = "items") -> dict[str, Any]:
    chosen, following = page(items, request)
    out: dict[str, Any] = {key: chosen}
    if following:
        out["position"] = following
    return out


V1_OPERATIONS = frozenset({
    "GetRestApis", "GetRestApi", "GetResources", "GetResource", "GetMethod", "GetMethodResponse", "GetIntegration",
    "GetIntegrationResponse", "GetAuthorizers", "GetAuthorizer", "GetStages", "GetStage", "GetDeployments",
    "GetDeployment", "GetRequestValidators", "GetRequestValidator"})


def handle_v1(apis: Apis, operation: str, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    if operation not in V1_OPERATIONS:
        raise AwsError("BadRequestException", f"Statewright does not implement the API Gateway operation {operation}",
                       400)
    if operation == "GetRestApis":
        return _listed([rest_api(a) for a in apis() if a.protocol == REST], request)
    api = find_api(apis, request.get("restApiId"), REST, context)
    embed = "methods" in (request.get("embed") or [])
    if operation == "GetRestApi":
        return rest_api(api)
    if operation == "GetResources":
        return _listed([_resource(api, e, embed) for e in _tree(api).values()], request)
    if operation == "GetResource":
        return _resource(api, _tree(api)[_resource_path(api, request)], embed)
    if operation == "GetMethod":
        return method(api, _route(api, request))
    if operation == "GetMethodResponse":
        responses = method(api, _route(api, request)).get("methodResponses") or {}
        return _one(list(responses.values()), "statusCode", request.get("statusCode"), "Invalid Response status code specified")
    if operation == "GetIntegration":
        return integration(_route(api, request))
    if operation == "GetIntegrationResponse":
        responses = integration(_route(api, request)).get("integrationResponses") or {}
        return _one(list(responses.values()), "statusCode", request.get("statusCode"), "Invalid Response status code specified")
    if operation == "GetAuthorizers":
        return _listed(authorizers(api), request)
    if operation == "GetAuthorizer":
        return _one(authorizers(api), "id", request.get("authorizerId"), "Invalid Authorizer identifier specified")
    if operation == "GetRequestValidators":
        return _listed(request_validators(api), request)
    if operation == "GetRequestValidator":
        return _one(request_validators(api), "id", request.get("requestValidatorId"),
                    "Invalid Request Validator identifier specified")
    if operation == "GetStages":
        return {"item": stages(api)}
    if operation == "GetStage":
        return _one(stages(api), "stageName", request.get("stageName"), "Invalid stage identifier specified")
    if operation == "GetDeployments":
        return _listed(deployments(api), request)
    return _one(deployments(api), "id", request.get("deploymentId"), "Invalid Deployment identifier specified")


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
    return _listed(items, request)


def usage_plan(plan: UsagePlan) -> dict[str, Any]:
    out: dict[str, Any] = {"id": plan.id, "name": plan.name,
                           "apiStages": [{"apiId": api, "stage": stage} for api, stage in sorted(plan.stages)]}
    if plan.quota_limit is not None:
        out["quota"] = {"limit": plan.quota_limit, "offset": plan.quota_offset, "period": plan.quota_period}
    if plan.rate_limit is not None or plan.burst_limit is not None:
        out["throttle"] = {k: v for k, v in (("rateLimit", plan.rate_limit), ("burstLimit", plan.burst_limit))
                           if v is not None}
    return out


def usage_plans(plans: list[UsagePlan], keys: list[ApiKey], operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """GetUsagePlans (`keyId` narrows them to one key's), GetUsagePlan, GetUsagePlanKeys."""
    if operation == "GetUsagePlans":
        key_id = request.get("keyId")
        chosen = [p for p in plans if not key_id or any(k.id == key_id and p.id in k.plans for k in keys)]
        return _listed([usage_plan(p) for p in chosen], request)
    plan = next((p for p in plans if p.id == request.get("usagePlanId")), None)
    if plan is None:
        raise not_found(f"Invalid Usage Plan ID specified: {request.get('usagePlanId')}")
    if operation == "GetUsagePlan":
        return usage_plan(plan)
    return _listed([{"id": k.id, "type": "API_KEY", "name": k.name, "value": k.value}
                    for k in keys if plan.id in k.plans], request)
