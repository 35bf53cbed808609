"""uvicorn's HTTP protocols, answering requests it cannot even frame in AWS's error shape.

uvicorn answers a request line or header it cannot parse with a `text/plain` 400 ("Invalid HTTP
request received.") before the app sees anything. These subclasses send the same 400 as an AWS
JSON error (`SerializationException`), which every AWS JSON client reads. Pass
`http_protocol()` to `uvicorn.Config(http=...)`.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


def _error_body(message: str) -> bytes:
    return json.dumps({"__type": "SerializationException",
                       "message": f"The request is not valid HTTP: {message}"}).encode()


def _raw_400(message: str) -> bytes:
    body = _error_body(message)
    head = (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
    return head + body


class AwsH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with an AWS-shaped 400 for unframeable requests."""

    def send_400_response(self, msg: str) -> None:
        self.transport.write(_raw_400(msg))
        self.transport.close()


def http_protocol() -> type[Any]:
    """The protocol class for `uvicorn.Config(http=...)`: httptools' when it is installed (what
    uvicorn's "auto" picks), else h11's — each with AWS-shaped framing errors."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return AwsH11Protocol

    class AwsHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with an AWS-shaped 400 for unframeable requests."""

        def send_400_response(self, msg: str) -> None:
            self.transport.write(_raw_400(msg))
            self.transport.close()

    return AwsHttpToolsProtocol
