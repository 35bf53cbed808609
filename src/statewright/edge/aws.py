"""The AWS endpoint: one HTTP request → (service, operation, input) → the service → the wire.

Which service a request is for, and the request's region, come from its SigV4 credential scope
where there is one (so a client configured for us-west-2 gets us-west-2 ARNs); otherwise from
the protocol's markers. The service call runs on a worker thread: services block on the store.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from statewright.services.common import AwsError, RequestContext, Service
from statewright.services.common.arns import partition_of
from statewright.services.common.platform import Settings

log = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
# A 1 MB definition JSON-escaped inside the request can double in size; more is never valid.
MAX_BODY_BYTES = 4 * 1024 * 1024
# Threads for operations that may wait long (GetActivityTask long polls, StartSyncExecution).
LONG_OPERATION_THREADS = 500
# `Credential=<key>/<date>/<region>/<service>/aws4_request` in a SigV4 Authorization header.
_SCOPE = re.compile(r"Credential=([^/,\s]*)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
# The AWS JSON target prefix of each service model that speaks it.
TARGET_PREFIXES = {"AWSStepFunctions": "stepfunctions"}


def _error_response(error: AwsError) -> Response:
    body = {"__type": error.code, "message": error.message, **error.fields}
    status = error.status or (400 if error.sender_fault else 500)
    return Response(json.dumps(body), status_code=status, media_type=JSON_CONTENT_TYPE)


class AwsEndpoint:
    """`POST /` for the AWS JSON protocol."""

    def __init__(self, services: Callable[[], Mapping[str, Service]], settings: Settings) -> None:
        self._services = services
        self._settings = settings
        self._long_limiter: anyio.CapacityLimiter | None = None

    def context(self, request: Request) -> RequestContext:
        scope = _SCOPE.search(request.headers.get("authorization", ""))
        region = scope.group(2) if scope else self._settings.region
        return RequestContext(region=region, account=self._settings.account_id, partition=partition_of(region),
                              request_id=str(uuid.uuid4()), access_key=scope.group(1) if scope else "")

    async def endpoint(self, request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        service = self._services().get(TARGET_PREFIXES.get(prefix, ""))
        if service is None or not operation:
            return _error_response(AwsError(
                "UnknownOperationException",
                f"Statewright does not implement the operation '{target or '(no X-Amz-Target)'}'"))
        body = await _read_body(request)
        if body is None:
            return _error_response(AwsError("ValidationException",
                                            f"The request body is larger than {MAX_BODY_BYTES} bytes", 413))
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            return _error_response(AwsError("SerializationException", f"The request body is not valid JSON: {error}"))
        if not isinstance(payload, dict):
            return _error_response(AwsError("SerializationException", "The request body must be a JSON object"))
        return await self._run(service, operation, payload, self.context(request))

    async def _run(self, service: Service, operation: str, payload: dict[str, Any],
                   context: RequestContext) -> Response:
        def call() -> dict[str, Any]:
            return service.handle(operation, payload, context)

        try:
            if service.is_long(operation):
                if self._long_limiter is None:
                    self._long_limiter = anyio.CapacityLimiter(LONG_OPERATION_THREADS)
                result = await anyio.to_thread.run_sync(call, limiter=self._long_limiter)
            else:
                result = await anyio.to_thread.run_sync(call)
        except AwsError as error:
            return _error_response(error)
        except Exception as error:  # a bug must answer an error, never take the server down
            log.exception("%s.%s failed", service.name, operation)
            return _error_response(AwsError("InternalFailure", f"{type(error).__name__}: {error}", 500,
                                            sender_fault=False))
        return Response(json.dumps(result), media_type=JSON_CONTENT_TYPE)


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
