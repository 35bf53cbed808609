"""restJson1 (botocore's `rest-json`: Lambda, API Gateway, …): the operation from the method and
the model's `requestUri`; members bound to the URI, query string and headers; a JSON body for
the rest (or one `payload` member: raw bytes for blobs, JSON for structures). Errors carry the
code in `x-amzn-ErrorType` and the message in a JSON body."""

from __future__ import annotations

import json
from typing import Any

from . import jsoncodec
from .errors import ProtocolError, error_shape, error_status
from .rest import RestRequestReader, write_bindings
from .types import ErrorLike, HttpResponse

CODE = "SerializationException"


class RestJsonProtocol(RestRequestReader):
    name = "rest-json"
    code = CODE

    def read_body(self, shape: Any, body: bytes, path: str) -> Any:
        return jsoncodec.decode(shape, _json_body(body), path)

    def merge_body(self, data: dict[str, Any], body: dict[str, Any]) -> None:
        # Members bound to the URI, query or headers win over the same names in the body.
        data.update({k: v for k, v in body.items() if k not in data})

    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse:
        shape = operation.output_shape
        default = int(operation.http.get("responseCode", 200))
        if shape is None:
            return HttpResponse(default, _headers(request_id, "application/json"), b"{}")
        status, headers = write_bindings(shape, output, default)
        payload = shape.serialization.get("payload")
        body: Any
        kind = "application/json"
        if payload is not None:
            member, value = shape.members[payload], output.get(payload)
            if member.type_name in ("blob", "string"):
                body, kind = raw_payload(value), "application/octet-stream"
            else:
                body = jsoncodec.dumps(jsoncodec.encode(member, value)) if value is not None else b""
        else:
            body = jsoncodec.dumps(jsoncodec.encode(shape, output))
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.insert(0, ("content-type", kind))
        headers.append(("x-amzn-requestid", request_id))
        return HttpResponse(status, headers, body)

    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse:
        shape = error_shape(service, error.code) if service is not None else None
        code = shape.error_code if shape is not None else error.code
        body: dict[str, Any] = {}
        if shape is not None and "Type" in shape.members:
            # Lambda's errors say whose fault it was ("User" or "Service") in the body
            body["Type"] = "User" if error.sender_fault else "Service"
        message_key = next((k for k in ("message", "Message") if shape is not None and k in shape.members), "message")
        body[message_key] = error.message
        fields = jsoncodec.encode(shape, error.fields) if shape is not None else error.fields
        body.update(fields)
        headers = [("content-type", "application/json"), ("x-amzn-errortype", code),
                   ("x-amzn-requestid", request_id)]
        if shape is not None:
            _, bound = write_bindings(shape, error.fields, 0)
            headers.extend(bound)
        return HttpResponse(error_status(service, error), headers, jsoncodec.dumps(body))


def _json_body(body: bytes) -> Any:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProtocolError(CODE, f"The request body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ProtocolError(CODE, "The request body must be a JSON object")
    return value


def raw_payload(value: Any) -> Any:
    """A blob or string payload as the response body: bytes, or the service's iterable of
    chunks (or file-like object) passed on so large bodies are streamed, not held."""
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if hasattr(value, "read"):
        return _chunks(value)
    return value


def _chunks(stream: Any, size: int = 64 * 1024) -> Any:
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        if hasattr(stream, "close"):
            stream.close()


def _headers(request_id: str, kind: str) -> list[tuple[str, str]]:
    return [("content-type", kind), ("x-amzn-requestid", request_id)]
