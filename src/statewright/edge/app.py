"""The one ASGI app: health, the console on `/console/`, and the AWS protocols on every other path.

The app receives a built (not yet opened) `Runtime`; its lifespan opens and closes it. Only
requests for this machine's host names are answered (edge/hosts.py: DNS rebinding); the `sync-`
host prefix that boto3 adds for StartSyncExecution and TestState is one of them.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from statewright.runtime import Runtime

from .apis import ApiUrls
from .aws import AwsEndpoint
from .errors import exception_handlers
from .hosts import LocalHostsOnly
from .origins import origin_route
from .reset import reset_route
from .s3 import S3Dispatch

AWS_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
# First path segments the edge serves itself; an unsigned request for them is never S3's.
EDGE_PATHS = frozenset({"health", "console", "restapis", "_statewright"})


def _console_routes() -> list[BaseRoute]:
    """The console's routes, when the console package is installed."""
    if importlib.util.find_spec("statewright.console") is None:
        return []
    console = importlib.import_module("statewright.console")
    make_routes = getattr(console, "routes", None)
    return list(make_routes()) if make_routes is not None else []


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


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
    routes: list[BaseRoute] = [
        apis.host(),
        Route("/health", _health, methods=["GET"]),
        reset_route(runtime),
        origin_route(runtime),
        *_console_routes(),
        *apis.routes(),
        Route("/{path:path}", aws.endpoint, methods=list(AWS_METHODS)),
    ]
    middleware = [Middleware(LocalHostsOnly, configured_host=runtime.settings.host),
                  Middleware(S3Dispatch, services=lambda: runtime.services, settings=runtime.settings,
                             reserved=EDGE_PATHS)]
    # The edge's own errors (unknown methods, failures outside any service) in AWS's error shape.
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                    exception_handlers=exception_handlers(aws.models))
    app.state.runtime = runtime
    return app
