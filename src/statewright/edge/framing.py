"""uvicorn's HTTP protocols, answering requests it cannot even frame in AWS's error shape.

uvicorn answers a request line or header it cannot parse with a `text/plain` 400 ("Invalid HTTP
request received.") before the app sees anything. These subclasses send the same 400 as an AWS
JSON error (`SerializationException`), which every AWS JSON client reads. Pass
`http_protocol()` to `uvicorn.Config(http=...)`.

The httptools one also sends a response's head together with its first body bytes: uvicorn
writes the status line and headers at `http.response.start` and the body at the next message,
two socket sends (and two segments for the client to read) where one does; on loopback each
send costs the server about as much CPU as a small request's whole protocol work.
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
        """uvicorn's httptools protocol with an AWS-shaped 400 for unframeable requests, and
        each response's head and first body bytes in one send (OneSend)."""

        def send_400_response(self, msg: str) -> None:
            self.transport.write(_raw_400(msg))
            self.transport.close()

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            # The new request's cycle (its ASGI task has not run yet) writes through a OneSend.
            cycle = self.cycle
            writes = OneSend(self.transport)
            cycle.transport = writes  # type: ignore[assignment]  # the cycle only writes, closes, asks is_closing
            finished = cycle.on_response

            def on_response() -> None:
                writes.flush()  # a head with no body after it (HEAD, 204) goes out now
                finished()

            cycle.on_response = on_response

    return AwsHttpToolsProtocol


class OneSend:
    """The transport uvicorn's request cycle writes one response through: the response's head
    (its first write, other than an interim `100 Continue`) waits for the next write or for
    `flush`/`close`, and goes out with it in one send."""

    __slots__ = ("_transport", "_held", "_head_seen")

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self._held: bytes | None = None
        self._head_seen = False

    def write(self, data: bytes) -> None:
        if not self._head_seen and not data.startswith(b"HTTP/1.1 100 "):
            self._head_seen = True
            self._held = data
            return
        if self._held is not None:
            data, self._held = self._held + data, None
        self._transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return bool(self._transport.is_closing())
