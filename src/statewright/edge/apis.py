"""API Gateway URLs: `/restapis/<apiId>/<stage>/_user_request_/<path>` on any local host, and
`http://<apiId>.execute-api.localhost:<port>/<stage>/<path>`. The HTTP request is taken apart into
an `ApiRequest` and answered by the `apigateway` service on a worker thread (integrations block)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Host, Route, Router

from statewright.services.apigateway import ApiRequest
from statewright.services.common import Service

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
# Requests wait for their integration (up to 29 s): more threads than the default 40.
API_THREADS = 200
# API Gateway's payload limit (REST and HTTP APIs): 10 MB.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024


class ApiUrls:
    def __init__(self, services: Callable[[], Mapping[str, Service]]) -> None:
        self._services = services
        self._limiter: anyio.CapacityLimiter | None = None

    def routes(self) -> list[BaseRoute]:
        """The path-style routes (before the AWS catch-all)."""
        return [Route("/restapis/{api_id}/{stage}/_user_request_", self.path_style, methods=METHODS),
                Route("/restapis/{api_id}/{stage}/_user_request_/{path:path}", self.path_style, methods=METHODS)]

    def host(self) -> BaseRoute:
        """`<apiId>.execute-api.localhost`: the first path segment is the stage."""
        return Host("{api_id}.execute-api.localhost", Router([
            Route("/{stage}", self.host_style, methods=METHODS),
            Route("/{stage}/{path:path}", self.host_style, methods=METHODS),
            Route("/", self.host_style, methods=METHODS)]))

    async def path_style(self, request: Request) -> Response:
        params = request.path_params
        raw = request.scope.get("raw_path", b"").decode("latin-1")
        marker = f"/{params['stage']}/_user_request_"
        path = raw.split(marker, 1)[1] if marker in raw else "/" + params.get("path", "")
        return await self._answer(request, params["api_id"], params["stage"], path)

    async def host_style(self, request: Request) -> Response:
        params = request.path_params
        stage = params.get("stage")
        raw = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        api = self._service()
        found = api.api(params["api_id"]) if api is not None else None
        if found is not None and found.protocol == "HTTP" and "$default" in found.stages and stage not in found.stages:
            return await self._answer(request, params["api_id"], "$default", raw)
        path = raw[len(stage) + 1:] if stage and raw.startswith(f"/{stage}") else raw
        return await self._answer(request, params["api_id"], stage or "", path)

    def _service(self) -> Any:
        return self._services().get("apigateway")

    async def _answer(self, request: Request, api_id: str, stage: str, path: str) -> Response:
        service = self._service()
        if service is None:
            return JSONResponse({"message": "API Gateway is not running"}, 404)
        path = (path or "/").split("?", 1)[0] or "/"
        if not path.startswith("/"):
            path = "/" + path
        body = await _bounded_body(request)
        if body is None:
            return JSONResponse({"message": "Request Too Long"}, 413)
        api_request = ApiRequest(
            method=request.method, path=path, query=request.url.query,
            headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]),
            body=body, source_ip=request.client.host if request.client else "127.0.0.1",
            protocol=f"HTTP/{request.scope.get('http_version', '1.1')}", host=request.headers.get("host", ""))
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(API_THREADS)
        answer = await anyio.to_thread.run_sync(service.serve, api_id, stage, api_request, limiter=self._limiter)
        response = Response(answer.body if request.method != "HEAD" else b"", answer.status)
        response.raw_headers = [(b"content-length", str(len(answer.body)).encode())] + [
            (k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in answer.headers
            if k.lower() != "content-length"]
        return response


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None as soon as it exceeds API Gateway's 10 MB payload limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PAYLOAD_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PAYLOAD_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
