"""Test-only glue: routing + protocols + services in a tiny Starlette app on a real port, so real
clients (boto3, the AWS CLI) can be pointed at the protocol layer. The real edge replaces this."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route as StarletteRoute

from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.routing import identify, unroutable
from statewright.protocols.types import HttpRequest, HttpResponse
from statewright.services.common import AwsError, RequestContext

ACCOUNT = "123456789012"


def build_app(services: dict[str, Any], models: ServiceModels, default_region: str = "us-east-1") -> Starlette:
    registered = set(services)

    async def endpoint(request: Request) -> Response:
        http = HttpRequest(request.method, request.url.path, request.url.query,
                           {k.lower(): v for k, v in request.headers.items()}, await request.body())
        request_id = str(uuid.uuid4())
        route = identify(http, models, registered, default_region)
        if route is None:
            return to_starlette(unroutable(http, models, request_id))
        model = models.get(route.service)
        operation = None
        try:
            parsed = route.protocol.parse(model, http)
            operation = model.operation_model(parsed.operation)
            context = RequestContext(region=route.region, account=ACCOUNT, partition=route.partition,
                                     request_id=request_id, access_key=route.access_key)
            output = services[route.service].handle(parsed.operation, parsed.input, context)
            answer = route.protocol.serialize(operation, output, request_id)
        except (AwsError, ProtocolError) as error:
            answer = route.protocol.serialize_error(model, operation, error, request_id)
        return to_starlette(answer)

    return Starlette(routes=[StarletteRoute("/{path:path}", endpoint, methods=["GET", "POST", "PUT", "DELETE", "HEAD"])])


def to_starlette(answer: HttpResponse) -> Response:
    headers = dict(answer.headers)
    if isinstance(answer.body, bytes):
        return Response(answer.body, answer.status, headers)
    return StreamingResponse(iter(answer.body), answer.status, headers)


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """The app on a free loopback port; yields its endpoint URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server did not start")
            threading.Event().wait(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class RecordingService:
    """A stand-in service for protocol tests: answers each operation with a canned output (or
    raises the canned AwsError) and records what it was asked."""

    def __init__(self, name: str, answers: dict[str, Any]) -> None:
        self.name = name
        self.answers = answers
        self.calls: list[tuple[str, dict[str, Any], RequestContext]] = []

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        self.calls.append((operation, input, context))
        answer = self.answers.get(operation, {})
        if isinstance(answer, AwsError):
            raise answer
        return answer() if callable(answer) else dict(answer)

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        return None
