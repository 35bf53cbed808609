"""AWS JSON 1.0 and 1.1 (botocore's `json`): `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>`
and a JSON object body; results are the output dict as JSON; errors are
`{"__type": code, "message": ...}`.

The request body reaches the service exactly as sent (no coercion, no validation): services that
speak this protocol validate their input themselves, with AWS's exact messages."""

from __future__ import annotations

import json
import zlib
from typing import Any

from . import jsoncodec
from .errors import ProtocolError, error_shape, error_status
from .types import ErrorLike, HttpRequest, HttpResponse, ParsedRequest


def target_operation(service: Any, request: HttpRequest) -> str:
    """The operation named by `X-Amz-Target`; UnknownOperationException when the model has none
    of that name (or the header names another service's prefix)."""
    target = request.headers.get("x-amz-target", "")
    prefix, _, name = target.rpartition(".")
    if prefix != service.metadata.get("targetPrefix") or name not in service.operation_names:
        shown = target or "(no X-Amz-Target)"
        raise ProtocolError("UnknownOperationException",
                            f"Statewright does not implement the operation '{shown}'")
    return name


def content_type(service: Any) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


class JsonProtocol:
    """awsJson 1.0/1.1 as one `WireProtocol` (the version comes from each model's `jsonVersion`)."""

    name = "json"

    def parse(self, service: Any, request: HttpRequest) -> ParsedRequest:
        operation = target_operation(service, request)
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            raise ProtocolError("SerializationException",
                                f"The request body is not valid JSON: {error}") from None
        if not isinstance(payload, dict):
            raise ProtocolError("SerializationException", "The request body must be a JSON object")
        return ParsedRequest(operation, payload)

    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse:
        body = jsoncodec.dumps(output)
        return HttpResponse(200, self._headers(operation.service_model, request_id, body), body)

    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse:
        body = jsoncodec.dumps({"__type": error_type(service, error), "message": error.message, **error.fields})
        headers = self._headers(service, request_id, body)
        if service is not None and "awsQueryCompatible" in service.metadata:
            headers.append(("x-amzn-query-error", query_error(service, error)))
        return HttpResponse(error_status(service, error), headers, body)

    @staticmethod
    def _headers(service: Any, request_id: str, body: bytes) -> list[tuple[str, str]]:
        kind = content_type(service) if service is not None else "application/x-amz-json-1.0"
        headers = [("content-type", kind), ("x-amzn-requestid", request_id)]
        if service is not None and service.metadata.get("serviceId") in CRC32_SERVICES:
            headers.append(("x-amz-crc32", str(zlib.crc32(body))))
        return headers


# Services (by `serviceId`) whose `__type` names the namespace of what raised the error, as
# recorded from DynamoDB: its own errors `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`,
# request validation `com.amazon.coral.validate#ValidationException`, the framework's own (bad
# JSON, unknown operation, signatures, internal failure) `com.amazon.coral.service#…`
# (pynamodb/PynamoDB#1144, HENNGE/aiodynamo#2, dynalite's recorded answers). DynamoDB Streams
# answers from the same namespace (`…v20120810#ExpiredIteratorException`). SDKs keep what
# follows the '#'.
NAMESPACED_ERRORS = {"DynamoDB": "com.amazonaws.dynamodb.v20120810#",
                     "DynamoDB Streams": "com.amazonaws.dynamodb.v20120810#"}
CORAL_VALIDATE = "com.amazon.coral.validate#"
# "DynamoDB responses can include a X-Amz-Crc32 header with the CRC32 checksum value of the
# response body" (AWS SDK for Go v2, DynamoDB customizations), which SDKs check when present.
CRC32_SERVICES = {"DynamoDB"}
CORAL_SERVICE = "com.amazon.coral.service#"


def error_type(service: Any, error: ErrorLike) -> str:
    """The `__type` of an error: the model's wire code for it; for services that moved from
    awsQuery (`awsQueryCompatible`) the shape's name, the query code going in a header; for
    services that namespace their errors (NAMESPACED_ERRORS), the code under its namespace."""
    shape = error_shape(service, error.code) if service is not None else None
    namespace = NAMESPACED_ERRORS.get(service.metadata.get("serviceId", "")) if service is not None else None
    if namespace is not None:
        if shape is not None:
            return namespace + str(shape.error_code)
        return (CORAL_VALIDATE if error.code == "ValidationException" else CORAL_SERVICE) + error.code
    if shape is None:
        return error.code
    return str(shape.name if "awsQueryCompatible" in service.metadata else shape.error_code)


def query_error(service: Any, error: ErrorLike) -> str:
    """`x-amzn-query-error: <query code>;Sender|Receiver`, which older SDKs match errors by."""
    shape = error_shape(service, error.code)
    code = shape.error_code if shape is not None else error.code
    return f"{code};{'Sender' if error.sender_fault else 'Receiver'}"
