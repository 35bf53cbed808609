"""Object bytes as files named by generated ids: a key is never a path.

A body streams into a temporary file (hashed as it passes), is fsynced, and renamed to
`objects/<id[:2]>/<id>` with the directory fsynced; only then does the catalog commit the row
that makes it visible. A crash before the commit leaves an unreferenced file, which `sweep`
removes at start; it can never leave a partial object visible.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statewright.services.common import AwsError

from .checksums import Hasher, encode, new_hasher

CHUNK = 1024 * 1024
# AWS: "Upload a single object up to 5 GB" with PutObject; parts are up to 5 GiB as well.
MAX_SINGLE_UPLOAD = 5 * 1024**3


@dataclass
class Written:
    """A body that is durable on disk under `blob`, with what was computed on the way."""

    blob: str
    size: int
    md5: bytes
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm → base64 digest


def chunks_of(body: Any) -> Iterator[bytes]:
    """A request body (bytes, a file-like with `read`, or an iterable of bytes) as chunks."""
    if body is None:
        return
    if isinstance(body, bytes | bytearray | memoryview):
        yield bytes(body)
        return
    if isinstance(body, str):
        yield body.encode()
        return
    read = getattr(body, "read", None)
    if read is not None:
        while True:
            chunk = read(CHUNK)
            if not chunk:
                return
            yield chunk
        return
    yield from body


class BlobStore:
    """The files under `<data_dir>/s3/`: `objects/` for committed bytes, `tmp/` while writing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.tmp = root / "tmp"
        self.objects.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, blob: str) -> Path:
        # Ids are generated here (uuid hex), never taken from a request; checked anyway so a
        # damaged catalog row cannot point outside the store.
        if len(blob) != 32 or not all(c in "0123456789abcdef" for c in blob):
            raise AwsError("InternalError", "The object's stored data is damaged.", 500, sender_fault=False)
        return self.objects / blob[:2] / blob

    def write(self, body: Any, algorithms: Iterable[str] = (), *,
              limit: int = MAX_SINGLE_UPLOAD) -> Written:
        """Stream `body` to a new durable file; checksums for `algorithms` computed on the way."""
        blob = uuid.uuid4().hex
        temp = self.tmp / blob
        md5 = hashlib.md5()
        hashers: dict[str, Hasher] = {name: new_hasher(name) for name in algorithms}
        size = 0
        try:
            with open(temp, "wb") as out:
                for chunk in chunks_of(body):
                    size += len(chunk)
                    if size > limit:
                        raise AwsError("EntityTooLarge",
                                       "Your proposed upload exceeds the maximum allowed size", 400,
                                       fields={"MaxSizeAllowed": str(limit)})
                    md5.update(chunk)
                    for hasher in hashers.values():
                        hasher.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            self._place(temp, blob)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return Written(blob, size, md5.digest(), {n: encode(h.digest()) for n, h in hashers.items()})

    def concatenate(self, blobs: list[str], algorithms: Iterable[str] = ()) -> Written:
        """One new file holding `blobs` one after another (completing a multipart upload)."""
        def stream() -> Iterator[bytes]:
            for blob in blobs:
                yield from self.read(blob)
        return self.write(stream(), algorithms, limit=2**63)

    def link(self, blob: str) -> str:
        """A new id for the same bytes: a hard link (blobs never change once placed), or a copy
        where the file system has no hard links."""
        new = uuid.uuid4().hex
        temp = self.tmp / new
        try:
            os.link(self.path(blob), temp)
        except OSError:
            return self.write(self.read(blob), limit=2**63).blob
        self._place(temp, new)
        return new

    def _place(self, temp: Path, blob: str) -> None:
        final = self.path(blob)
        final.parent.mkdir(exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    def read(self, blob: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes [start, end) of a blob in chunks. The file is opened before the first chunk
        is asked for, so a caller holding the iterator keeps the data even if the object is
        replaced meanwhile (POSIX keeps an unlinked open file readable)."""
        handle = open(self.path(blob), "rb")  # noqa: SIM115 - closed by the generator
        return _chunks(handle, start, end)

    def open(self, blob: str) -> Any:
        return open(self.path(blob), "rb")

    def delete(self, blob: str | None) -> None:
        if blob:
            self.path(blob).unlink(missing_ok=True)

    def sweep(self, referenced: Callable[[str], bool]) -> int:
        """Removes temporary files and files no catalog row references (left by a crash
        between rename and commit). Returns how many files were removed."""
        removed = 0
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(exist_ok=True)
        for shard in self.objects.iterdir():
            for file in shard.iterdir():
                if not referenced(file.name):
                    file.unlink(missing_ok=True)
                    removed += 1
        return removed


def _chunks(handle: Any, start: int, end: int | None) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        remaining = None if end is None else end - start
        while remaining is None or remaining > 0:
            chunk = handle.read(CHUNK if remaining is None else min(CHUNK, remaining))
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

