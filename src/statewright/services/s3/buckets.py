"""Bucket actions: create, describe, list, delete, and the bucket's stored configurations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from statewright.services.common import AwsError

from .names import check_bucket_name
from .notifications import check_configuration
from .state import S3State, timestamp
from .tags import check_tags

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]


def owner(state: S3State) -> dict[str, str]:
    return {"ID": state.request.account, "DisplayName": "statewright"}


def create_bucket(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    name = check_bucket_name(input.get("Bucket"))
    config = input.get("CreateBucketConfiguration") or {}
    region = config.get("LocationConstraint") or state.request.region
    if config.get("LocationConstraint") and state.request.region != region:
        # AWS: the request must go to the Region's endpoint; us-east-1 accepts any constraint
        # except its own, as AWS's legacy global endpoint does.
        if state.request.region != "us-east-1" or region == "us-east-1":
            raise AwsError("IllegalLocationConstraintException",
                           f"The {region} location constraint is incompatible for the region specific "
                           "endpoint this request was sent to.", 400)
    if config.get("LocationConstraint") == "us-east-1":
        raise AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400,
                       fields={"LocationConstraint": "us-east-1"})
    with state.catalog.transaction() as db:
        existing = db.execute("SELECT region FROM buckets WHERE name=?", (name,)).fetchone()
        if existing is None:
            db.execute("INSERT INTO buckets VALUES (?, ?, ?, ?, NULL)",
                       (name, region, state.now(), state.request.account))
    if existing is not None and not (existing[0] == "us-east-1" == region):
        # AWS: "If you create a bucket that you already own ... in the North Virginia Region
        # (us-east-1), Amazon S3 returns 200 OK"; elsewhere BucketAlreadyOwnedByYou.
        raise AwsError("BucketAlreadyOwnedByYou",
                       "Your previous request to create the named bucket succeeded and you already own it.",
                       409, fields={"BucketName": name})
    return {"Location": f"/{name}"}


def head_bucket(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


def delete_bucket(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    with state.catalog.transaction() as db:
        if db.execute("SELECT 1 FROM objects WHERE bucket=? LIMIT 1", (bucket.name,)).fetchone():
            raise AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409,
                           fields={"BucketName": bucket.name})
        parts = [r[0] for r in db.execute(
            "SELECT blob FROM parts WHERE upload IN (SELECT id FROM uploads WHERE bucket=?)", (bucket.name,))]
        db.execute("DELETE FROM parts WHERE upload IN (SELECT id FROM uploads WHERE bucket=?)", (bucket.name,))
        db.execute("DELETE FROM uploads WHERE bucket=?", (bucket.name,))
        db.execute("DELETE FROM configs WHERE bucket=?", (bucket.name,))
        db.execute("DELETE FROM buckets WHERE name=?", (bucket.name,))
    for blob in parts:
        state.blobs.delete(blob)
    return {}


def list_buckets(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    prefix = input.get("Prefix") or ""
    region = input.get("BucketRegion")
    start = input.get("ContinuationToken") or ""
    limit = input.get("MaxBuckets") or 10000
    chosen = [b for b in state.catalog.buckets()
              if b.name.startswith(prefix) and (region is None or b.region == region) and b.name > start]
    page = chosen[:limit]
    output: dict[str, Any] = {
        "Buckets": [{"Name": b.name, "CreationDate": timestamp(b.created), "BucketRegion": b.region}
                    for b in page],
        "Owner": owner(state)}
    if prefix:
        output["Prefix"] = prefix
    if len(chosen) > limit:
        output["ContinuationToken"] = page[-1].name
    return output


def get_bucket_location(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    # AWS: "Buckets in Region us-east-1 have a LocationConstraint of null."
    return {"LocationConstraint": None if bucket.region == "us-east-1" else bucket.region}


def get_bucket_versioning(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    return {"Status": bucket.versioning} if bucket.versioning else {}


def put_bucket_versioning(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    status = (input.get("VersioningConfiguration") or {}).get("Status")
    if status not in ("Enabled", "Suspended"):
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                       "against our published schema", 400)
    with state.catalog.transaction() as db:
        db.execute("UPDATE buckets SET versioning=? WHERE name=?", (status, bucket.name))
    return {}


# Stored configurations: (config kind, payload member, the error when absent or None for an
# empty answer).
_CONFIGS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "Cors": ("CORSConfiguration", ("NoSuchCORSConfiguration", "The CORS configuration does not exist")),
    "Tagging": ("Tagging", ("NoSuchTagSet", "The TagSet does not exist")),
    "Lifecycle": ("LifecycleConfiguration",
                  ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")),
    "Notification": ("NotificationConfiguration", None),
    "Encryption": ("ServerSideEncryptionConfiguration", None),
    "PublicAccessBlock": ("PublicAccessBlockConfiguration",
                          ("NoSuchPublicAccessBlockConfiguration",
                           "The public access block configuration was not found")),
    "Policy": ("Policy", ("NoSuchBucketPolicy", "The bucket policy does not exist")),
    "OwnershipControls": ("OwnershipControls",
                          ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")),
}
# AWS: "all Amazon S3 buckets have encryption configured by default" (SSE-S3).
_DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                  "BucketKeyEnabled": False}]}


def _getter(kind: str) -> Action:
    member, missing = _CONFIGS[kind]

    def get(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
        bucket = state.bucket(input.get("Bucket"))
        value = state.catalog.config(bucket.name, kind)
        if value is None:
            if kind == "Encryption":
                value = _DEFAULT_ENCRYPTION
            elif missing is None:
                return {}
            else:
                raise AwsError(missing[0], missing[1], 404, fields={"BucketName": bucket.name})
        if kind in ("Cors", "Tagging", "Lifecycle", "Notification"):
            return dict(value)  # the output's members are the configuration's own
        return {member: value}
    return get


def _putter(kind: str) -> Action:
    member, _ = _CONFIGS[kind]

    def put(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
        bucket = state.bucket(input.get("Bucket"))
        value = input.get(member)
        if value is None:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        _check(kind, value)
        output: dict[str, Any] = {}
        if kind == "Lifecycle":
            output["TransitionDefaultMinimumObjectSize"] = _minimum_size(input)
            value = {**value, **output}  # kept with the rules; GetBucketLifecycleConfiguration returns it
        state.catalog.set_config(bucket.name, kind, _jsonable(value))
        return output
    return put


def _minimum_size(input: dict[str, Any]) -> str:
    """AWS (TransitionDefaultMinimumObjectSize): `all_storage_classes_128K` (the default) or
    `varies_by_storage_class`."""
    value = input.get("TransitionDefaultMinimumObjectSize") or "all_storage_classes_128K"
    if value not in ("all_storage_classes_128K", "varies_by_storage_class"):
        raise AwsError("InvalidArgument", "Invalid value for x-amz-transition-default-minimum-object-size", 400,
                       fields={"ArgumentName": "x-amz-transition-default-minimum-object-size",
                               "ArgumentValue": str(value)})
    return str(value)


def _check(kind: str, value: Any) -> None:
    if kind == "Policy":
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            parsed = None
        if not isinstance(parsed, dict):
            raise AwsError("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400)
    if kind == "Cors":
        rules = value.get("CORSRules") or []
        if not rules or len(rules) > 100:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate "
                           "against our published schema", 400)
        for rule in rules:
            for method in rule.get("AllowedMethods") or []:
                if method not in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                    raise AwsError("InvalidRequest", f"Found unsupported HTTP method in CORS config. "
                                   f"Unsupported method is {method}", 400)
    if kind == "Tagging":
        check_tags(value.get("TagSet") or [], limit=50)
    if kind == "Notification":
        check_configuration(value)
    if kind == "Lifecycle":
        for rule in value.get("Rules") or []:
            _check_lifecycle_days(rule)


def _check_lifecycle_days(rule: dict[str, Any]) -> None:
    """AWS: Expiration `Days` — "The value must be a non-zero positive integer"; the same for
    NoncurrentVersionExpiration `NoncurrentDays` (and AbortIncompleteMultipartUpload's
    `DaysAfterInitiation`). S3 refuses the configuration with InvalidArgument."""
    for action, member in (("Expiration", "Days"), ("NoncurrentVersionExpiration", "NoncurrentDays"),
                           ("AbortIncompleteMultipartUpload", "DaysAfterInitiation")):
        days = (rule.get(action) or {}).get(member)
        if days is not None and (not isinstance(days, int) or days <= 0):
            raise AwsError("InvalidArgument", f"'{member}' for {action} action must be a positive integer", 400,
                           fields={"ArgumentName": member, "ArgumentValue": str(days)})


def _deleter(kind: str) -> Action:
    def delete(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
        bucket = state.bucket(input.get("Bucket"))
        state.catalog.set_config(bucket.name, kind, None)
        return {}
    return delete


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


ACTIONS: dict[str, Action] = {
    "CreateBucket": create_bucket, "HeadBucket": head_bucket, "DeleteBucket": delete_bucket,
    "ListBuckets": list_buckets, "GetBucketLocation": get_bucket_location,
    "GetBucketVersioning": get_bucket_versioning, "PutBucketVersioning": put_bucket_versioning,
    "GetBucketCors": _getter("Cors"), "PutBucketCors": _putter("Cors"), "DeleteBucketCors": _deleter("Cors"),
    "GetBucketTagging": _getter("Tagging"), "PutBucketTagging": _putter("Tagging"),
    "DeleteBucketTagging": _deleter("Tagging"),
    "GetBucketLifecycleConfiguration": _getter("Lifecycle"),
    "PutBucketLifecycleConfiguration": _putter("Lifecycle"), "DeleteBucketLifecycle": _deleter("Lifecycle"),
    "GetBucketNotificationConfiguration": _getter("Notification"),
    "PutBucketNotificationConfiguration": _putter("Notification"),
    "GetBucketEncryption": _getter("Encryption"), "PutBucketEncryption": _putter("Encryption"),
    "DeleteBucketEncryption": _deleter("Encryption"),
    "GetPublicAccessBlock": _getter("PublicAccessBlock"), "PutPublicAccessBlock": _putter("PublicAccessBlock"),
    "DeletePublicAccessBlock": _deleter("PublicAccessBlock"),
    "GetBucketPolicy": _getter("Policy"), "PutBucketPolicy": _putter("Policy"),
    "DeleteBucketPolicy": _deleter("Policy"),
    "GetBucketOwnershipControls": _getter("OwnershipControls"),
    "PutBucketOwnershipControls": _putter("OwnershipControls"),
    "DeleteBucketOwnershipControls": _deleter("OwnershipControls"),
}
