"""The AWS endpoint: one HTTP request → (service, operation, input) → the service → the wire.

Which service a request is for, and its region, come from the SigV4 credential scope where there
is one (so a client configured for us-west-2 gets us-west-2 ARNs), otherwise from the protocol's
markers (statewright.protocols.routing). The protocol named by the route parses the request and
writes the answer, both driven by botocore's model of the service. The service call runs on a
worker thread (services block on the store and on the engine), unless the service answers
that request on the event loop (services.common.LoopService).
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, cast

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from statewright.protocols import (
    HttpRequest,
    HttpResponse,
    ProtocolError,
    Route,
    RouteCache,
    ServiceModels,
    unroutable,
)
from statewright.protocols.limits import check_nesting, too_deep
from statewright.services.common import AwsError, LoopService, RequestContext, Service
from statewright.services.common.platform import Settings

log = logging.getLogger(__name__)

# A 1 MB definition JSON-escaped inside the request can double in size; more is never valid for
# the services that read whole bodies.
MAX_BODY_BYTES = 4 * 1024 * 1024
# Threads for operations that may wait long (GetActivityTask long polls, StartSyncExecution).
LONG_OPERATION_THREADS = 500


class AwsEndpoint:
    """Every request the edge's own routes do not take."""

    def __init__(self, services: Callable[[], Mapping[str, Service]], settings: Settings,
                 models: ServiceModels | None = None) -> None:
        self._services = services
        self._settings = settings
        self._models = models or ServiceModels()
        self._long_limiter: anyio.CapacityLimiter | None = None
        self._request_ids = RequestIds()
        self._routes = RouteCache(self._models)

    @property
    def models(self) -> ServiceModels:
        return self._models

    def request_id(self) -> str:
        """A fresh AWS-shaped request id (for answers written outside `answer`)."""
        return self._request_ids.next()

    async def endpoint(self, request: Request) -> Response:
        """The Starlette route: every AWS request the plain-ASGI front (edge/rpc.py) leaves."""
        body = await read_body(request.stream(), request.headers.get("content-length", ""))
        # The raw path: percent-encoded slashes in a label (`/v2/tags/arn%3A…%2Ffuzz`) stay one segment.
        raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1").split("?", 1)[0]
        http = HttpRequest(request.method, raw_path, request.url.query,
                           {name.lower(): value for name, value in request.headers.items()}, body or b"")
        return starlette_response(await self.answer(http, too_large=body is None), http.method)

    async def answer(self, http: HttpRequest, too_large: bool = False) -> HttpResponse:
        """The answer to one request (`too_large`: its body passed MAX_BODY_BYTES and was dropped)."""
        request_id = self._request_ids.next()
        services = self._services()
        route = self._routes.identify(http, services.keys(), self._settings.region)
        if route is None:
            return unroutable(http, self._models, request_id)
        model = self._models.get(route.service)
        if too_large:
            error = AwsError("ValidationException", f"The request body is larger than {MAX_BODY_BYTES} bytes", 413)
            return route.protocol.serialize_error(model, None, error, request_id)
        return await self._answer(services[route.service], route, model, http, request_id)

    async def _answer(self, service: Service, route: Route, model: Any, http: HttpRequest,
                      request_id: str) -> HttpResponse:
        operation = None
        try:
            parsed = _parse(route, model, http)
            operation = model.operation_model(parsed.operation)
            extra: dict[str, Any] = {"endpoint": self._settings.endpoint}
            trace = http.headers.get("x-amzn-trace-id")
            if trace:  # X-Ray's header: Step Functions and Lambda pass it on (what AWS services do)
                extra["traceHeader"] = trace
            context = RequestContext(region=route.region or self._settings.region, account=self._settings.account_id,
                                     partition=route.partition, request_id=request_id, access_key=route.access_key,
                                     extra=extra)
            output = await self._call(service, parsed.operation, parsed.input, context)
            return route.protocol.serialize(operation, output, request_id)
        except (AwsError, ProtocolError) as error:
            return route.protocol.serialize_error(model, operation, error, request_id)
        except RecursionError:  # a service walked a value deeper than Python can: the input's fault
            deep = AwsError("ValidationException", "The request holds values nested too deeply", 400)
            return route.protocol.serialize_error(model, operation, deep, request_id)
        except Exception as error:  # a bug must answer an error, never take the server down
            log.exception("%s failed", route.service)
            failure = AwsError("InternalFailure", f"{type(error).__name__}: {error}", 500, sender_fault=False)
            return route.protocol.serialize_error(model, operation, failure, request_id)

    async def _call(self, service: Service, operation: str, payload: dict[str, Any],
                    context: RequestContext) -> dict[str, Any]:
        # A service may answer a short operation on the event loop (see LoopService): no worker
        # thread, so none of the thread hand-offs that cost more than the operation itself.
        answers_on_loop = getattr(service, "answers_on_loop", None)
        if answers_on_loop is not None and answers_on_loop(operation, payload):
            return await cast(LoopService, service).handle_async(operation, payload, context)

        def call() -> dict[str, Any]:
            return service.handle(operation, payload, context)

        if service.is_long(operation):
            if self._long_limiter is None:
                self._long_limiter = anyio.CapacityLimiter(LONG_OPERATION_THREADS)
            return await anyio.to_thread.run_sync(call, limiter=self._long_limiter)
        return await anyio.to_thread.run_sync(call)


class RequestIds:
    """AWS-shaped request ids (a UUID's 8-4-4-4-12 hex digits), unique per server: a random
    prefix drawn once, then a counter. A fresh uuid4 per request read the OS's randomness for
    an id that only has to differ from the others."""

    def __init__(self) -> None:
        self._prefix = str(uuid.uuid4())[:24]
        self._count = itertools.count(1)

    def next(self) -> str:
        return f"{self._prefix}{next(self._count) & 0xFFFFFFFFFFFF:012x}"


def _parse(route: Route, model: Any, http: HttpRequest) -> Any:
    """The request parsed by its protocol, refused (in the protocol's shape) when it nests deeper
    than any operation accepts: parsers and services walk values recursively."""
    try:
        parsed = route.protocol.parse(model, http)
    except RecursionError:
        raise too_deep() from None
    check_nesting(parsed.input)
    return parsed


def starlette_response(answer: HttpResponse, method: str) -> Response:
    headers = dict(answer.headers)
    if method == "HEAD":  # HEAD answers carry the headers of a GET, never its body
        return Response(b"", answer.status, headers)
    if isinstance(answer.body, bytes):
        return Response(answer.body, answer.status, headers)
    return StreamingResponse(iter(answer.body), answer.status, headers)


async def read_body(chunks: AsyncIterator[bytes], declared_length: str) -> bytes | None:
    """The body, or None as soon as it exceeds MAX_BODY_BYTES (so it is never held whole)."""
    if declared_length.isdigit() and int(declared_length) > MAX_BODY_BYTES:
        return None
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        parts.append(chunk)
    return b"".join(parts)
