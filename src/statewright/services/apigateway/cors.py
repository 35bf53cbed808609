"""HTTP API CORS (`CorsConfiguration` / `x-amazon-apigateway-cors`): API Gateway answers
preflight requests itself and adds the CORS headers to the answers of allowed origins. (REST
APIs get CORS from the template instead: SAM writes `OPTIONS` mock integrations whose response
parameters carry the headers.)"""

from __future__ import annotations

from typing import Any

from .types import ApiRequest, ApiResponse


def _allowed_origin(config: dict[str, Any], origin: str) -> str | None:
    origins = [str(o) for o in config.get("allowOrigins") or []]
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def is_preflight(request: ApiRequest) -> bool:
    return (request.method == "OPTIONS" and request.header("origin") is not None
            and request.header("access-control-request-method") is not None)


def preflight(config: dict[str, Any], request: ApiRequest) -> ApiResponse:
    origin = request.header("origin") or ""
    allowed = _allowed_origin(config, origin)
    if allowed is None:
        return ApiResponse(204, [])
    headers = [("access-control-allow-origin", allowed)]
    methods = [str(m) for m in config.get("allowMethods") or []]
    if methods:
        headers.append(("access-control-allow-methods", ",".join(methods)))
    allow_headers = [str(h) for h in config.get("allowHeaders") or []]
    if allow_headers:
        headers.append(("access-control-allow-headers", ",".join(allow_headers)))
    if config.get("maxAge") is not None:
        headers.append(("access-control-max-age", str(config["maxAge"])))
    if config.get("allowCredentials"):
        headers.append(("access-control-allow-credentials", "true"))
    return ApiResponse(204, headers)


def add_headers(config: dict[str, Any], request: ApiRequest, response: ApiResponse) -> None:
    origin = request.header("origin")
    allowed = _allowed_origin(config, origin) if origin else None
    if allowed is None:
        return
    response.headers.append(("access-control-allow-origin", allowed))
    expose = [str(h) for h in config.get("exposeHeaders") or []]
    if expose:
        response.headers.append(("access-control-expose-headers", ",".join(expose)))
    if config.get("allowCredentials"):
        response.headers.append(("access-control-allow-credentials", "true"))
