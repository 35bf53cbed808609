"""Test helpers: botocore's own client code on both sides of our protocols.

`client_request` serializes parameters exactly as a boto3 client would (botocore's serializer,
`prepare_request_dict`, `AWSRequest.prepare`) and returns our `HttpRequest`; `client_parse` reads
our `HttpResponse` with botocore's response parser. `example` builds an input or output value
for any shape, so tests can loop over every operation of a model."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from statewright.protocols.types import HttpRequest, HttpResponse

MOMENT = datetime(2026, 11, 30, 12, 34, 56, tzinfo=UTC)


def client_request(protocol: str, operation: Any, params: dict[str, Any],
                   endpoint: str = "http://127.0.0.1:4590", *, region: str | None = None,
                   presign: bool = False, access_key: str = "AKIDEXAMPLE") -> HttpRequest:
    """The request a client sends; signed with SigV4 for `region` (in the `Authorization`
    header, or in the query string when `presign`) when a region is given."""
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(params, operation)
    serialized.pop("host_prefix", None)  # the host name is not ours to route on
    prepare_request_dict(serialized, endpoint)
    request = create_request_object(serialized)
    if region is not None:
        credentials = Credentials(access_key, "secret")
        signing_name = operation.service_model.signing_name
        signer = SigV4QueryAuth(credentials, signing_name, region) if presign \
            else SigV4Auth(credentials, signing_name, region)
        signer.add_auth(request)
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    return HttpRequest(prepared.method, url.path or "/", url.query, headers, body)


def client_parse(protocol: str, operation: Any, response: HttpResponse, shape: Any = "output") -> dict[str, Any]:
    """What a boto3 client makes of the response (ResponseMetadata removed)."""
    body = response.body if isinstance(response.body, bytes) else b"".join(response.body)
    if shape == "output":
        shape = operation.output_shape
    headers = HeadersDict()  # case-insensitive, as botocore's HTTP responses are
    for name, value in response.headers:
        headers[name] = value
    raw: Any = body
    if response.status < 300 and operation is not None and operation.has_streaming_output:
        raw = StreamingBody(io.BytesIO(body), len(body))
    parsed = create_parser(protocol).parse({"status_code": response.status, "headers": headers,
                                            "body": raw, "context": {}}, shape)
    parsed.pop("ResponseMetadata", None)
    for name, value in list(parsed.items()):
        if isinstance(value, StreamingBody):
            parsed[name] = value.read()
    return parsed


class Examples:
    """Example values for shapes: every member set (to a depth), unions with one member, enums
    with their first value. `text_only` keeps strings safe for places that cannot hold any
    character; `skip` names locations to leave out."""

    def __init__(self, depth: int = 4, skip_locations: tuple[str, ...] = ()) -> None:
        self.depth = depth
        self.skip_locations = skip_locations

    def value(self, shape: Any, name: str = "v", depth: int = 0) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            return [self.value(shape.member, f"{name}{i}", depth + 1) for i in (1, 2)]
        if kind == "map":
            key = self.value(shape.key, "key", depth + 1)
            return {str(key).lower(): self.value(shape.value, name, depth + 1)}
        if kind == "string":
            if shape.enum:
                return shape.enum[0]
            if shape.serialization.get("jsonvalue"):
                return {"json": [1, "two"]}
            if shape.serialization.get("hostLabel"):
                return f"{name}-label"  # host prefixes allow only letters, digits, "-" and "."
            return f"{name}-é x"
        if kind in ("integer", "long", "short", "byte"):
            return 7
        if kind in ("float", "double"):
            return 2.5
        if kind == "boolean":
            return True
        if kind == "timestamp":
            return MOMENT
        if kind == "blob":
            return b"\x00blob\xff"
        raise AssertionError(f"no example for {kind}")

    def structure(self, shape: Any, depth: int = 0) -> dict[str, Any]:
        if shape.is_document_type:
            return {"doc": [1, {"a": None}]}
        members = [(n, m) for n, m in shape.members.items()
                   if not m.serialization.get("eventstream") and m.serialization.get("location") not in self.skip_locations]
        if shape.is_tagged_union:
            # exactly one member; a scalar one when there is, so deep unions stay finite
            scalars = [(n, m) for n, m in members if m.type_name not in ("structure", "list", "map")]
            members = (scalars or members)[:1]
        out = {}
        for member_name, member in members:
            if member.type_name in ("structure", "list", "map") and depth >= self.depth and not shape.is_tagged_union:
                continue
            value = self.value(member, member_name.lower(), depth + 1)
            if value == {} and member.type_name == "structure":
                continue  # no protocol can tell an empty structure from an absent one everywhere
            out[member_name] = value
        return out
