"""Which S3 operation a request is: the bucket and key from the Host header or the path, the
operation from the method, the subresource query parameters and a few headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, unquote_to_bytes

from statewright.services.common import AwsError

# `<bucket>.s3.localhost`, `<bucket>.s3.<region>.localhost`, and LocalStack's
# `<bucket>.s3.localhost.localstack.cloud`, with any port.
VIRTUAL_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3(?:[.-][a-z0-9-]+)?\.localhost"
                           r"(?:\.localstack\.cloud)?$")

_BUCKET_GET = {"acl": "GetBucketAcl", "cors": "GetBucketCors", "versioning": "GetBucketVersioning", "tagging": "GetBucketTagging",
               "encryption": "GetBucketEncryption", "publicAccessBlock": "GetPublicAccessBlock",
               "policy": "GetBucketPolicy", "lifecycle": "GetBucketLifecycleConfiguration",
               "notification": "GetBucketNotificationConfiguration", "location": "GetBucketLocation",
               "uploads": "ListMultipartUploads", "versions": "ListObjectVersions",
               "ownershipControls": "GetBucketOwnershipControls", "list-type": "ListObjectsV2"}
_BUCKET_PUT = {"acl": "PutBucketAcl", "cors": "PutBucketCors", "versioning": "PutBucketVersioning", "tagging": "PutBucketTagging",
               "encryption": "PutBucketEncryption", "publicAccessBlock": "PutPublicAccessBlock",
               "policy": "PutBucketPolicy", "lifecycle": "PutBucketLifecycleConfiguration",
               "notification": "PutBucketNotificationConfiguration",
               "ownershipControls": "PutBucketOwnershipControls"}
_BUCKET_DELETE = {"cors": "DeleteBucketCors", "tagging": "DeleteBucketTagging",
                  "encryption": "DeleteBucketEncryption", "publicAccessBlock": "DeletePublicAccessBlock",
                  "policy": "DeleteBucketPolicy", "lifecycle": "DeleteBucketLifecycle",
                  "ownershipControls": "DeleteBucketOwnershipControls"}
# Subresources S3 has that Statewright does not implement: answered with 501 NotImplemented
# rather than mistaken for a plain GET/PUT of the bucket or object.
_UNSUPPORTED = frozenset({"website", "logging", "replication", "requestPayment", "accelerate",
                          "analytics", "inventory", "metrics", "intelligent-tiering", "object-lock", "retention",
                          "legal-hold", "torrent", "select", "policyStatus", "metadataTable",
                          "renameObject"})


@dataclass(frozen=True)
class Target:
    bucket: str | None
    key: str | None
    virtual: bool


def bad_uri() -> AwsError:
    return AwsError("InvalidURI", "Couldn't parse the specified URI.", 400)


def address(host: str, raw_path: str) -> Target:
    """The bucket and key a request names (keys are percent-decoded UTF-8; never a file path)."""
    try:
        path = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_uri() from error
    hostname = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
    match = VIRTUAL_HOST.match(hostname)
    if match:
        key = path[1:] if path.startswith("/") else path
        return Target(match.group("bucket"), key or None, True)
    trimmed = path[1:] if path.startswith("/") else path
    if not trimmed:
        return Target(None, None, False)
    bucket, slash, key = trimmed.partition("/")
    return Target(bucket, key if slash and key else None, False)


def parse_query(raw: str) -> dict[str, str]:
    """The query parameters (first value wins), percent-decoded; `+` is kept as itself, as S3's
    signers encode a space as %20."""
    params: dict[str, str] = {}
    for part in raw.split("&") if raw else []:
        if not part:
            continue
        name, _, value = part.partition("=")
        params.setdefault(unquote(name), unquote(value))
    return params


def operation(method: str, target: Target, query: dict[str, str], headers: dict[str, str]) -> str:
    unsupported = _UNSUPPORTED.intersection(query)
    if unsupported:
        raise AwsError("NotImplemented", f"Statewright's S3 does not implement the '{sorted(unsupported)[0]}' "
                       "subresource", 501)
    if target.bucket is None:
        if method == "GET":
            return "ListBuckets"
        raise _not_allowed(method)
    if target.key is None:
        return _bucket_operation(method, query)
    return _object_operation(method, query, headers)


def _pick(table: dict[str, str], query: dict[str, str]) -> str | None:
    for name, op in table.items():
        if name in query:
            return op
    return None


def _bucket_operation(method: str, query: dict[str, str]) -> str:
    if method == "GET":
        found = _pick(_BUCKET_GET, query)
        if found == "ListObjectsV2" and query.get("list-type") != "2":
            found = "ListObjects"
        return found or "ListObjects"
    if method == "PUT":
        return _pick(_BUCKET_PUT, query) or "CreateBucket"
    if method == "DELETE":
        return _pick(_BUCKET_DELETE, query) or "DeleteBucket"
    if method == "HEAD":
        return "HeadBucket"
    if method == "POST":
        return "DeleteObjects" if "delete" in query else "PostObject"
    raise _not_allowed(method)


def _object_operation(method: str, query: dict[str, str], headers: dict[str, str]) -> str:
    copy = "x-amz-copy-source" in headers
    if method == "PUT":
        if "acl" in query:
            return "PutObjectAcl"
        if "tagging" in query:
            return "PutObjectTagging"
        if "uploadId" in query:
            return "UploadPartCopy" if copy else "UploadPart"
        return "CopyObject" if copy else "PutObject"
    if method == "GET":
        if "acl" in query:
            return "GetObjectAcl"
        if "tagging" in query:
            return "GetObjectTagging"
        if "uploadId" in query:
            return "ListParts"
        return "GetObjectAttributes" if "attributes" in query else "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "DELETE":
        if "tagging" in query:
            return "DeleteObjectTagging"
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if method == "POST":
        if "restore" in query:
            return "RestoreObject"
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
    raise _not_allowed(method)


def _not_allowed(method: str) -> AwsError:
    return AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405,
                    fields={"Method": method})
