"""A tiny awsJson 1.0 server for the DynamoDB service, until the real edge serves it: POST / →
`X-Amz-Target: DynamoDB_20120810.<Operation>` → `service.handle` → JSON, or AWS's error shape
(`__type` with DynamoDB's namespace, `message`, and the error's extra fields)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from statewright.services.common import AwsError, RequestContext
from statewright.services.dynamodb import wire_error_type

CONTENT_TYPE = "application/x-amz-json-1.0"


def make_app(service: Any) -> Starlette:
    async def handle(request: Request) -> Response:
        operation = request.headers.get("x-amz-target", "").partition(".")[2]
        body = await request.body()
        try:
            payload = json.loads(body or b"{}")
            result = await run_in_threadpool(service.handle, operation, payload, RequestContext())
            return Response(json.dumps(result), media_type=CONTENT_TYPE)
        except AwsError as error:
            answer = {"__type": wire_error_type(error.code), "message": error.message, **error.fields}
            return Response(json.dumps(answer), status_code=error.status or 400, media_type=CONTENT_TYPE)

    async def health(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[Route("/", handle, methods=["POST"]), Route("/health", health)])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServiceServer:
    """Serves one service on a free loopback port from a background thread."""

    def __init__(self, service: Any) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(make_app(service), host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServiceServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/health", timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the DynamoDB test server did not come up")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
