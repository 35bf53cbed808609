"""Smithy RPC v2 CBOR (botocore's `smithy-rpc-v2-cbor`: CloudWatch and a growing list of models):
`POST …/service/<targetPrefix>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor` and a
CBOR map body; results a CBOR map of the output members (timestamps as tag 1 epoch seconds,
blobs as byte strings); errors a CBOR map with `__type`."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import cbor2

from .errors import ProtocolError, error_shape, error_status
from .json_protocol import error_type, query_error
from .types import ErrorLike, HttpRequest, HttpResponse, ParsedRequest
from .values import to_datetime

CONTENT_TYPE = "application/cbor"
_PATH = re.compile(r"/service/([^/]+)/operation/([^/?]+)$")


def encode(shape: Any, value: Any) -> Any:
    """A service's value of `shape` as CBOR-ready data: timestamps as datetimes (written as tag
    1), blobs as bytes, whatever the service handed over (epoch numbers, ISO text, str)."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.is_document_type and isinstance(value, dict):
        members = shape.members
        return {name: encode(members.get(name), item) for name, item in value.items() if item is not None}
    if kind == "list":
        return [encode(shape.member, item) for item in value]
    if kind == "map":
        return {key: encode(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return to_datetime(value)
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind in ("float", "double") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def dumps(value: Any) -> bytes:
    return cbor2.dumps(value, datetime_as_timestamp=True, timezone=UTC)


class CborProtocol:
    name = "smithy-rpc-v2-cbor"

    def parse(self, service: Any, request: HttpRequest) -> ParsedRequest:
        found = _PATH.search(request.path)
        prefix, operation = (found.group(1), found.group(2)) if found else ("", "")
        if prefix != service.metadata.get("targetPrefix") or operation not in service.operation_names:
            raise ProtocolError("UnknownOperationException",
                                f"Statewright does not implement the operation '{request.path}'", 404)
        if not request.body:
            return ParsedRequest(operation, {})
        try:
            payload = cbor2.loads(request.body)
        except Exception as error:  # cbor2 raises several types for malformed input
            raise ProtocolError("SerializationException", f"The request body is not valid CBOR: {error}") from None
        if not isinstance(payload, dict):
            raise ProtocolError("SerializationException", "The request body must be a CBOR map")
        # CBOR carries the types itself (tag 1 timestamps arrive as datetimes, blobs as bytes)
        return ParsedRequest(operation, payload)

    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse:
        body = dumps(encode(operation.output_shape, output) if operation.output_shape is not None else {})
        return HttpResponse(200, _headers(request_id), body)

    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse:
        headers = _headers(request_id)
        if service is not None and "awsQueryCompatible" in service.metadata:
            headers.append(("x-amzn-query-error", query_error(service, error)))
        shape = error_shape(service, error.code) if service is not None else None
        fields = encode(shape, error.fields) if shape is not None else error.fields
        body = {"__type": error_type(service, error), "message": error.message, **fields}
        return HttpResponse(error_status(service, error), headers, dumps(body))


def _headers(request_id: str) -> list[tuple[str, str]]:
    return [("smithy-protocol", "rpc-v2-cbor"), ("content-type", CONTENT_TYPE), ("x-amzn-requestid", request_id)]
