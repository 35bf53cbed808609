"""Contracts only: the plain HTTP records a protocol reads and writes, and what a protocol offers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class HttpRequest:
    """One request as the edge received it. `path` is the raw (still percent-encoded) path,
    `query` the raw query string; `headers` has lower-cased names (repeated headers joined
    with ", " as HTTP allows)."""

    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class HttpResponse:
    """What to send back. `body` is bytes, or an iterable of byte chunks for streamed payloads
    (S3 objects) so large bodies are never held whole."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""


@dataclass
class ParsedRequest:
    """An operation of a service and its input: a dict of the input shape's members, with
    values typed as the shape says (int, bool, float, str, bytes, datetime for timestamps,
    list, dict)."""

    operation: str
    input: dict[str, Any]


class ErrorLike(Protocol):
    """An error to write (services raise `services.common.AwsError`, which fits this)."""

    code: str
    message: str
    status: int | None
    sender_fault: bool
    fields: dict[str, Any]


class WireProtocol(Protocol):
    """One AWS protocol (botocore's names: json, rest-json, rest-xml, query, ec2,
    smithy-rpc-v2-cbor). `service` and `operation` are botocore `ServiceModel` and
    `OperationModel` objects."""

    def parse(self, service: Any, request: HttpRequest) -> ParsedRequest: ...
    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse: ...
    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse: ...
