"""AWS JSON requests (`POST /` with `X-Amz-Target`, what boto3 sends Step Functions, DynamoDB,
SQS, …) answered straight from ASGI, before Starlette's middleware and router.

These are most of the server's traffic, and for them Starlette's layers only cost time: the
`Request`/`Headers` objects, matching every route, the S3 and host middlewares each re-reading
the headers, a `Response` object. The front takes a request only when the full stack would give
it to `AwsEndpoint` anyway — its Host names this machine (else the stack's 421), no S3 mark (an
S3 host, an S3 signature, `x-amz-content-sha256`: S3's front), no API Gateway host, no query —
and answers exactly as the stack would: the same `AwsEndpoint.answer`, the same headers, the
same AWS-shaped 500 if anything fails outside a service.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from starlette.types import Receive, Scope, Send

from statewright.protocols import HttpRequest, HttpResponse, ProtocolError, error_in_marked_shape

from .aws import AwsEndpoint, read_body, starlette_response
from .hosts import host_name, is_local_host

log = logging.getLogger(__name__)


class ClientGone(Exception):
    """The client closed the connection before its request body was read."""


class RpcFront:
    """`takes(scope)` says whether a request is an AWS JSON one for the endpoint (giving its
    headers), `answer(...)` answers it."""

    HOSTS_KEPT = 256  # distinct Host values whose verdict is remembered

    def __init__(self, endpoint: AwsEndpoint, configured_host: str) -> None:
        self._endpoint = endpoint
        self._configured_host = configured_host
        self._hosts: dict[str, bool] = {}

    def takes(self, scope: Scope) -> dict[str, str] | None:
        """The request's headers (lower-cased names; the last of repeated ones, as the stack
        reads them) when this front answers it, else None."""
        if scope["method"] != "POST" or scope["path"] != "/" or scope.get("query_string"):
            return None
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if "x-amz-target" not in headers or "smithy-protocol" in headers or "x-amz-content-sha256" in headers:
            return None
        authorization = headers.get("authorization", "")
        if "/s3/aws4_request" in authorization or authorization.startswith("AWS "):
            return None
        host = headers.get("host", "")
        return headers if not host or self._plain_local(host) else None

    def _plain_local(self, host: str) -> bool:
        """A Host of this machine that names no bucket or API (those route by host name)."""
        verdict = self._hosts.get(host)
        if verdict is None:
            name = host_name(host)
            verdict = is_local_host(name, self._configured_host) and ".s3" not in name and "execute-api" not in name
            if len(self._hosts) >= self.HOSTS_KEPT:
                self._hosts.clear()
            self._hosts[host] = verdict
        return verdict

    async def answer(self, scope: Scope, headers: dict[str, str], receive: Receive, send: Send) -> None:
        try:
            body = await read_body(_chunks(receive), headers.get("content-length", ""))
        except ClientGone:
            return  # nobody to answer
        # The raw path, as the stack reads it (`/%2F` is path `/` to uvicorn).
        raw_path = (scope.get("raw_path") or b"/").decode("latin-1").split("?", 1)[0]
        http = HttpRequest(scope["method"], raw_path, "", headers, body or b"")
        try:
            answer = await self._endpoint.answer(http, too_large=body is None)
        except Exception as error:  # what the stack's error handler does for a failure outside a service
            log.error("%s %s failed", scope["method"], scope["path"], exc_info=error)
            failure = ProtocolError("InternalFailure", f"{type(error).__name__}: {error}", 500, sender_fault=False)
            answer = error_in_marked_shape(http, self._endpoint.models, failure, self._endpoint.request_id())
        await send_answer(scope, receive, send, answer)


async def _chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        body = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


async def send_answer(scope: Scope, receive: Receive, send: Send, answer: HttpResponse) -> None:
    """The two ASGI messages Starlette's `Response` would send for a POST's `answer`: its headers
    (the last of repeated names), a content-length, the body. A streamed body (an iterable of
    chunks) goes through Starlette's `StreamingResponse` itself."""
    if not isinstance(answer.body, bytes):
        await starlette_response(answer, scope["method"])(scope, receive, send)
        return
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in dict(answer.headers).items()]
    if b"content-length" not in (name for name, _ in headers) and answer.status >= 200 \
            and answer.status not in (204, 304):
        headers.append((b"content-length", str(len(answer.body)).encode("latin-1")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
