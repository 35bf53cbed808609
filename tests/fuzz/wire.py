"""Requests on the wire for any operation of any botocore model: serialized and signed by
botocore itself, then (for most requests) damaged at the wire level — a member dropped or given
another type, a hostile value, an unknown member, a broken body, path or method."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.model import OperationModel
from botocore.serialize import create_serializer
from tests.fuzz.values import Pools, hostile, valid

CREDENTIALS = Credentials("test", "test")
REGION = "us-east-1"
# How a request is damaged; "valid" sends it as botocore serialized it.
KINDS = ("valid", "valid", "drop", "retype", "hostile", "unknown", "body", "bytes", "path", "method", "headers",
         "framing")
# Bytes that are not a well-framed HTTP request (sent on a fresh connection).
FRAMING_GARBAGE = [b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
                   b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
                   b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                   b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", b"POST / HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 2\r\nContent-Length: 9\r\n\r\n{}"]
GARBAGE_BODIES = [b"", b"{", b"[1,2]", b'"text"', b"null", b"\xff\xfe\x00", b"<a><b></a>", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
                  b"Action=&&&==", b"a=%ZZ&b=%", b"\xed\xa0\x80", b'{"a":"\xed\xa0\x80"}', b"\x9f\xff",
                  b"{" * 5000, b"[" * 100_000, b"\x00" * 1000]


@dataclass
class WireRequest:
    """One request to send: what it is (`service`, `operation`, `kind`) and its HTTP parts."""

    service: str
    operation: str
    kind: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def describe(self) -> str:
        body = self.body[:160]
        changed = {k: v[:40] for k, v in self.headers.items() if self.kind == "headers"}
        return f"{self.service}.{self.operation} [{self.kind}] {self.method} {self.path[:160]} {body!r} {changed or ''}"


def build(operation: OperationModel, rng: random.Random, pools: Pools, endpoint: str, kind: str) -> WireRequest:
    """A request for `operation`, damaged as `kind` says."""
    model = operation.service_model
    params = valid(operation.input_shape, rng, pools) if operation.input_shape is not None else {}
    protocol = model.resolved_protocol
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(params, operation)
    prepare_request_dict(serialized, endpoint_url=endpoint)
    aws_request = create_request_object(serialized)
    body = _body_bytes(aws_request.data)
    split = urlsplit(aws_request.url)
    path = split.path + (f"?{split.query}" if split.query else "")
    headers = {name: str(value) for name, value in aws_request.headers.items()}
    request = WireRequest(model.service_name, operation.name, kind, aws_request.method, path, headers, body)
    _damage(request, protocol, rng)
    return _signed(request, model.signing_name, endpoint)


def _body_bytes(data: Any) -> bytes:
    if data is None:
        return b""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8", "surrogatepass")
    if isinstance(data, dict):
        return urlencode(data, encoding="utf-8", errors="surrogatepass").encode()
    return bytes(data)


def _damage(request: WireRequest, protocol: str, rng: random.Random) -> None:
    kind = request.kind
    if kind == "valid":
        return
    if kind == "body":
        request.body = rng.choice(GARBAGE_BODIES)
    elif kind == "bytes":  # raw bytes that are no UTF-8 (a surrogate encoded ED A0 80) inside the body
        cut = rng.randint(0, len(request.body))
        request.body = request.body[:cut] + b"\xed\xa0\x80" + request.body[cut:]
    elif kind == "path":
        request.path = rng.choice(["/", "/%ED%A0%80", "/" + "a/" * 2000, "/..%2F..%2F", "/2015-03-31/functions/%ff/invocations",
                                   request.path + "/extra", request.path.replace("/", "//"), "/?" + "a=" * 3000,
                                   "/2015-03-31/functions/" + quote("\ufffe") + "/configuration"])
    elif kind == "method":
        request.method = rng.choice(["PATCH", "DELETE", "PUT", "OPTIONS", "HEAD", "PROPFIND", "TRACE", "GET"])
    elif kind == "headers":
        name = rng.choice(["X-Amz-Target", "Content-Type", "Content-Encoding", "smithy-protocol", "Authorization"])
        request.headers[name] = rng.choice(["", "x" * 5000, "AWSStepFunctions.", "application/x-amz-json-1.1", "gzip",
                                            "rpc-v2-cbor", "AWS4-HMAC-SHA256 Credential=/////"])
    elif protocol in ("json", "rest-json") and request.body[:1] == b"{":
        request.body = _damage_json(request.body, kind, rng)
    elif protocol == "query":
        request.body = _damage_form(request.body, kind, rng)
    else:
        request.path = _damage_path(request.path, rng)


def _damage_json(body: bytes, kind: str, rng: random.Random) -> bytes:
    try:
        document = json.loads(body)
    except ValueError:  # a raw payload (Lambda's Invoke) that merely starts with "{"
        return body + b"\xed\xa0\x80"
    if not isinstance(document, dict):
        return body
    parent, key = _random_slot(document, rng)
    if kind == "drop" and key is not None:
        del parent[key]
    elif kind in ("retype", "hostile") and key is not None:
        parent[key] = hostile(rng) if kind == "hostile" else rng.choice([1, "s", [1], {"a": 1}, True, None, 2.5])
    else:
        document[rng.choice(["zzUnknown", "__type", "Action", ""])] = hostile(rng)
    try:
        return json.dumps(document).encode()
    except RecursionError:  # json's encoder recurses too: deep values are written by hand
        return b'{"deep":' + b"[" * 1000 + b"]" * 1000 + b"}"


def _random_slot(document: dict[str, Any], rng: random.Random) -> tuple[Any, Any]:
    """A (container, key) somewhere in the document, to drop or replace."""
    container: Any = document
    key: Any = rng.choice(list(document)) if document else None
    while key is not None and isinstance(container[key], dict | list) and container[key] and rng.random() < 0.5:
        container = container[key]
        key = rng.choice(list(container)) if isinstance(container, dict) else rng.randrange(len(container))
    return container, key


def _damage_form(body: bytes, kind: str, rng: random.Random) -> bytes:
    params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    names = [name for name, _ in params if name not in ("Action", "Version")]
    if kind == "drop" and names:
        gone = rng.choice(names)
        params = [(n, v) for n, v in params if n != gone]
    elif kind in ("retype", "hostile") and names:
        target = rng.choice(names)
        value = _text(hostile(rng)) if kind == "hostile" else rng.choice(["", "x" * 100_000, "\ud800", "1e999"])
        params = [(n, value if n == target else v) for n, v in params]
    else:
        params.append((rng.choice(["Unknown.member.1", "Action", "Version", "a" * 300]), "x"))
    return urlencode(params, encoding="utf-8", errors="surrogatepass").encode()


def _text(value: Any) -> str:
    try:
        return str(value)
    except RecursionError:  # a deeply nested value: its text is what a form would carry
        return "[" * 1000 + "]" * 1000


def _damage_path(path: str, rng: random.Random) -> str:
    parts = path.split("/")
    if len(parts) > 2:
        index = rng.randrange(1, len(parts))
        parts[index] = rng.choice(["%ED%A0%80", "x" * 5000, "", "%00", "%ff", "..", "a%2Fb"])
    return "/".join(parts)


def _signed(request: WireRequest, signing_name: str, endpoint: str) -> WireRequest:
    """Signs as boto3 would (SigV4 for the service and region), so routing by credential scope is
    exercised; a request that cannot be signed (a damaged header) is sent unsigned."""
    aws_request = AWSRequest(method=request.method, url=endpoint + request.path, data=request.body,
                             headers={k: v for k, v in request.headers.items() if k.lower() != "authorization"})
    try:
        SigV4Auth(CREDENTIALS, signing_name, REGION).add_auth(aws_request)
    except Exception:  # noqa: BLE001 - an unsignable request is still worth sending
        return request
    if request.kind != "headers" or "Authorization" not in request.headers:
        request.headers = {k: str(v) for k, v in aws_request.headers.items()}
    return request
