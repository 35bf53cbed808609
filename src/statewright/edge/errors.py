"""The edge's own errors in AWS's wire shape: a method no route serves (405), a path none takes
(404), and a failure before any service answered (500). Starlette would answer these as
`text/plain`, which no AWS SDK can read; here each is written in the protocol the request's
markers suggest (AWS JSON for `X-Amz-Target`, a Query error for a form, restJson otherwise)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from statewright.protocols import HttpRequest, ProtocolError, ServiceModels, error_in_marked_shape

log = logging.getLogger(__name__)

Handler = Callable[[Request, Exception], Coroutine[Any, Any, Response]]
# Starlette's status codes → AWS error codes a client can act on.
_CODES = {404: "UnknownOperationException", 405: "UnknownOperationException", 413: "RequestEntityTooLarge"}


# The body is read (to tell a Query form by its Action) only up to this size.
MAX_SNIFFED_BODY = 64 * 1024


async def _http(request: Request) -> HttpRequest:
    headers = {name.lower(): value for name, value in request.headers.items()}
    body = b""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= MAX_SNIFFED_BODY:
        try:
            body = await request.body()
        except Exception:  # noqa: BLE001 - a body that cannot be read still gets its answer
            body = b""
    return HttpRequest(request.method, request.url.path, request.url.query, headers, body)


async def _response(request: Request, error: ProtocolError, models: ServiceModels) -> Response:
    answer = error_in_marked_shape(await _http(request), models, error, str(uuid.uuid4()))
    body = answer.body if isinstance(answer.body, bytes) else b"".join(answer.body)
    return Response(b"" if request.method == "HEAD" else body, answer.status, dict(answer.headers))


def exception_handlers(models: ServiceModels) -> dict[Any, Handler]:
    """Starlette `exception_handlers` for the app: HTTP errors and unexpected exceptions."""

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = _CODES.get(status, "InternalFailure" if status >= 500 else "ValidationException")
        if status == 405:
            message = f"Statewright serves no {request.method} requests at {request.url.path}"
        elif status == 404:
            message = f"Statewright serves no operation at {request.method} {request.url.path}"
        else:
            message = exc.detail if isinstance(exc, HTTPException) else "The request failed"
        return await _response(request, ProtocolError(code, str(message), status, sender_fault=status < 500), models)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        error = ProtocolError("InternalFailure", f"{type(exc).__name__}: {exc}", 500, sender_fault=False)
        return await _response(request, error, models)

    return {HTTPException: http_error, Exception: server_error}
