"""Receiving a body: stream it to a blob, then check what the request said about it
(`Content-MD5`, `x-amz-checksum-*` in headers or in an aws-chunked trailer)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from statewright.services.common import AwsError

from . import checksums
from .blobs import MAX_SINGLE_UPLOAD, Written
from .state import S3State

# AWS (PutObject, `x-amz-storage-class`): "Valid Values: STANDARD | REDUCED_REDUNDANCY | STANDARD_IA |
# ONEZONE_IA | INTELLIGENT_TIERING | GLACIER | DEEP_ARCHIVE | OUTPOSTS | GLACIER_IR | SNOW |
# EXPRESS_ONEZONE | FSX_OPENZFS | FSX_ONTAP" (botocore's `StorageClass` enum adds the backup classes).
STORAGE_CLASSES = frozenset({
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
    "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP",
    "AWS_BACKUP_WARM", "AWS_BACKUP_LOW_COST_WARM"})
MAX_METADATA_BYTES = 2048
# Members describing an object that S3 stores and returns as they were given.
CONTENT_MEMBERS = ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage", "CacheControl",
                   "WebsiteRedirectLocation", "ServerSideEncryption", "SSEKMSKeyId")


def algorithms_for(input: dict[str, Any], extra: str | None = None) -> set[str]:
    wanted = set(checksums.requested(input))
    algorithm = input.get("ChecksumAlgorithm")
    if algorithm:
        wanted.add(str(algorithm).upper())
    if extra:
        wanted.add(extra)
    for name in wanted:
        checksums.new_hasher(name)  # unknown algorithms fail before any byte is read
    return wanted


def receive(state: S3State, input: dict[str, Any], extra: str | None = None,
            limit: int = MAX_SINGLE_UPLOAD) -> Written:
    """The request's `Body` written durably and verified; a body that fails a check is removed
    before anything refers to it."""
    expected_md5 = checksums.content_md5(input.get("ContentMD5"))
    wanted = algorithms_for(input, extra)
    body = input.get("Body")
    written = state.blobs.write(body, wanted, limit=limit)
    try:
        if expected_md5 is not None and expected_md5 != written.md5:
            raise checksums.bad_digest("MD5")
        stated = checksums.requested(input)
        for name, value in trailing(body).items():
            stated.setdefault(name, value)
        for name, value in stated.items():
            if written.checksums.get(name) != value:
                raise checksums.bad_digest(name)
        length = input.get("ContentLength")
        if isinstance(length, int) and length != written.size and not _chunked(body):
                raise AwsError("IncompleteBody", "You did not provide the number of bytes specified by the "
                           "Content-Length HTTP header", 400)
    except BaseException:
        state.blobs.delete(written.blob)
        raise
    return written


def trailing(body: Any) -> dict[str, str]:
    """Checksums an aws-chunked body carried in its trailer (the wire front exposes the trailer
    as `body.trailers`, lower-cased header names)."""
    trailers = getattr(body, "trailers", None) or {}
    found = {}
    for name in checksums.ALGORITHMS:
        value = trailers.get(f"x-amz-checksum-{name.lower()}")
        if value:
            found[name] = value
    return found


def _chunked(body: Any) -> bool:
    return hasattr(body, "trailers")


def content_info(input: dict[str, Any]) -> dict[str, Any]:
    """What S3 keeps from a write request to describe the object."""
    info: dict[str, Any] = {m: input[m] for m in CONTENT_MEMBERS if input.get(m) is not None}
    encoding = info.get("ContentEncoding")
    if encoding is not None:
        # aws-chunked is how the body travelled, not how it is stored.
        kept = [e.strip() for e in str(encoding).split(",") if e.strip() and e.strip() != "aws-chunked"]
        if kept:
            info["ContentEncoding"] = ",".join(kept)
        else:
            del info["ContentEncoding"]
    info.setdefault("ContentType", "binary/octet-stream")
    if isinstance(input.get("Expires"), datetime):
        info["Expires"] = input["Expires"].isoformat()
    info["Metadata"] = user_metadata(input)
    info["StorageClass"] = storage_class(input)
    return info


def user_metadata(input: dict[str, Any]) -> dict[str, str]:
    """The request's `x-amz-meta-*` pairs (names lower-cased). AWS: "Within the PUT request
    header, the user-defined metadata is limited to 2 KB in size. The size of user-defined
    metadata is measured by taking the sum of the number of bytes in the UTF-8 encoding of each
    key and value"; more is "MetadataTooLarge — Your metadata headers exceed the maximum allowed
    metadata size." (400)."""
    metadata = {str(k).lower(): str(v) for k, v in (input.get("Metadata") or {}).items()}
    size = sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise AwsError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", 400,
                       fields={"Size": str(size), "MaxSizeAllowed": str(MAX_METADATA_BYTES)})
    return metadata


def storage_class(input: dict[str, Any]) -> str:
    """The request's `x-amz-storage-class` (STANDARD when absent). AWS's error table:
    "InvalidStorageClass — The storage class you specified is not valid." (400)."""
    value = input.get("StorageClass")
    if value is None or value == "":
        return "STANDARD"
    if value not in STORAGE_CLASSES:
        raise AwsError("InvalidStorageClass", "The storage class you specified is not valid", 400,
                       fields={"StorageClassRequested": str(value)})
    return str(value)


def checksum_output(values: dict[str, str], kind: str | None = "FULL_OBJECT") -> dict[str, Any]:
    output: dict[str, Any] = {f"Checksum{name}": value for name, value in values.items()}
    if values and kind:
        output["ChecksumType"] = kind
    return output


def md5_base64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()
