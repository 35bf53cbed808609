"""Local Amazon API Gateway: the template's REST and HTTP APIs served at local URLs (Lambda proxy,
Step Functions and mock integrations, Lambda and JWT authorizers, CORS, validators), and the
management API's read side. The runtime builds it with `create(platform)` and connects it to
Lambda and Step Functions; `v2.create` builds the `apigatewayv2` view. See docs/apigateway.md."""

from __future__ import annotations

import time

from statewright.services.common.platform import Platform

from .origins import ExecutionOrigins
from .service import ApiGatewayService, ApiGatewayV2Service, ApiUrl
from .stacks import API_TYPES, apis_from_stack
from .types import Api, ApiRequest, ApiResponse


def create(platform: Platform) -> ApiGatewayService:
    settings = platform.settings
    origins = ExecutionOrigins(platform.store, time.time, region=settings.region) \
        if platform.store is not None else None
    return ApiGatewayService(settings.account_id, settings.region, origins=origins)


__all__ = ["API_TYPES", "Api", "ApiGatewayService", "ApiGatewayV2Service", "ApiRequest", "ApiResponse", "ApiUrl",
           "ExecutionOrigins", "apis_from_stack", "create"]
