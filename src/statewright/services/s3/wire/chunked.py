"""aws-chunked request bodies (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-
TRAILER`, …): `<hex size>[;chunk-signature=…]\\r\\n<data>\\r\\n` … `0\\r\\n<trailer lines>\\r\\n\\r\\n`.
boto3 ≥ 1.36 and the AWS CLI send uploads this way, with a CRC32 checksum in the trailer."""

from __future__ import annotations

from typing import Any, Protocol

from statewright.services.common import AwsError


class Reader(Protocol):
    def read(self, size: int = -1) -> bytes: ...


def is_chunked(headers: dict[str, str]) -> bool:
    sha = headers.get("x-amz-content-sha256", "")
    encoding = headers.get("content-encoding", "")
    return sha.startswith("STREAMING-") or "aws-chunked" in encoding


def _incomplete() -> AwsError:
    return AwsError("IncompleteBody", "The request body terminated unexpectedly", 400)


class ChunkedReader:
    """Decodes an aws-chunked stream from `raw`; after the last chunk, `trailers` holds the
    trailing headers (lower-cased names). Chunk signatures are not verified (see docs/s3.md)."""

    def __init__(self, raw: Reader) -> None:
        self.raw = raw
        self.buffer = bytearray()
        self.left = 0  # bytes left in the current chunk
        self.done = False
        self.trailers: dict[str, str] = {}

    def _fill(self) -> bool:
        more = self.raw.read(1 << 20)
        if not more:
            return False
        self.buffer += more
        return True

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if len(self.buffer) > 8192 or not self._fill():
                raise _incomplete()
        end = self.buffer.index(b"\r\n")
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 2]
        return line

    def _start_chunk(self) -> None:
        header = self._line()
        size_text = header.split(b";", 1)[0].strip()
        try:
            self.left = int(size_text, 16)
        except ValueError as error:
            raise AwsError("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than "
                           "8192 bytes", 400) from error
        if self.left == 0:
            self._read_trailers()
            self.done = True

    def _read_trailers(self) -> None:
        while True:
            try:
                line = self._line()
            except AwsError:
                return  # no trailer section at all (signed payloads without trailers end here)
            if not line:
                return
            name, _, value = line.decode("latin-1").partition(":")
            self.trailers[name.strip().lower()] = value.strip()

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        want = size if size > 0 else 1 << 62
        while len(out) < want and not self.done:
            if self.left == 0:
                self._start_chunk()
                continue
            if not self.buffer and not self._fill():
                raise _incomplete()
            take = min(self.left, want - len(out), len(self.buffer))
            out += self.buffer[:take]
            del self.buffer[:take]
            self.left -= take
            if self.left == 0:
                if self._line() != b"":
                    raise _incomplete()
        return bytes(out)


def wrap(raw: Any, headers: dict[str, str]) -> Any:
    return ChunkedReader(raw) if is_chunked(headers) else raw
