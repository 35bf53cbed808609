"""Listing objects: ListObjectsV2, ListObjects (v1) and ListObjectVersions, with prefixes,
delimiters (common prefixes), markers and continuation tokens, in UTF-8 binary key order."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from statewright.services.common import AwsError

from .buckets import owner
from .catalog import ObjectRow
from .state import S3State, timestamp

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]
# UTF-8 never contains 0xFF, so every key that starts with P sorts before P + b"\xff".
_PAST = b"\xff"
_BATCH = 1000


def _walk(state: S3State, bucket: str, prefix: bytes, after: bytes, delimiter: bytes,
          fetch: Callable[[bytes, int], list[ObjectRow]]) -> Iterator[tuple[bytes, ObjectRow | None]]:
    """(key, row) for objects and (common prefix, None) for rolled-up groups, in order."""
    while True:
        page = fetch(after, _BATCH)
        if not page:
            return
        for row in page:
            key = row.key.encode()
            rest = key[len(prefix):]
            cut = rest.find(delimiter) if delimiter else -1
            if cut >= 0:
                common = prefix + rest[: cut + len(delimiter)]
                yield common, None
                after = common + _PAST
                break
            yield key, row
            after = key
        else:
            if len(page) < _BATCH:
                return


def _max_keys(value: Any) -> int:
    if value is None:
        return 1000
    if not isinstance(value, int) or value < 0:
        raise AwsError("InvalidArgument", "Provided max-keys not an integer or within integer range", 400,
                       fields={"ArgumentName": "max-keys", "ArgumentValue": str(value)})
    return min(value, 1000)


def _encoder(input: dict[str, Any]) -> Callable[[str], str]:
    kind = input.get("EncodingType")
    if kind is None:
        return lambda text: text
    if kind != "url":
        raise AwsError("InvalidArgument", "Invalid Encoding Method specified in Request", 400,
                       fields={"ArgumentName": "encoding-type", "ArgumentValue": str(kind)})
    return lambda text: quote(text, safe="/")


def _entry(row: ObjectRow, encode: Callable[[str], str], with_owner: dict[str, str] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"Key": encode(row.key), "LastModified": timestamp(row.modified), "ETag": row.etag,
                             "Size": row.size, "StorageClass": row.info.get("StorageClass", "STANDARD")}
    checks = row.info.get("Checksums") or {}
    if checks:
        entry["ChecksumAlgorithm"] = sorted(checks)
        entry["ChecksumType"] = row.info.get("ChecksumType", "FULL_OBJECT")
    if with_owner is not None:
        entry["Owner"] = with_owner
    return entry


def _collect(state: S3State, input: dict[str, Any], after: bytes) -> tuple[list[ObjectRow], list[str], bool, bytes]:
    bucket = state.bucket(input.get("Bucket"))
    prefix = str(input.get("Prefix") or "").encode()
    delimiter = str(input.get("Delimiter") or "").encode()
    limit = _max_keys(input.get("MaxKeys"))
    rows: list[ObjectRow] = []
    prefixes: list[str] = []
    last = after
    truncated = False

    def fetch(start: bytes, count: int) -> list[ObjectRow]:
        return state.catalog.latest_page(bucket.name, start, prefix, count)

    if limit == 0:
        # S3 answers max-keys=0 with an empty page that is not truncated (and so has no token
        # or marker to follow), as S3-compatible servers tested against AWS record.
        return rows, prefixes, False, last
    for key, row in _walk(state, bucket.name, prefix, after, delimiter, fetch):
        if len(rows) + len(prefixes) >= limit:
            truncated = True
            break
        if row is None:
            prefixes.append(key.decode())
        else:
            rows.append(row)
        last = key
    return rows, prefixes, truncated, last


def _resume(last: bytes, prefixes: list[str]) -> bytes:
    """Where the next page starts: after the last key, or after the last common prefix's group."""
    return last + _PAST if prefixes and prefixes[-1].encode() == last else last


def list_objects_v2(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    encode = _encoder(input)
    token = input.get("ContinuationToken")
    after = _decode_token(token) if token is not None else str(input.get("StartAfter") or "").encode()
    rows, prefixes, truncated, last = _collect(state, input, after)
    with_owner = owner(state) if input.get("FetchOwner") else None
    output: dict[str, Any] = {
        "Name": input["Bucket"], "Prefix": encode(str(input.get("Prefix") or "")),
        "MaxKeys": _max_keys(input.get("MaxKeys")), "KeyCount": len(rows) + len(prefixes),
        "IsTruncated": truncated, "Contents": [_entry(r, encode, with_owner) for r in rows],
        "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
    if input.get("Delimiter"):
        output["Delimiter"] = encode(input["Delimiter"])
    if input.get("EncodingType"):
        output["EncodingType"] = input["EncodingType"]
    if token is not None:
        output["ContinuationToken"] = token
    if input.get("StartAfter"):
        output["StartAfter"] = encode(input["StartAfter"])
    if truncated:
        output["NextContinuationToken"] = base64.urlsafe_b64encode(_resume(last, prefixes)).decode()
    return output


def _decode_token(token: Any) -> bytes:
    try:
        return base64.urlsafe_b64decode(str(token).encode())
    except (binascii.Error, ValueError) as error:
        raise AwsError("InvalidArgument", "The continuation token provided is incorrect", 400,
                       fields={"ArgumentName": "continuation-token"}) from error


def list_objects(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    encode = _encoder(input)
    marker = str(input.get("Marker") or "")
    after = marker.encode()
    prefix = str(input.get("Prefix") or "")
    if input.get("Delimiter") and marker.endswith(input["Delimiter"]) and len(marker) > len(prefix):
        after += _PAST  # a NextMarker that names a common prefix resumes after its group
    rows, prefixes, truncated, last = _collect(state, input, after)
    output: dict[str, Any] = {
        "Name": input["Bucket"], "Prefix": encode(str(input.get("Prefix") or "")), "Marker": encode(marker),
        "MaxKeys": _max_keys(input.get("MaxKeys")), "IsTruncated": truncated,
        "Contents": [_entry(r, encode, owner(state)) for r in rows],
        "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
    if input.get("Delimiter"):
        output["Delimiter"] = encode(input["Delimiter"])
        # AWS: NextMarker "is returned only if you have the delimiter request parameter specified".
        if truncated:
            output["NextMarker"] = encode(last.decode())
    if input.get("EncodingType"):
        output["EncodingType"] = input["EncodingType"]
    return output


def list_object_versions(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    encode = _encoder(input)
    prefix = str(input.get("Prefix") or "").encode()
    delimiter = str(input.get("Delimiter") or "").encode()
    limit = _max_keys(input.get("MaxKeys"))
    key_marker = str(input.get("KeyMarker") or "").encode()
    version_marker = input.get("VersionIdMarker")
    start: tuple[bytes, int] = (key_marker, -1) if key_marker else (b"", -1)
    if key_marker and version_marker:
        row = state.catalog.version(bucket.name, key_marker.decode(), str(version_marker))
        if row is not None:
            start = (key_marker, row.seq)
    if key_marker and not version_marker:
        start = (key_marker, -1)  # everything after this key
    versions: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    prefixes: list[str] = []
    truncated, next_key, next_version = False, None, None
    cursor = start
    me = owner(state)
    while not truncated and limit > 0:  # max-keys=0: an empty page, not truncated (as above)
        page = state.catalog.versions_page(bucket.name, cursor, prefix, _BATCH)
        if not page:
            break
        for row in page:
            key = row.key.encode()
            cursor = (key, row.seq)
            rest = key[len(prefix):]
            cut = rest.find(delimiter) if delimiter else -1
            if len(versions) + len(markers) + len(prefixes) >= limit:
                truncated = True
                break
            if cut >= 0:
                common = prefix + rest[: cut + len(delimiter)]
                prefixes.append(common.decode())
                cursor = (common + _PAST, -1)
                next_key, next_version = common.decode(), None
                break
            entry = {"Key": encode(row.key), "VersionId": row.version, "IsLatest": row.latest,
                     "LastModified": timestamp(row.modified), "Owner": me}
            if row.marker:
                markers.append(entry)
            else:
                versions.append({**entry, "ETag": row.etag, "Size": row.size,
                                 "StorageClass": row.info.get("StorageClass", "STANDARD")})
            next_key, next_version = row.key, row.version
        else:
            if len(page) < _BATCH:
                break
    output: dict[str, Any] = {
        "Name": bucket.name, "Prefix": encode(prefix.decode()), "KeyMarker": encode(key_marker.decode()),
        "VersionIdMarker": version_marker or "", "MaxKeys": limit, "IsTruncated": truncated,
        "Versions": versions, "DeleteMarkers": markers, "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
    if delimiter:
        output["Delimiter"] = encode(delimiter.decode())
    if truncated and next_key is not None:
        output["NextKeyMarker"] = encode(next_key)
        if next_version is not None:
            output["NextVersionIdMarker"] = next_version
    return output


ACTIONS: dict[str, Action] = {
    "ListObjectsV2": list_objects_v2, "ListObjects": list_objects, "ListObjectVersions": list_object_versions,
}
