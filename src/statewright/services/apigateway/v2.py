"""`apigatewayv2` for the runtime's services table: built empty, attached to the `apigateway`
service by the runtime (statewright.runtime: `_connect_apis`)."""

from __future__ import annotations

from statewright.services.common.platform import Platform

from .service import ApiGatewayV2Service


def create(platform: Platform) -> ApiGatewayV2Service:
    del platform
    return ApiGatewayV2Service()
