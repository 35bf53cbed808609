"""Multipart uploads: create, upload parts (bytes or a copied range), complete, abort, list."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from statewright.services.common import AwsError

from . import checksums
from .archive import check_readable
from .buckets import owner
from .catalog import ObjectRow
from .conditions import check_read
from .names import check_key
from .objects import _check_write, commit, lookup, parse_copy_source
from .state import S3State, quote_etag, timestamp
from .tags import from_header
from .writes import checksum_output, content_info, receive

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]
# AWS: "Part size: 5 MiB to 5 GiB. There is no minimum size limit on the last part";
# "Part numbers: 1 to 10,000 (inclusive)".
MIN_PART = 5 * 1024 * 1024
MAX_PART = 5 * 1024**3
MAX_PARTS = 10000


def no_such_upload(upload_id: Any) -> AwsError:
    return AwsError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the "
                    "upload may have been aborted or completed.", 404, fields={"UploadId": str(upload_id)})


def _upload(state: S3State, input: dict[str, Any]) -> tuple[str, str, float, dict[str, Any]]:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    found = state.catalog.upload(str(input.get("UploadId")))
    if found is None or found[0] != bucket.name or found[1] != key:
        raise no_such_upload(input.get("UploadId"))
    return found


def create_multipart_upload(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    info = content_info(input)
    info["Tags"] = from_header(input.get("Tagging"))
    algorithm = input.get("ChecksumAlgorithm")
    if algorithm:
        algorithm = str(algorithm).upper()
        checksums.new_hasher(algorithm)
        kind = input.get("ChecksumType") or ("FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE")
        if kind == "FULL_OBJECT" and algorithm not in checksums.CRC_BITS:
            raise AwsError("InvalidRequest", f"The FULL_OBJECT checksum type cannot be used with the "
                           f"{algorithm.lower()} checksum algorithm.", 400)
        info["ChecksumAlgorithm"], info["ChecksumType"] = algorithm, kind
    # Upload IDs sort like their initiation times, so that AWS's upload-id-marker ("upload IDs
    # lexicographically greater than the specified upload-id-marker") resumes after the same
    # upload that the listing's time order put last.
    upload_id = f"{int(state.now() * 1_000_000):014x}" + uuid.uuid4().hex + uuid.uuid4().hex[:18]
    with state.catalog.transaction() as db:
        db.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?)",
                   (upload_id, bucket.name, key.encode(), state.now(), json.dumps(info)))
    output = {"Bucket": bucket.name, "Key": key, "UploadId": upload_id}
    if algorithm:
        output.update(ChecksumAlgorithm=algorithm, ChecksumType=info["ChecksumType"])
    return output


def _part_number(value: Any) -> int:
    if not isinstance(value, int) or not 1 <= value <= MAX_PARTS:
        raise AwsError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400,
                       fields={"ArgumentName": "partNumber", "ArgumentValue": str(value)})
    return value


def _save_part(state: S3State, upload_id: str, number: int, blob: str, size: int, etag: str,
               checks: dict[str, str]) -> None:
    old = None
    try:
        with state.catalog.transaction() as db:
            if db.execute("SELECT 1 FROM uploads WHERE id=?", (upload_id,)).fetchone() is None:
                raise no_such_upload(upload_id)  # aborted or completed meanwhile
            found = db.execute("SELECT blob FROM parts WHERE upload=? AND number=?", (upload_id, number)).fetchone()
            old = found[0] if found else None
            db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (upload_id, number, blob, size, etag, state.now(), json.dumps(checks)))
    except BaseException:
        state.blobs.delete(blob)
        raise
    state.blobs.delete(old)


def upload_part(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    _, _, _, info = _upload(state, input)
    number = _part_number(input.get("PartNumber"))
    upload_id = str(input["UploadId"])
    written = receive(state, input, info.get("ChecksumAlgorithm"), limit=MAX_PART)
    etag = quote_etag(written.md5.hex())
    _save_part(state, upload_id, number, written.blob, written.size, etag, written.checksums)
    return {"ETag": etag, **checksum_output(written.checksums, None)}


def upload_part_copy(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    _, _, _, info = _upload(state, input)
    number = _part_number(input.get("PartNumber"))
    src_bucket, src_key, src_version = parse_copy_source(input.get("CopySource"))
    source = lookup(state, {"Bucket": src_bucket, "Key": src_key, "VersionId": src_version})
    check_read(source, input, prefix="CopySourceIf")
    check_readable(source, state.now())
    start, end = 0, source.size
    spec = input.get("CopySourceRange")
    if spec is not None:
        first, _, last = str(spec).removeprefix("bytes=").partition("-")
        if not str(spec).startswith("bytes=") or not first.isdigit() or not last.isdigit() \
                or int(first) > int(last) or int(last) >= source.size:
            raise AwsError("InvalidArgument", "The x-amz-copy-source-range value must be of the form "
                           "bytes=first-last where first and last are the zero-based offsets of the first "
                           "and last bytes to copy", 400, fields={"ArgumentName": "x-amz-copy-source-range"})
        start, end = int(first), int(last) + 1
    algorithm = info.get("ChecksumAlgorithm")
    written = state.blobs.write(state.blobs.read(source.blob or "", start, end), {algorithm} if algorithm else (),
                                limit=MAX_PART)
    etag = quote_etag(written.md5.hex())
    _save_part(state, str(input["UploadId"]), number, written.blob, written.size, etag, written.checksums)
    output: dict[str, Any] = {"CopyPartResult": {"ETag": etag, "LastModified": timestamp(state.now()),
                                                 **checksum_output(written.checksums, None)}}
    if source.version != "null":
        output["CopySourceVersionId"] = source.version
    return output


def _invalid_part(number: Any) -> AwsError:
    return AwsError("InvalidPart", "One or more of the specified parts could not be found.  The part may not "
                    "have been uploaded, or the specified entity tag may not match the part's entity tag.", 400,
                    fields={"PartNumber": str(number)})


def complete_multipart_upload(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket_name, key, _, info = _upload(state, input)
    upload_id = str(input["UploadId"])
    asked = (input.get("MultipartUpload") or {}).get("Parts") or []
    if not asked:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                       "our published schema", 400)
    numbers = [p.get("PartNumber") for p in asked]
    if any(not isinstance(n, int) for n in numbers) or numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise AwsError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered "
                       "by part number.", 400, fields={"UploadId": upload_id})
    stored = {p.number: p for p in state.catalog.parts(upload_id)}
    chosen = []
    for item in asked:
        part = stored.get(item["PartNumber"])
        if part is None or str(item.get("ETag", "")).strip('"') != part.etag.strip('"'):
            raise _invalid_part(item["PartNumber"])
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART:
            raise AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400,
                           fields={"ProposedSize": str(part.size), "MinSizeAllowed": str(MIN_PART),
                                   "PartNumber": str(part.number), "ETag": part.etag})
    _check_write(state.catalog.current(bucket_name, key), input)
    digest = hashlib.md5(b"".join(bytes.fromhex(p.etag.strip('"')) for p in chosen))
    etag = quote_etag(f"{digest.hexdigest()}-{len(chosen)}")
    algorithm, kind = info.get("ChecksumAlgorithm"), info.get("ChecksumType")
    final: dict[str, str] = {}
    if algorithm:
        values = [p.checksums[algorithm] for p in chosen if p.checksums.get(algorithm)]
        if len(values) == len(chosen):
            final[algorithm] = (checksums.combine_crc(algorithm, [(v, p.size) for v, p in zip(values, chosen, strict=True)])
                                if kind == "FULL_OBJECT" else checksums.composite(algorithm, values))
    written = state.blobs.concatenate([p.blob for p in chosen])
    object_info = {**info, "Checksums": final, "ChecksumType": kind or "FULL_OBJECT",
                   "Parts": [[p.size, {algorithm: p.checksums[algorithm]} if algorithm and
                              algorithm in p.checksums else {}] for p in chosen]}
    object_info.pop("ChecksumAlgorithm", None)
    row = ObjectRow(bucket_name, key, "null", written.blob, written.size, etag, state.now(), object_info)
    part_blobs: list[str] = []
    versioning = commit(state, row, input, also=lambda db: part_blobs.extend(_drop(db, upload_id)))
    for blob in part_blobs:
        state.blobs.delete(blob)
    state.changed(bucket_name, "ObjectCreated:CompleteMultipartUpload", row)
    endpoint = str(state.request.extra.get("endpoint", ""))
    output = {"Location": f"{endpoint}/{bucket_name}/{key}", "Bucket": bucket_name, "Key": key, "ETag": etag,
              **checksum_output(final, kind)}
    if versioning:
        output["VersionId"] = row.version
    return output


def _drop(db: Any, upload_id: str) -> list[str]:
    """Removes an upload's rows; returns its part blobs (deleted once the change committed)."""
    blobs = [r[0] for r in db.execute("SELECT blob FROM parts WHERE upload=?", (upload_id,))]
    db.execute("DELETE FROM parts WHERE upload=?", (upload_id,))
    db.execute("DELETE FROM uploads WHERE id=?", (upload_id,))
    return blobs


def _forget(state: S3State, upload_id: str) -> None:
    with state.catalog.transaction() as db:
        blobs = _drop(db, upload_id)
    for blob in blobs:
        state.blobs.delete(blob)


def abort_upload(state: S3State, upload_id: str) -> None:
    _forget(state, upload_id)


def abort_multipart_upload(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    _upload(state, input)
    _forget(state, str(input["UploadId"]))
    return {}


def list_parts(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket_name, key, _, info = _upload(state, input)
    marker = int(input.get("PartNumberMarker") or 0)
    limit = min(int(input.get("MaxParts") or 1000), 1000)
    parts = [p for p in state.catalog.parts(str(input["UploadId"])) if p.number > marker]
    page = parts[:limit]
    me = owner(state)
    output: dict[str, Any] = {
        "Bucket": bucket_name, "Key": key, "UploadId": input["UploadId"], "PartNumberMarker": marker,
        "MaxParts": limit, "IsTruncated": len(parts) > limit, "Initiator": me, "Owner": me,
        "StorageClass": info.get("StorageClass", "STANDARD"),
        "Parts": [{"PartNumber": p.number, "LastModified": timestamp(p.modified), "ETag": p.etag, "Size": p.size,
                   **checksum_output(p.checksums, None)} for p in page]}
    if page:
        output["NextPartNumberMarker"] = page[-1].number
    if info.get("ChecksumAlgorithm"):
        output.update(ChecksumAlgorithm=info["ChecksumAlgorithm"], ChecksumType=info["ChecksumType"])
    return output


def list_multipart_uploads(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    """AWS: uploads "sorted in ascending order based on their object keys" and, for one key, by
    initiation time; `Delimiter` groups keys "between the prefix, if specified, and the first
    occurrence of the delimiter after the prefix" into CommonPrefixes."""
    bucket = state.bucket(input.get("Bucket"))
    prefix, delimiter = str(input.get("Prefix") or ""), str(input.get("Delimiter") or "")
    key_marker, id_marker = str(input.get("KeyMarker") or ""), str(input.get("UploadIdMarker") or "")
    limit = min(int(input.get("MaxUploads") or 1000), 1000)
    encode = (lambda text: quote(text, safe="/")) if input.get("EncodingType") == "url" else (lambda text: text)
    uploads = [u for u in state.catalog.uploads(bucket.name)
               if u[1].startswith(prefix) and _after_markers(u, key_marker, id_marker)]
    entries: list[tuple[str, Any]] = []  # ("upload", row) or ("prefix", common prefix)
    truncated = False
    for upload in uploads:
        rest = upload[1][len(prefix):]
        cut = rest.find(delimiter) if delimiter else -1
        common = prefix + rest[: cut + len(delimiter)] if cut >= 0 else None
        # "CommonPrefixes is filtered out from results if it is not lexicographically greater
        # than the key-marker."
        if common is not None and (common.encode() <= key_marker.encode()
                                   or (entries and entries[-1] == ("prefix", common))):
            continue
        if len(entries) >= limit:
            truncated = True
            break
        entries.append(("prefix", common) if common is not None else ("upload", upload))
    me = owner(state)
    output: dict[str, Any] = {
        "Bucket": bucket.name, "KeyMarker": encode(key_marker), "UploadIdMarker": id_marker, "Prefix": encode(prefix),
        "MaxUploads": limit, "IsTruncated": truncated,
        "Uploads": [{"UploadId": u[0], "Key": encode(u[1]), "Initiated": timestamp(u[2]), "Initiator": me,
                     "Owner": me, "StorageClass": u[3].get("StorageClass", "STANDARD")}
                    for kind, u in entries if kind == "upload"],
        "CommonPrefixes": [{"Prefix": encode(c)} for kind, c in entries if kind == "prefix"]}
    if delimiter:
        output["Delimiter"] = encode(delimiter)
    if input.get("EncodingType"):
        output["EncodingType"] = input["EncodingType"]
    if truncated and entries:
        kind, last = entries[-1]
        output.update(NextKeyMarker=encode(last if kind == "prefix" else last[1]),
                      NextUploadIdMarker="" if kind == "prefix" else last[0])
    return output


def _after_markers(upload: tuple[str, str, float, dict[str, Any]], key_marker: str, id_marker: str) -> bool:
    """AWS (key-marker): "If upload-id-marker is not specified, only the keys lexicographically
    greater than the specified key-marker will be included … If upload-id-marker is specified, any
    multipart uploads for a key equal to the key-marker might also be included, provided those
    multipart uploads have upload IDs lexicographically greater than the specified
    upload-id-marker".
    """
    key = upload[1].encode()
    return not key_marker or key > key_marker.encode() or (
        bool(id_marker) and upload[1] == key_marker and upload[0] > id_marker)


ACTIONS: dict[str, Action] = {
    "CreateMultipartUpload": create_multipart_upload, "UploadPart": upload_part,
    "UploadPartCopy": upload_part_copy, "CompleteMultipartUpload": complete_multipart_upload,
    "AbortMultipartUpload": abort_multipart_upload, "ListParts": list_parts,
    "ListMultipartUploads": list_multipart_uploads,
}
