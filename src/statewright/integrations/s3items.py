"""The S3 reads and writes of a Distributed Map: its ItemReader and its ResultWriter.

The step sends these out as tasks on the reader's or writer's Resource
(`arn:aws:states:::s3:getObject`, `…:s3:listObjectsV2`, `…:s3:putObject`); `S3Integration` hands
those here. The answers are what `asl.itemreader` and `asl.distributed` expect:
`{"Body": text}` for an object, `{"Contents": [...]}` (every page) for a listing, and for the
writer the keys it put. Failures are TaskErrors with S3's error named as the SDK names it; the
step turns them into States.ItemReaderFailed / States.ResultWriterFailed.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext
from statewright.services.s3.service import S3Service

from .types import TaskError

# The s3 model's modeled errors; the SDK's exception class is the name plus "Exception".
MODELED = frozenset({"NoSuchKey", "NoSuchBucket", "NoSuchUpload", "BucketAlreadyExists", "BucketAlreadyOwnedByYou",
                     "InvalidObjectState", "ObjectAlreadyInActiveTierError", "ObjectNotInActiveTierError",
                     "InvalidRequest", "InvalidWriteOffset", "TooManyParts", "EncryptionTypeMismatch",
                     "IdempotencyParameterMismatch"})
# Keys of a listing page the reader asks for at a time (S3's own page limit).
PAGE_SIZE = 1000


def _call(service: S3Service, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    try:
        return service.handle(operation, input, context)
    except AwsError as error:
        name = f"S3.{error.code}Exception" if error.code in MODELED else "S3.S3Exception"
        raise TaskError(name, f"{error.message} (Service: S3, Status Code: {error.status or 400}, "
                        f"Request ID: {context.request_id or 'local'})") from error


def _object_fields(parameters: Any, *names: str) -> dict[str, Any]:
    if not isinstance(parameters, dict):
        raise TaskError("States.Runtime", "The S3 parameters must be a JSON object")
    return {name: parameters[name] for name in names if parameters.get(name) is not None}


def get_object(service: S3Service, parameters: Any, context: RequestContext) -> dict[str, Any]:
    """The object's content: `{"Body": text}` when it is UTF-8 (a byte-order mark is kept for the
    CSV reader to drop), else `{"BodyBase64": …}`."""
    input = _object_fields(parameters, "Bucket", "Key", "VersionId")
    output = _call(service, "GetObject", input, context)
    body = output.get("Body", b"")
    data = body if isinstance(body, bytes) else b"".join(body)
    try:
        return {"Body": data.decode("utf-8")}
    except UnicodeDecodeError:
        # Binary content (an S3 inventory's gzipped CSV files): the reader decides what it is.
        return {"BodyBase64": base64.b64encode(data).decode("ascii")}


def list_objects(service: S3Service, parameters: Any, context: RequestContext) -> dict[str, Any]:
    """Every object under the prefix, page by page, as listObjectsV2 entries with LastModified in
    epoch seconds (how the Map's items carry it)."""
    input = _object_fields(parameters, "Bucket", "Prefix", "StartAfter", "Delimiter")
    input["MaxKeys"] = PAGE_SIZE
    contents: list[dict[str, Any]] = []
    while True:
        page = _call(service, "ListObjectsV2", input, context)
        for entry in page.get("Contents") or []:
            modified = entry.get("LastModified")
            contents.append({"Key": entry["Key"], "ETag": entry.get("ETag"), "Size": entry.get("Size"),
                             "StorageClass": entry.get("StorageClass", "STANDARD"),
                             "LastModified": int(modified.timestamp()) if isinstance(modified, datetime)
                             else modified})
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return {"Contents": contents}
        input["ContinuationToken"] = token


def put_results(service: S3Service, parameters: Any, context: RequestContext) -> dict[str, Any]:
    """The ResultWriter's files, in order (the manifest last, so it names only files that exist)."""
    if not isinstance(parameters, dict) or not isinstance(parameters.get("Files"), list):
        raise TaskError("States.Runtime", "The ResultWriter's request must list its Files")
    bucket = parameters.get("Bucket")
    written = []
    for file in parameters["Files"]:
        body = str(file.get("Body", "")).encode("utf-8")
        _call(service, "PutObject", {"Bucket": bucket, "Key": file["Key"], "Body": body,
                                     "ContentType": "application/json"}, context)
        written.append(file["Key"])
    return {"Bucket": bucket, "Keys": written}


ACTIONS = {"getObject": get_object, "listObjectsV2": list_objects, "putObject": put_results}
