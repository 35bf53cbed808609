"""The S3 wire front: an ASGI app that turns S3 HTTP requests (path-style or virtual-hosted,
header-signed or presigned, plain or aws-chunked bodies, CORS, form uploads) into calls of
the S3 service, and its answers into S3's responses. Bodies stream in both directions."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import anyio
import anyio.from_thread
import anyio.to_thread

from statewright.services.common import AwsError, RequestContext

from ..service import S3Service
from . import chunked, cors, post, xml
from .bindings import ServiceModel, request_input, response_parts
from .routing import Target, address, operation, parse_query
from .sigv4 import (
    Secrets,
    default_secrets,
    header_scope,
    is_presigned,
    is_presigned_v2,
    verify_header_signature,
    verify_presigned,
    verify_presigned_v2,
)

log = logging.getLogger(__name__)
Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]

# AWS answers these with 204 No Content.
NO_CONTENT = frozenset({"DeleteObject", "DeleteBucket", "DeleteBucketCors", "DeleteBucketTagging",
                        "DeleteBucketPolicy", "DeleteBucketLifecycle", "DeleteBucketEncryption",
                        "DeletePublicAccessBlock", "DeleteBucketOwnershipControls", "AbortMultipartUpload",
                        "DeleteObjectTagging", "PutBucketPolicy"})
# Error fields S3 sends as headers rather than XML elements.
HEADER_FIELDS = frozenset({"x-amz-delete-marker", "x-amz-version-id", "ETag", "Last-Modified"})
MAX_XML_BODY = 20 * 1024 * 1024


class Disconnected(Exception):
    """The client went away mid-body; the partial upload is discarded."""


class ReceiveReader:
    """The ASGI request body as a blocking file-like object for the worker thread that runs
    the service (each read hops to the event loop for the next message)."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.buffer = bytearray()
        self.done = False

    async def areceive(self) -> dict[str, Any]:
        message = await self.receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            self.done = True
        return dict(message)

    async def _fill(self, size: int) -> None:
        """Receives messages until `size` bytes are buffered (one hop from the worker thread
        per read, however small the messages the server hands over)."""
        while not self.done and (size < 0 or len(self.buffer) < size):
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise Disconnected()
            self.buffer += message.get("body", b"")
            self.done = not message.get("more_body", False)

    def read(self, size: int = -1) -> bytes:
        if not self.done and (size < 0 or len(self.buffer) < size):
            anyio.from_thread.run(self._fill, size)
        if size < 0 or size >= len(self.buffer):
            out, self.buffer = bytes(self.buffer), bytearray()
        else:
            out = bytes(self.buffer[:size])
            del self.buffer[:size]
        return out


async def _read_all(receive: Receive, limit: int) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected()
        body += message.get("body", b"")
        if len(body) > limit:
            raise AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
        if not message.get("more_body", False):
            return bytes(body)


class S3Front:
    """`S3Front(service)` is an ASGI app. `secrets` maps an access key to its secret for
    presigned URL verification (see `sigv4`); `region`/`account` are defaults when a request
    carries no credential scope."""

    def __init__(self, service: S3Service, *, secrets: Secrets = default_secrets, region: str = "us-east-1",
                 account: str = "123456789012", now: Callable[[], float] = time.time,
                 verify_headers: bool = False) -> None:
        self.service = service
        self.verify_headers = verify_headers
        self.secrets = secrets
        self.region = region
        self.account = account
        self.now = now
        self.model = ServiceModel()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        headers: dict[str, str] = {}
        for name, value in scope.get("headers") or []:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        method = scope["method"].upper()
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1").split("?", 1)[0]
        raw_query = scope.get("query_string", b"").decode("latin-1")
        request_id = uuid.uuid4().hex[:16].upper()
        target: Target | None = None
        reader = ReceiveReader(receive)
        try:
            target = address(headers.get("host", ""), raw_path)
            status, out, body = await self._dispatch(method, target, raw_path, raw_query, headers,
                                                     reader, request_id)
        except AwsError as error:
            status, out, body = _error_response(error, request_id, method)
        except Disconnected:
            return
        except Exception:  # noqa: BLE001 - a bug answers 500 in S3's shape, never a dropped connection
            log.exception("S3 request %s %s failed", method, raw_path)
            status, out, body = _error_response(AwsError(
                "InternalError", "We encountered an internal error. Please try again.", 500, sender_fault=False),
                request_id, method)
        if method != "OPTIONS" and "origin" in headers and target is not None and target.bucket:
            out.extend(await self._cors_headers(target.bucket, headers, method))
        out += [("x-amz-request-id", request_id), ("x-amz-id-2", request_id)]
        if not reader.done and (headers.get("content-length", "0") != "0" or "transfer-encoding" in headers):
            # Answered before the body was read (an error, or `Expect: 100-continue` refused):
            # the rest of the body must not be taken for the next request.
            out.append(("Connection", "close"))
        await _send(send, status, out, body, method)

    async def _dispatch(self, method: str, target: Target, raw_path: str, raw_query: str,
                        headers: dict[str, str], reader: ReceiveReader, request_id: str) -> tuple[int, list[tuple[str, str]], Any]:
        query = parse_query(raw_query)
        if method == "OPTIONS":
            # A preflight carries no credentials (a browser sends it before the signed request,
            # with the presigned URL's query but another method): CORS rules alone decide.
            return 200, cors.preflight(await self._cors_rules(target.bucket or ""), headers), b""
        scope = header_scope(headers.get("authorization", ""))
        if self.verify_headers:
            scope = verify_header_signature(method, raw_path, raw_query, headers, self.secrets, self.now()) or scope
        access_key = scope.access_key if scope else ""
        if is_presigned(query):
            scope = verify_presigned(method, raw_path, raw_query, headers, self.secrets, self.now())
            access_key = scope.access_key
        elif is_presigned_v2(query):
            resource = f"/{target.bucket}{raw_path}" if target.virtual else raw_path
            access_key = verify_presigned_v2(method, resource, raw_query, headers, self.secrets, self.now())
        context = RequestContext(region=scope.region if scope else self.region, account=self.account,
                                 request_id=request_id, access_key=access_key,
                                 extra={"endpoint": _endpoint(headers)})
        name = operation(method, target, query, headers)
        if name == "GetObject" and "authorization" not in headers and not is_presigned(query) \
                and not is_presigned_v2(query) and any(k.startswith("response-") for k in query):
            # AWS (GetObject): the response-* overrides "cannot be used with an unsigned
            # (anonymous) request".
            raise AwsError("InvalidRequest", "Request specific response headers cannot be used for anonymous "
                           "GET requests.", 400)
        if name == "PostObject":
            return await self._post_object(target.bucket or "", headers, reader.areceive, context)
        op = self.model.operation(name)
        payload = op.input_shape.serialization.get("payload") if op.input_shape else None
        streaming = bool(payload and op.input_shape.members[payload].serialization.get("streaming"))
        body = None if streaming else await _read_all(reader.areceive, MAX_XML_BODY)
        input = request_input(op, target.bucket, target.key, headers, query, body)
        if streaming:
            input["Body"] = chunked.wrap(reader, headers)
            _chunked_members(input, headers)
        if name == "RestoreObject":
            accepted = await anyio.to_thread.run_sync(self.service.restore_object, input, context)
            return (202 if accepted else 200), [], b""
        output = await anyio.to_thread.run_sync(self.service.handle, name, input, context)
        status = 204 if name in NO_CONTENT else 206 if output.get("ContentRange") else 200
        out, response_body = response_parts(name, op, output)
        if name == "CreateBucket":
            out = [("Location", str(output.get("Location")))]
        return status, out, response_body

    async def _post_object(self, bucket: str, headers: dict[str, str], receive: Receive,
                           context: RequestContext) -> tuple[int, list[tuple[str, str]], Any]:
        form = post.parse_form(headers.get("content-type", ""), await _read_all(receive, post.MAX_FORM_BYTES))
        post.check_policy(form, bucket, self.secrets, self.now())
        input = post.put_input(form, bucket)
        output = await anyio.to_thread.run_sync(self.service.post_object, input, context)
        out = [("ETag", output["ETag"]), ("Location", f"{context.extra['endpoint']}/{bucket}/{input['Key']}")]
        redirect = form.fields.get("success_action_redirect")
        if redirect:
            # AWS: "Amazon S3 appends the bucket, key, and etag values as query string parameters".
            joiner = "&" if "?" in redirect else "?"
            added = urlencode({"bucket": bucket, "key": input["Key"], "etag": output["ETag"]})
            return 303, [out[0], ("Location", f"{redirect}{joiner}{added}")], b""
        status = form.fields.get("success_action_status", "204")
        if status == "201":
            body = (f'{xml.DECLARATION.decode()}<PostResponse><Location>{escape(out[1][1])}</Location>'
                    f'<Bucket>{escape(bucket)}</Bucket><Key>{escape(input["Key"])}</Key>'
                    f'<ETag>{escape(output["ETag"])}</ETag></PostResponse>').encode()
            return 201, out, body
        return (200 if status == "200" else 204), out, b""

    async def _cors_rules(self, bucket: str) -> list[dict[str, Any]] | None:
        try:
            found = await anyio.to_thread.run_sync(self.service.handle, "GetBucketCors", {"Bucket": bucket},
                                                   RequestContext(region=self.region, account=self.account))
        except AwsError as error:
            if error.code == "NoSuchBucket":
                raise AwsError("AccessForbidden", "CORSResponse: Bucket not found", 403) from error
            return None
        return list(found.get("CORSRules") or [])

    async def _cors_headers(self, bucket: str, headers: dict[str, str], method: str) -> list[tuple[str, str]]:
        """S3 adds Access-Control-* headers to an actual cross-origin request when a rule matches."""
        try:
            rules = await self._cors_rules(bucket)
        except AwsError:
            return []
        rule = cors.match(rules or [], headers["origin"], method, [])
        return cors.headers_for(rule, headers["origin"], None) if rule else []


def _chunked_members(input: dict[str, Any], headers: dict[str, str]) -> None:
    if not chunked.is_chunked(headers):
        return
    decoded = headers.get("x-amz-decoded-content-length")
    if decoded is not None and decoded.isdigit():
        input["ContentLength"] = int(decoded)
    else:
        input.pop("ContentLength", None)
    trailer = headers.get("x-amz-trailer", "")
    if trailer.startswith("x-amz-checksum-") and not input.get("ChecksumAlgorithm"):
        input["ChecksumAlgorithm"] = trailer[len("x-amz-checksum-"):].upper()


def _endpoint(headers: dict[str, str]) -> str:
    return f"http://{headers.get('host', '127.0.0.1')}"


def _error_response(error: AwsError, request_id: str, method: str) -> tuple[int, list[tuple[str, str]], Any]:
    status = error.status or 400
    out = [(name, str(value)) for name, value in error.fields.items() if name in HEADER_FIELDS]
    if status == 304 or method == "HEAD":
        return status, out, b""
    out.append(("Content-Type", "application/xml"))
    return status, out, xml.error_document(error, request_id, HEADER_FIELDS)


async def _send(send: Send, status: int, headers: list[tuple[str, str]], body: Any, method: str) -> None:
    names = {n.lower() for n, _ in headers}
    if isinstance(body, bytes) and "content-length" not in names:
        headers.append(("Content-Length", str(len(body))))
    if isinstance(body, bytes) and body and "content-type" not in names:
        headers.append(("Content-Type", "application/xml"))
    raw = [(n.encode("latin-1"), _header_value(v)) for n, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    if isinstance(body, bytes) or method == "HEAD":
        await send({"type": "http.response.body", "body": body if isinstance(body, bytes) else b""})
        _close(body)
        return
    iterator = iter(body)
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(next, iterator, None)
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        _close(iterator)


def _header_value(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        # Non-Latin-1 metadata travels as RFC 2047 words, as S3 returns it.
        import base64
        return f"=?UTF-8?B?{base64.b64encode(value.encode()).decode()}?=".encode()


def _close(body: Any) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def s3_asgi(service: S3Service, **options: Any) -> S3Front:
    """The ASGI app the edge mounts for S3 requests."""
    return S3Front(service, **options)
