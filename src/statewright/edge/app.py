"""The one ASGI app: AWS JSON 1.0 services on `POST /`, the console on `/console/`.

AWS JSON 1.0 names the action in `X-Amz-Target: <ServicePrefix>.<Action>`, so requests are
routed by that header alone. The Host header is ignored, which makes the `sync-` host prefix that
boto3 adds for StartSyncExecution/TestState harmless when a client resolves it; clients that
cannot resolve `sync-127.0.0.1` set `inject_host_prefix=False` (see docs/server.md).

Other services join by registering a handler for their target prefix with `AwsJsonRouter`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from statewright.engine import Clock, Engine
from statewright.integrations.registry import Registry
from statewright.services.stepfunctions import ApiError, Arns, StepFunctionsService
from statewright.store import SqliteStore

from .config import ServerConfig

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.0"
# A 1 MB definition JSON-escaped inside the request can double in size; more is never valid.
MAX_BODY_BYTES = 4 * 1024 * 1024
# Threads for actions that may wait long (GetActivityTask long polls, StartSyncExecution).
LONG_ACTION_THREADS = 500


class AwsJsonService(Protocol):
    target_prefix: str

    def handle(self, action: str, request: dict[str, Any]) -> dict[str, Any]: ...
    def is_long(self, action: str) -> bool: ...


def error_response(code: str, message: str, status: int = 400) -> Response:
    return JSONResponse({"__type": code, "message": message}, status_code=status, media_type=CONTENT_TYPE)


class AwsJsonRouter:
    """`POST /`: finds the service by the target prefix and runs the action on a worker thread."""

    def __init__(self) -> None:
        self._services: dict[str, AwsJsonService] = {}
        self._long_limiter: anyio.CapacityLimiter | None = None

    def register(self, service: AwsJsonService) -> None:
        self._services[service.target_prefix] = service

    async def endpoint(self, request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        prefix, _, action = target.partition(".")
        service = self._services.get(prefix)
        if service is None or not action:
            return error_response("UnknownOperationException",
                                  f"Statewright does not implement the operation '{target or '(no X-Amz-Target)'}'")
        body = await _read_body(request)
        if body is None:
            return error_response("ValidationException",
                                  f"The request body is larger than {MAX_BODY_BYTES} bytes", 413)
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            return error_response("SerializationException", f"The request body is not valid JSON: {error}")
        if not isinstance(payload, dict):
            return error_response("SerializationException", "The request body must be a JSON object")
        return await self._run(service, action, payload)

    async def _run(self, service: AwsJsonService, action: str, payload: dict[str, Any]) -> Response:
        call: Callable[[], dict[str, Any]] = lambda: service.handle(action, payload)  # noqa: E731
        try:
            if service.is_long(action):
                if self._long_limiter is None:
                    self._long_limiter = anyio.CapacityLimiter(LONG_ACTION_THREADS)
                result = await anyio.to_thread.run_sync(call, limiter=self._long_limiter)
            else:
                result = await anyio.to_thread.run_sync(call)
        except ApiError as error:
            return error_response(error.code, error.message)
        except Exception as error:  # a bug must answer an error, never take the server down
            log.exception("%s.%s failed", service.target_prefix, action)
            return error_response("InternalFailure", f"{type(error).__name__}: {error}", 500)
        return Response(json.dumps(result), media_type=CONTENT_TYPE)


async def _read_body(request: Request) -> bytes | None:
    """The body, or None as soon as it exceeds MAX_BODY_BYTES (so it is never held whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class Runtime:
    """The running parts behind the app (store, engine, services), opened by its lifespan."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.router = AwsJsonRouter()
        self.store: SqliteStore | None = None
        self.engine: Engine | None = None

    def open(self) -> None:
        config = self.config
        registry = config.integrations
        for name in config.integration_modules:
            _load_integrations(name, registry)
        self.store = SqliteStore(config.data_dir)
        self.engine = Engine(self.store, registry, Clock(config.time_scale))
        self.engine.start()
        arns = Arns(account=config.account_id, region=config.region)
        self.router.register(StepFunctionsService(self.store, self.engine, arns, config.activity_poll_seconds))

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None


def _load_integrations(spec: str, registry: Registry) -> None:
    """Call `module:function` with the registry (how plugins and tests add task resources)."""
    module_name, _, function_name = spec.partition(":")
    module = importlib.import_module(module_name)
    getattr(module, function_name or "register")(registry)


def _console_routes() -> list[BaseRoute]:
    """The console's routes, when the console package is installed."""
    if importlib.util.find_spec("statewright.console") is None:
        return []
    console = importlib.import_module("statewright.console")
    make_routes = getattr(console, "routes", None)
    return list(make_routes()) if make_routes is not None else []


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(config: ServerConfig) -> Starlette:
    """The server's ASGI app. Nothing opens until the app starts (its lifespan)."""
    runtime = Runtime(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.open()
        try:
            yield
        finally:
            runtime.close()

    routes: list[BaseRoute] = [
        Route("/", runtime.router.endpoint, methods=["POST"]),
        Route("/health", _health, methods=["GET"]),
        *_console_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    return app
