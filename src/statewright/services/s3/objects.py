"""Object actions: put, get, head, delete (one or many), copy, tags, attributes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from statewright.services.common import AwsError

from .archive import check_readable, restore_header
from .catalog import ObjectRow, delete_version, insert_object, relatest
from .conditions import byte_range, check_read, precondition_failed
from .grants import canned, check_allowed
from .names import check_key
from .state import S3State, etag_matches, no_such_key, quote_etag, timestamp
from .tags import check_tags, from_header
from .writes import CONTENT_MEMBERS, checksum_output, content_info, receive, storage_class

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]
_VERSION_ID = re.compile(r"^(null|[A-Za-z0-9._-]{1,1024})$")


def put_object(state: S3State, input: dict[str, Any], event: str = "ObjectCreated:Put") -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    tags = from_header(input.get("Tagging"))
    grants = requested_acl(state, bucket.name, input)
    _check_write(state.catalog.current(bucket.name, key), input)  # before reading a byte
    written = receive(state, input)
    info = content_info(input)
    info.update(Checksums=written.checksums, Tags=tags)
    if grants:
        info["Acl"] = grants
    row = ObjectRow(bucket.name, key, "null", written.blob, written.size, quote_etag(written.md5.hex()),
                    state.now(), info)
    versioning = commit(state, row, input)
    state.changed(bucket.name, event, row)
    output = {"ETag": row.etag, **checksum_output(written.checksums)}
    if versioning:
        output["VersionId"] = row.version
    return output


def post_object(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    """A browser form upload (S3's POST Object; no SDK has it, so it is not among the ACTIONS):
    PutObject's write, with the event AWS names for it: "s3:ObjectCreated:Post"."""
    return put_object(state, input, event="ObjectCreated:Post")


def requested_acl(state: S3State, bucket: str, input: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The grants of an `x-amz-acl` header on a write, checked against the bucket's ownership."""
    if not input.get("ACL"):
        return None
    grants = canned(str(input["ACL"]), state.request.account)
    check_allowed(state, bucket, grants)
    return grants


def _check_write(current: ObjectRow | None, input: dict[str, Any]) -> None:
    """AWS conditional writes: `If-None-Match: *` fails with 412 when the key exists; `If-Match`
    fails with 412 when the ETag differs and 404 when there is no object. Checked before a byte
    is read and again when the write commits."""
    live = current if current is not None and not current.marker else None
    if_none = input.get("IfNoneMatch")
    if if_none is not None and if_none.strip() != "*":
        # AWS (PutObject, CompleteMultipartUpload `If-None-Match`): "Expects the '*' (asterisk)
        # character"; any other value is S3's NotImplemented: "A header you provided implies
        # functionality that is not implemented" (501).
        raise AwsError("NotImplemented", "A header you provided implies functionality that is not implemented",
                       501, fields={"Header": "If-None-Match"})
    if if_none is not None and live is not None:
        raise precondition_failed("If-None-Match")
    if_match = input.get("IfMatch")
    if if_match is not None:
        if live is None:
            raise no_such_key(str(input.get("Key")))
        if not etag_matches(if_match, live.etag):
            raise precondition_failed("If-Match")


def commit(state: S3State, row: ObjectRow, conditions: dict[str, Any] | None = None,
           also: Callable[[Any], None] | None = None) -> str | None:
    """Makes `row` (whose blob is already durable) the key's current version, atomically; returns
    the bucket's versioning status. The blob of a replaced "null" version is deleted afterwards."""
    replaced: str | None = None
    try:
        with state.catalog.transaction() as db:
            found = db.execute("SELECT versioning FROM buckets WHERE name=?", (row.bucket,)).fetchone()
            if found is None:
                raise AwsError("NoSuchBucket", "The specified bucket does not exist", 404,
                               fields={"BucketName": row.bucket})
            versioning = found[0]
            if conditions:
                _check_write(state.catalog.current(row.bucket, row.key), conditions)
            row.seq = state.catalog.next_seq()
            row.version = state.new_version_id() if versioning == "Enabled" else "null"
            if row.version == "null":
                replaced = delete_version(db, row.bucket, row.key, "null")
            db.execute("UPDATE objects SET latest=0 WHERE bucket=? AND key=?", (row.bucket, row.key.encode()))
            row.latest = True
            insert_object(db, row)
            if also is not None:
                also(db)  # in the same transaction (completing an upload removes it atomically)
    except BaseException:
        state.blobs.delete(row.blob)
        raise
    state.blobs.delete(replaced)
    return str(versioning) if versioning else None


def lookup(state: S3State, input: dict[str, Any], method: str = "GET") -> ObjectRow:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    version = input.get("VersionId")
    if version is None:
        row = state.catalog.current(bucket.name, key)
        if row is None or row.marker:
            error = no_such_key(key)
            if row is not None:
                error.fields["x-amz-delete-marker"] = "true"
            raise error
        return row
    if not isinstance(version, str) or not _VERSION_ID.match(version):
        raise AwsError("InvalidArgument", "Invalid version id specified", 400,
                       fields={"ArgumentName": "versionId", "ArgumentValue": str(version)})
    row = state.catalog.version(bucket.name, key, version)
    if row is None:
        raise AwsError("NoSuchVersion", "The specified version does not exist.", 404,
                       fields={"Key": key, "VersionId": version})
    if row.marker:
        raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405,
                       fields={"Method": method, "ResourceType": "DeleteMarker",
                               "x-amz-delete-marker": "true", "x-amz-version-id": version})
    return row


def describe(row: ObjectRow, input: dict[str, Any]) -> dict[str, Any]:
    """The headers of GetObject/HeadObject for a stored object."""
    info = row.info
    output: dict[str, Any] = {"ETag": row.etag, "LastModified": timestamp(row.modified),
                              "ContentLength": row.size, "AcceptRanges": "bytes",
                              "Metadata": dict(info.get("Metadata") or {})}
    output.update({m: info[m] for m in CONTENT_MEMBERS if info.get(m) is not None})
    if info.get("Expires"):
        output["Expires"] = datetime.fromisoformat(info["Expires"])
    # AWS (HeadObject/GetObject x-amz-storage-class): "Amazon S3 returns this header for all
    # objects except for S3 Standard storage class objects."
    if info.get("StorageClass", "STANDARD") != "STANDARD":
        output["StorageClass"] = info["StorageClass"]
    if row.version != "null":
        output["VersionId"] = row.version
    if info.get("Tags"):
        output["TagCount"] = len(info["Tags"])
    if input.get("ChecksumMode") == "ENABLED" and info.get("Checksums"):
        output.update(checksum_output(info["Checksums"], info.get("ChecksumType", "FULL_OBJECT")))
    # AWS: response-content-type and the other response-* parameters "override the values of a
    # subset of the headers that Amazon S3 accepts".
    for member in ("ContentType", "ContentLanguage", "CacheControl", "ContentDisposition", "ContentEncoding"):
        if input.get(f"Response{member}") is not None:
            output[member] = input[f"Response{member}"]
    if isinstance(input.get("ResponseExpires"), datetime):
        output["Expires"] = input["ResponseExpires"]
    return output


def _part_range(row: ObjectRow, number: Any) -> tuple[int, int, int]:
    sizes = [p[0] for p in row.info.get("Parts") or []] or [row.size]
    if not isinstance(number, int) or not 1 <= number <= len(sizes):
        raise AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                       fields={"PartNumberRequested": str(number), "ActualPartCount": str(len(sizes))})
    start = sum(sizes[: number - 1])
    return start, start + sizes[number - 1], len(sizes)


def get_object(state: S3State, input: dict[str, Any], *, body: bool = True) -> dict[str, Any]:
    for attempt in range(3):
        row = lookup(state, input, "GET" if body else "HEAD")
        check_read(row, input)
        output = describe(row, input)
        restore = restore_header(row, state.now())
        if restore is not None:
            output["Restore"] = restore
        span: tuple[int, int] | None = None
        if input.get("PartNumber") is not None:
            start, end, count = _part_range(row, input["PartNumber"])
            span = (start, end)
            if row.info.get("Parts"):
                output["PartsCount"] = count
        else:
            span = byte_range(input.get("Range"), row.size)
        if span is not None:
            output["ContentRange"] = f"bytes {span[0]}-{span[1] - 1}/{row.size}"
            output["ContentLength"] = span[1] - span[0]
            # A checksum describes the whole object, not a range of it.
            for name in list(output):
                if name.startswith("Checksum"):
                    del output[name]
        if not body:
            return output
        check_readable(row, state.now())
        try:
            start, end = span or (0, row.size)
            output["Body"] = state.blobs.read(row.blob or "", start, end) if row.size else iter(())
            return output
        except FileNotFoundError:
            if attempt == 2:
                raise
            # replaced between the lookup and the open: look again
    raise AssertionError("unreachable")


def head_object(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    return get_object(state, input, body=False)


def remove(state: S3State, bucket_name: str, key: str, version: str | None,
           cause: str = "ObjectRemoved", only_seq: int | None = None) -> dict[str, Any]:
    """DeleteObject on one key: a delete marker in a versioned bucket, removal otherwise.
    `cause` names the notification event family (`LifecycleExpiration` for the sweeper), which
    passes `only_seq`: nothing happens unless that write is still the key's current one."""
    gone: str | None = None
    removed: ObjectRow | None = None
    with state.catalog.transaction() as db:
        found = db.execute("SELECT versioning FROM buckets WHERE name=?", (bucket_name,)).fetchone()
        if found is None:
            raise AwsError("NoSuchBucket", "The specified bucket does not exist", 404,
                           fields={"BucketName": bucket_name})
        versioning = found[0]
        if only_seq is not None and not _is_current(db, bucket_name, key, only_seq):
            return {}
        if version is not None:
            if not _VERSION_ID.match(version):
                raise AwsError("InvalidArgument", "Invalid version id specified", 400,
                               fields={"ArgumentName": "versionId", "ArgumentValue": version})
            removed = state.catalog.version(bucket_name, key, version)
            gone = delete_version(db, bucket_name, key, version)
            relatest(db, bucket_name, key)
            output: dict[str, Any] = {"VersionId": version}
            if removed is not None and removed.marker:
                output["DeleteMarker"] = True
        elif versioning is None:
            removed = state.catalog.current(bucket_name, key)
            gone = delete_version(db, bucket_name, key, "null")
            output = {}
        else:
            marker_version = state.new_version_id() if versioning == "Enabled" else "null"
            if marker_version == "null":
                gone = delete_version(db, bucket_name, key, "null")
            db.execute("UPDATE objects SET latest=0 WHERE bucket=? AND key=?", (bucket_name, key.encode()))
            marker = ObjectRow(bucket_name, key, marker_version, None, 0, "", state.now(), {}, marker=True,
                               seq=state.catalog.next_seq())
            insert_object(db, marker)
            removed = marker
            output = {"DeleteMarker": True, "VersionId": marker_version}
        if removed is not None and not (removed.marker and version is None):
            # The event's sequencer must exceed the removed write's: AWS, "If you receive
            # notifications for the same object key, … the event with the greater sequencer value
            # occurred later."
            removed = replace(removed, seq=state.catalog.next_seq())
    state.blobs.delete(gone)
    if removed is not None:
        kind = "DeleteMarkerCreated" if removed.marker and version is None else "Delete"

        state.changed(bucket_name, f"{cause}:{kind}", removed)
    return output


def delete_object(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    if input.get("IfMatch") is not None:
        current = state.catalog.current(bucket.name, key)
        if current is None or current.marker:
            raise no_such_key(key)
        if not etag_matches(input["IfMatch"], current.etag):
            raise precondition_failed("If-Match")
    return remove(state, bucket.name, key, input.get("VersionId"))


def delete_objects(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    request = input.get("Delete") or {}
    items = request.get("Objects") or []
    # AWS: "The request can contain a list of up to 1,000 keys".
    if not items or len(items) > 1000:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                       "our published schema", 400)
    deleted, errors = [], []
    for item in items:
        key, version = item.get("Key"), item.get("VersionId")
        try:
            result = remove(state, bucket.name, check_key(key), version)
        except AwsError as error:
            errors.append({"Key": key, **({"VersionId": version} if version else {}),
                           "Code": error.code, "Message": error.message})
            continue
        entry: dict[str, Any] = {"Key": key}
        if version:
            entry["VersionId"] = version
        if result.get("DeleteMarker"):
            entry["DeleteMarker"] = True
            if version is None:
                entry["DeleteMarkerVersionId"] = result["VersionId"]
        deleted.append(entry)
    output: dict[str, Any] = {"Errors": errors} if errors else {}
    # AWS: "In quiet mode the response includes only keys where the delete action encountered an error."
    if not request.get("Quiet"):
        output["Deleted"] = deleted
    return output


def parse_copy_source(value: Any) -> tuple[str, str, str | None]:
    """`x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`."""
    if not isinstance(value, str) or not value:
        raise AwsError("InvalidArgument", "Copy Source must mention the source bucket and key: "
                       "sourcebucket/sourcekey", 400, fields={"ArgumentName": "x-amz-copy-source"})
    path, _, query = value.partition("?")
    version = None
    if query.startswith("versionId="):
        version = unquote(query[len("versionId="):])
    bucket, _, key = unquote(path.lstrip("/")).partition("/")
    if not bucket or not key:
        raise AwsError("InvalidArgument", "Copy Source must mention the source bucket and key: "
                       "sourcebucket/sourcekey", 400, fields={"ArgumentName": "x-amz-copy-source"})
    return bucket, key, version


def copy_object(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    key = check_key(input.get("Key"))
    src_bucket, src_key, src_version = parse_copy_source(input.get("CopySource"))
    source = lookup(state, {"Bucket": src_bucket, "Key": src_key, "VersionId": src_version})
    check_read(source, input, prefix="CopySourceIf")
    check_readable(source, state.now())
    replace = input.get("MetadataDirective") == "REPLACE"
    same = (src_bucket, src_key) == (bucket.name, key) and src_version in (None, source.version)
    if same and not replace and not any(input.get(m) for m in (
            "StorageClass", "WebsiteRedirectLocation", "ServerSideEncryption", "ChecksumAlgorithm")):
        raise AwsError("InvalidRequest", "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website redirect "
                       "location or encryption attributes.", 400)
    info = content_info(input) if replace else {**source.info}
    info["Tags"] = from_header(input.get("Tagging")) if input.get("TaggingDirective") == "REPLACE" \
        else list(source.info.get("Tags") or [])
    # The copy is a new object: its storage class is the request's (STANDARD by default), never
    # the source's, and a restored archive copy's expiry stays with the source.
    info["StorageClass"] = storage_class(input)
    info.pop("RestoredUntil", None)
    info.pop("Parts", None)
    algorithm = input.get("ChecksumAlgorithm")
    if algorithm and algorithm.upper() not in (source.info.get("Checksums") or {}):
        written = state.blobs.write(state.blobs.read(source.blob or ""), {algorithm.upper()}, limit=2**63)
        blob, checks = written.blob, written.checksums
    else:
        blob, checks = state.blobs.link(source.blob or ""), dict(source.info.get("Checksums") or {})
    info["Checksums"] = checks
    info["ChecksumType"] = "FULL_OBJECT"
    row = ObjectRow(bucket.name, key, "null", blob, source.size, source.etag, state.now(), info)
    versioning = commit(state, row)
    state.changed(bucket.name, "ObjectCreated:Copy", row)
    result = {"ETag": row.etag, "LastModified": timestamp(row.modified), **checksum_output(checks)}
    output: dict[str, Any] = {"CopyObjectResult": result}
    if versioning:
        output["VersionId"] = row.version
    if source.version != "null":
        output["CopySourceVersionId"] = source.version
    return output


def update_info(state: S3State, row: ObjectRow, **changes: Any) -> bool:
    """Changes the stored description of the write `row` read (its `seq`), re-read inside the
    transaction: a write that replaced it in the meantime (the same "null" version) keeps its
    own description. False when `row` is gone."""
    with state.catalog.transaction() as db:
        where = (row.bucket, row.key.encode(), row.version, row.seq)
        found = db.execute("SELECT info FROM objects WHERE bucket=? AND key=? AND version=? AND seq=?",
                           where).fetchone()
        if found is None:
            return False
        info = {**json.loads(found[0]), **changes}
        db.execute("UPDATE objects SET info=? WHERE bucket=? AND key=? AND version=? AND seq=?",
                   (json.dumps(info), *where))
    return True


def _version_output(row: ObjectRow) -> dict[str, Any]:
    return {"VersionId": row.version} if row.version != "null" else {}


def _is_current(db: Any, bucket: str, key: str, seq: int) -> bool:
    found = db.execute("SELECT seq FROM objects WHERE bucket=? AND key=? AND latest=1 AND marker=0",
                       (bucket, key.encode())).fetchone()
    return found is not None and found[0] == seq


def describe_again(state: S3State, input: dict[str, Any], method: str, event: str,
                   **changes: Any) -> ObjectRow:
    """Changes the description of the object `input` names (its current version unless a
    VersionId is given), looking again if a write replaced it between the lookup and the change;
    then notifies `event` (`ObjectTagging:Put`, …)."""
    for _ in range(5):
        row = lookup(state, input, method)
        if update_info(state, row, **changes):
            state.changed(row.bucket, event, row)
            return row
    raise AwsError("OperationAborted", "A conflicting conditional operation is currently in progress against "
                   "this resource. Please try again.", 409)


def put_object_tagging(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    tags = check_tags((input.get("Tagging") or {}).get("TagSet") or [])
    return _version_output(describe_again(state, input, "PUT", "ObjectTagging:Put", Tags=tags))


def get_object_tagging(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    row = lookup(state, input)
    return {"TagSet": list(row.info.get("Tags") or []), **_version_output(row)}


def delete_object_tagging(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    return _version_output(describe_again(state, input, "DELETE", "ObjectTagging:Delete", Tags=[]))


def get_object_attributes(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    row = lookup(state, input)
    wanted = {str(a).strip() for a in input.get("ObjectAttributes") or []}
    output: dict[str, Any] = {"LastModified": timestamp(row.modified), **_version_output(row)}
    if "ETag" in wanted:
        output["ETag"] = row.etag.strip('"')  # AWS returns this ETag without quotes
    if "ObjectSize" in wanted:
        output["ObjectSize"] = row.size
    if "StorageClass" in wanted:
        output["StorageClass"] = row.info.get("StorageClass", "STANDARD")
    if "Checksum" in wanted and row.info.get("Checksums"):
        output["Checksum"] = checksum_output(row.info["Checksums"], row.info.get("ChecksumType", "FULL_OBJECT"))
    parts = row.info.get("Parts")
    if "ObjectParts" in wanted and parts:
        marker = int(input.get("PartNumberMarker") or 0)
        limit = int(input.get("MaxParts") or 1000)
        chosen = [(n, p) for n, p in enumerate(parts, 1) if n > marker][:limit]
        output["ObjectParts"] = {
            "TotalPartsCount": len(parts), "PartNumberMarker": marker, "MaxParts": limit,
            "IsTruncated": bool(chosen) and chosen[-1][0] < len(parts),
            "NextPartNumberMarker": chosen[-1][0] if chosen else marker,
            "Parts": [{"PartNumber": n, "Size": p[0], **checksum_output(p[1], None)} for n, p in chosen]}
    return output


ACTIONS: dict[str, Action] = {
    "PutObject": put_object, "GetObject": get_object, "HeadObject": head_object,
    "DeleteObject": delete_object, "DeleteObjects": delete_objects, "CopyObject": copy_object,
    "PutObjectTagging": put_object_tagging, "GetObjectTagging": get_object_tagging,
    "DeleteObjectTagging": delete_object_tagging, "GetObjectAttributes": get_object_attributes,
}
