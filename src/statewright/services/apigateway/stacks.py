"""The APIs a loaded template deploys: `AWS::ApiGateway::RestApi` (OpenAPI `Body` or a local
`BodyS3Location` file) with its `Stage`s and `Deployment` stages, and `AWS::ApiGatewayV2::Api`
(a `Body`, or `Route`/`Integration`/`Authorizer` resources) with its stages — including the
implicit `ServerlessRestApi`/`ServerlessHttpApi` that SAM makes from function events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from statewright.services.common import AwsError

from .definitions import (
    api_from_openapi,
    authorizer_from_v2,
    bad_definition,
    empty_api,
    integration_from_v2,
    route_from_v2,
)
from .types import HTTP, REST, Api, ApiKey, Stage, UsagePlan

REST_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment",
              "AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlan", "AWS::ApiGateway::UsagePlanKey")
HTTP_TYPES = ("AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::Route",
              "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Authorizer")
API_TYPES = frozenset(REST_TYPES + HTTP_TYPES)
"""The resource types this service creates (for `load_stack(..., emulated_types=...)`)."""


def _body(api_id: str, props: dict[str, Any]) -> dict[str, Any] | None:
    body = props.get("Body")
    location = props.get("BodyS3Location")
    if body is None and isinstance(location, str):
        text = Path(location).read_text()
        body = json.loads(text) if location.endswith(".json") else yaml.safe_load(text)
    if body is not None and not isinstance(body, dict):
        raise bad_definition(api_id, "Body", "must be an OpenAPI document (an object)")
    return body


def _rest_api(resource: Any) -> Api:
    props = resource.properties
    api_id = str(resource.physical_id)
    body = _body(api_id, props)
    api = api_from_openapi(api_id, body, REST, str(props.get("Name", ""))) if body else empty_api(
        api_id, REST, str(props.get("Name", resource.logical_id)))
    if props.get("BinaryMediaTypes"):
        api.binary_media_types = tuple(str(t).replace("~1", "/") for t in props["BinaryMediaTypes"])
    api.description = str(props.get("Description", api.description))
    api.root_resource_id = str(resource.attributes.get("RootResourceId", ""))
    if api.root_resource_id:
        # The root resource's id is the RestApi's RootResourceId attribute, in events too.
        api.routes = [replace(r, resource_id=api.root_resource_id) if r.path == "/" else r for r in api.routes]
    return api


def _http_api(resource: Any) -> Api:
    props = resource.properties
    api_id = str(resource.physical_id)
    body = _body(api_id, props)
    api = api_from_openapi(api_id, body, HTTP, str(props.get("Name", ""))) if body else empty_api(
        api_id, HTTP, str(props.get("Name", resource.logical_id)))
    if props.get("CorsConfiguration"):
        api.cors = {k[0].lower() + k[1:]: v for k, v in props["CorsConfiguration"].items()}
    return api


def apis_from_stack(stack: Any) -> list[Api]:
    """Every REST and HTTP API of a `statewright.template.Stack`, with routes and stages."""
    apis: dict[str, Api] = {}
    for resource in stack.resources:
        if resource.type == "AWS::ApiGateway::RestApi":
            apis[str(resource.physical_id)] = _rest_api(resource)
        elif resource.type == "AWS::ApiGatewayV2::Api":
            apis[str(resource.physical_id)] = _http_api(resource)
    integrations = {str(r.physical_id): replace(integration_from_v2(r.properties), id=str(r.physical_id))
                    for r in stack.of_type("AWS::ApiGatewayV2::Integration")}
    authorizer_names = {}
    for resource in stack.of_type("AWS::ApiGatewayV2::Authorizer"):
        api = apis.get(str(resource.properties.get("ApiId")))
        if api is not None:
            authorizer = replace(authorizer_from_v2(resource.properties), id=str(resource.physical_id))
            api.authorizers[authorizer.name] = authorizer
            authorizer_names[str(resource.physical_id)] = authorizer.name
    for resource in stack.of_type("AWS::ApiGatewayV2::Route"):
        api = apis.get(str(resource.properties.get("ApiId")))
        if api is not None:
            route = replace(route_from_v2(resource.properties, integrations, authorizer_names),
                            route_id=str(resource.physical_id))
            api.routes = [r for r in api.routes if r.route_key != route.route_key] + [route]
    for resource in stack.resources:
        props = resource.properties
        api = apis.get(str(props.get("RestApiId") or props.get("ApiId") or ""))
        if api is None:
            continue
        if resource.type in ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
            name = str(props.get("StageName", resource.physical_id))
            variables = props.get("Variables") or props.get("StageVariables") or {}
            api.stages[name] = Stage(name, {str(k): str(v) for k, v in variables.items()},
                                     str(props.get("DeploymentId", "")))
        elif resource.type == "AWS::ApiGateway::Deployment" and props.get("StageName"):
            name = str(props["StageName"])
            api.stages.setdefault(name, Stage(name, {}, str(resource.physical_id)))
    return list(apis.values())


def _key_value(physical_id: str) -> str:
    """A key value for a key the template gives none: 40 characters like AWS's, but derived from
    the key's id so that it survives restarts."""
    return hashlib.sha256(f"statewright-api-key:{physical_id}".encode()).hexdigest()[:40]


def _bad_plan(plan_id: str, field: str, why: str) -> AwsError:
    return AwsError("BadRequestException", f"UsagePlan {plan_id}: {field}: {why}", 400)


def _number(plan_id: str, section: str, props: dict[str, Any], field: str, kind: type = int) -> Any:
    """`props[field]` of the plan's `section` (Quota, Throttle) as a number (templates often give
    numbers as strings), None when absent."""
    value = props.get(field)
    if value is None:
        return None
    try:
        return kind(str(value))
    except ValueError:
        raise _bad_plan(plan_id, f"{section}.{field}", f"'{value}' is not a number") from None


def usage_plans_from_stack(stack: Any) -> list[UsagePlan]:
    """The template's usage plans with their API stages, quota and throttle."""
    plans = []
    for resource in stack.of_type("AWS::ApiGateway::UsagePlan"):
        props, plan_id = resource.properties, str(resource.physical_id)
        quota, throttle = props.get("Quota") or {}, props.get("Throttle") or {}
        period = str(quota.get("Period", "DAY")).upper()
        if period not in ("DAY", "WEEK", "MONTH"):
            raise _bad_plan(plan_id, "Quota.Period", f"'{period}' is not DAY, WEEK or MONTH")
        plans.append(UsagePlan(
            plan_id, str(props.get("UsagePlanName", plan_id)),
            frozenset((str(s.get("ApiId")), str(s.get("Stage"))) for s in props.get("ApiStages") or []),
            _number(plan_id, "Quota", quota, "Limit"), period, _number(plan_id, "Quota", quota, "Offset") or 0,
            _number(plan_id, "Throttle", throttle, "RateLimit", float),
            _number(plan_id, "Throttle", throttle, "BurstLimit")))
    return plans


def api_keys_from_stack(stack: Any) -> list[ApiKey]:
    """The template's API keys, each with the stages its usage plans (and `StageKeys`) open."""
    plans = {plan.id: plan.stages for plan in usage_plans_from_stack(stack)}
    opened: dict[str, set[tuple[str, str]]] = {}
    linked: dict[str, list[str]] = {}
    for link in stack.of_type("AWS::ApiGateway::UsagePlanKey"):
        key_id, plan_id = str(link.properties.get("KeyId")), str(link.properties.get("UsagePlanId"))
        opened.setdefault(key_id, set()).update(plans.get(plan_id, set()))
        linked.setdefault(key_id, []).append(plan_id)
    keys = []
    for resource in stack.of_type("AWS::ApiGateway::ApiKey"):
        props = resource.properties
        key_id = str(resource.physical_id)
        stages = set(opened.get(key_id, set()))
        stages.update((str(s.get("RestApiId")), str(s.get("StageName"))) for s in props.get("StageKeys") or [])
        keys.append(ApiKey(key_id, str(props.get("Name", key_id)), str(props.get("Value") or _key_value(key_id)),
                           str(props.get("Enabled", True)).lower() != "false", frozenset(stages),
                           tuple(linked.get(key_id, ()))))
    return keys
