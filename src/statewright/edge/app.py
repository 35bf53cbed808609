"""The one ASGI app: health, the console on `/console/`, and the AWS protocols on every other path.

The app receives a built (not yet opened) `Runtime`; its lifespan opens and closes it. Only
requests for this machine's host names are answered (edge/hosts.py: DNS rebinding); the `sync-`
host prefix that boto3 adds for StartSyncExecution and TestState is one of them. AWS JSON
requests are answered by a plain-ASGI front before Starlette's layers (edge/rpc.py).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Receive, Scope, Send

from statewright.runtime import Runtime

from .apis import ApiUrls
from .aws import AwsEndpoint
from .errors import exception_handlers
from .hosts import LocalHostsOnly
from .origins import origin_route
from .reset import reset_route
from .rpc import RpcFront
from .s3 import S3Dispatch

AWS_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def _console_routes() -> list[BaseRoute]:
    """The console's routes, when the console package is installed."""
    if importlib.util.find_spec("statewright.console") is None:
        return []
    console = importlib.import_module("statewright.console")
    make_routes = getattr(console, "routes", None)
    return list(make_routes()) if make_routes is not None else []


def edge_serves(routes: list[BaseRoute]) -> Callable[[Scope], bool]:
    """Whether one of the edge's own `routes` answers a request. A bucket named like one of the
    edge's paths (`console`, `health`, `restapis`) gets every unsigned request these routes do not
    answer — a browser's CORS preflight or form POST, `/health/<key>` — while signed and presigned
    requests are S3's whatever their path (edge/s3.py)."""

    def serves(scope: Scope) -> bool:
        for route in routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                # Mounted apps here serve static files, which answer reads only.
                return not isinstance(route, Mount) or scope["method"] in ("GET", "HEAD")
        return False

    return serves


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


class EdgeApp(Starlette):
    """Starlette, with AWS JSON requests answered before its middleware and router (edge/rpc.py):
    the bulk of the traffic skips the layers that only cost it time."""

    rpc: RpcFront | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.rpc is not None and scope["type"] == "http":
            headers = self.rpc.takes(scope)
            if headers is not None:
                await self.rpc.answer(scope, headers, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(runtime: Runtime) -> Starlette:
    """The server's ASGI app. Nothing opens until the app starts (its lifespan)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.open()
        try:
            yield
        finally:
            runtime.close()

    aws = AwsEndpoint(lambda: runtime.services, runtime.settings)
    apis = ApiUrls(lambda: runtime.services)
    # The edge's own paths first (API Gateway's `<api>.execute-api.localhost` hosts before all);
    # everything else is an AWS request (any method: REST protocols).
    own: list[BaseRoute] = [
        apis.host(),
        Route("/health", _health, methods=["GET"]),
        reset_route(runtime),
        origin_route(runtime),
        *_console_routes(),
        *apis.routes(),
    ]
    routes = [*own, Route("/{path:path}", aws.endpoint, methods=list(AWS_METHODS))]
    middleware = [Middleware(LocalHostsOnly, configured_host=runtime.settings.host),
                  Middleware(S3Dispatch, services=lambda: runtime.services, settings=runtime.settings,
                             edge_serves=edge_serves(own))]
    # The edge's own errors (unknown methods, failures outside any service) in AWS's error shape.
    app = EdgeApp(routes=routes, lifespan=lifespan, middleware=middleware,
                  exception_handlers=exception_handlers(aws.models))
    app.rpc = RpcFront(aws, runtime.settings.host)
    app.state.runtime = runtime
    return app
