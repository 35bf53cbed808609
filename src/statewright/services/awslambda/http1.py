"""Just enough HTTP/1.1 for the Lambda Runtime API: read requests from, and write answers to,
one worker's keep-alive connection.

The Runtime API has one client per worker (awslambdaric's libcurl, or `http.client` for
`/init/error`), sends small requests, and waits for each answer before the next request, so a
buffered reader per connection is all it takes; a general HTTP server would add a thread hop to
every invocation.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

MAX_HEADER_BYTES = 64 * 1024


class ProtocolError(Exception):
    """The peer sent something that is not the HTTP this module reads."""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    source: Connection | None = None  # the connection to answer on


@dataclass
class Connection:
    """One accepted Runtime API connection and the bytes read from it but not yet parsed."""

    sock: socket.socket
    buffer: bytearray = field(default_factory=bytearray)
    closed: bool = False
    # Whether "100 Continue" was already sent for the request being read.
    continued: bool = False

    def fileno(self) -> int:
        return self.sock.fileno()

    def receive(self) -> None:
        """Read what is available (the socket is readable); an empty read means the peer left."""
        try:
            data = self.sock.recv(256 * 1024)
        except (ConnectionError, OSError):
            data = b""
        if data:
            self.buffer += data
        else:
            self.closed = True

    def next_request(self) -> Request | None:
        """The next complete request in the buffer, or None if more bytes are needed.
        Answers `Expect: 100-continue` so a client that waits for it sends its body."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEADER_BYTES:
                raise ProtocolError("request head too large")
            return None
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        try:
            method, path, _version = head[0].split(" ", 2)
        except ValueError as e:
            raise ProtocolError(f"bad request line {head[0]!r}") from e
        headers: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parsed = _chunked_body(self.buffer, start)
            if parsed is None:
                self._continue(headers)
                return None
            body, consumed = parsed
        else:
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) - start < length:
                self._continue(headers)
                return None
            body, consumed = bytes(self.buffer[start:start + length]), start + length
        del self.buffer[:consumed]
        self.continued = False
        return Request(method, path, headers, body, self)

    def _continue(self, headers: dict[str, str]) -> None:
        if headers.get("expect", "").lower() == "100-continue" and not self.continued:
            self.continued = True
            try:
                self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                self.closed = True

    def respond(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        reason = {200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden",
                  404: "Not Found", 413: "Payload Too Large", 500: "Internal Server Error"}.get(status, "")
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
        if headers:
            lines.extend(f"{name}: {value}" for name, value in headers.items())
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.sock.sendall(head + body)
        except OSError:
            self.closed = True

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass


def _chunked_body(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    body = bytearray()
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(bytes(buffer[position:line_end]).split(b";")[0] or b"0", 16)
        chunk_start = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", line_end)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 4
        if len(buffer) < chunk_start + size + 2:
            return None
        body += buffer[chunk_start:chunk_start + size]
        position = chunk_start + size + 2
