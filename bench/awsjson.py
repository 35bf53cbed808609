"""A minimal asyncio AWS JSON 1.0 client over keep-alive HTTP/1.1, for load generation.

boto3 costs ~1 ms of client CPU per call; on a 2-core machine that CPU is taken from the server
being measured, so the load generator speaks the wire protocol directly (no signing: the local
server does not check signatures).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class CallFailed(Exception):
    """The server answered with an AWS error shape."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body.get('__type')}: {body.get('message')}")
        self.status = status
        self.body = body


class Connection:
    """One keep-alive connection; one request at a time (each load client owns one)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def call(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode()
        head = (f"POST / HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"X-Amz-Target: AWSStepFunctions.{action}\r\n"
                "Content-Type: application/x-amz-json-1.0\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        self.writer.write(head + payload)
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        raw = await self._chunked() if chunked else await self.reader.readexactly(length)
        answer = json.loads(raw) if raw else {}
        if status >= 300:
            raise CallFailed(status, answer)
        return answer  # type: ignore[no-any-return]

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readline()).strip(), 16)
            if size == 0:
                await self.reader.readline()
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None
