"""S3's integrity values: the MD5 ETag and the flexible checksums (CRC32, CRC32C, SHA1, SHA256,
CRC64NVME), computed while bytes stream past so a body is read once."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any, Protocol

import crc32c
from awscrt import checksums as crt

from statewright.services.common import AwsError

# Algorithm name (as in `ChecksumAlgorithm`) → the member suffix (`ChecksumCRC32`, …).
ALGORITHMS = ("CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME")
# CRCs can be combined into a full-object checksum; SHAs only composite (checksum of checksums).
CRC_BITS = {"CRC32": 32, "CRC32C": 32, "CRC64NVME": 64}


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...


class _Crc:
    """A running CRC in the libraries' incremental form `crc(data, previous)` (zlib for CRC32,
    the `crc32c` package for CRC32C, awscrt for CRC64NVME)."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        self.value = 0

    def update(self, data: bytes) -> None:
        if self.algorithm == "CRC32":
            self.value = zlib.crc32(data, self.value)
        elif self.algorithm == "CRC32C":
            self.value = crc32c.crc32c(data, self.value)
        else:
            self.value = crt.crc64nvme(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(CRC_BITS[self.algorithm] // 8, "big")


def new_hasher(algorithm: str) -> Hasher:
    if algorithm in CRC_BITS:
        return _Crc(algorithm)
    if algorithm == "SHA1":
        return hashlib.sha1()
    if algorithm == "SHA256":
        return hashlib.sha256()
    raise AwsError("InvalidRequest", f"Checksum algorithm '{algorithm}' is not supported.")


def encode(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def of_bytes(algorithm: str, data: bytes) -> str:
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return encode(hasher.digest())


def combine_crc(algorithm: str, parts: list[tuple[str, int]]) -> str:
    """The full-object CRC of an object from its parts' CRCs and sizes (S3's FULL_OBJECT type)."""
    combine = {"CRC32": crt.combine_crc32, "CRC32C": crt.combine_crc32c,
               "CRC64NVME": crt.combine_crc64nvme}[algorithm]
    total = 0
    for index, (value, size) in enumerate(parts):
        crc = int.from_bytes(base64.b64decode(value), "big")
        total = crc if index == 0 else combine(total, crc, size)
    return encode(total.to_bytes(CRC_BITS[algorithm] // 8, "big"))


def composite(algorithm: str, part_values: list[str]) -> str:
    """The COMPOSITE checksum of a multipart object: the checksum of the parts' raw checksums,
    then `-N` (as S3 reports it)."""
    hasher = new_hasher(algorithm)
    for value in part_values:
        hasher.update(base64.b64decode(value))
    return f"{encode(hasher.digest())}-{len(part_values)}"


def requested(input: dict[str, Any]) -> dict[str, str]:
    """The checksums a request states (`ChecksumCRC32` …), algorithm → base64 value."""
    return {name: str(input[f"Checksum{name}"]) for name in ALGORITHMS if input.get(f"Checksum{name}")}


def content_md5(value: str | None) -> bytes | None:
    """The digest a `Content-MD5` header states; `InvalidDigest` when it is not base64 of 16 bytes."""
    if value is None:
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except ValueError:
        digest = b""
    if len(digest) != 16:
        raise AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
    return digest


def bad_digest(algorithm: str) -> AwsError:
    if algorithm == "MD5":
        return AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
    return AwsError("BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400)
