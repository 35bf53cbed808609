"""What every S3 action works with: the catalog, the blob files, the clock, the request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext

from .blobs import BlobStore
from .catalog import Bucket, Catalog, ObjectRow

# The notification hook: called after a change is committed with the bucket name, the event
# name (`ObjectCreated:Put`, …) and the object row; the runtime routes it to Lambda.
Notifier = Callable[[str, str, ObjectRow, RequestContext], None]


@dataclass
class S3State:
    catalog: Catalog
    blobs: BlobStore
    now: Callable[[], float]
    request: RequestContext = field(default_factory=RequestContext)
    notify: Notifier | None = None

    def bucket(self, name: Any) -> Bucket:
        found = self.catalog.bucket(name) if isinstance(name, str) else None
        if found is None:
            raise no_such_bucket(str(name))
        return found

    def new_version_id(self) -> str:
        return uuid.uuid4().hex

    def changed(self, bucket: str, event: str, row: ObjectRow) -> None:
        if self.notify is not None:
            self.notify(bucket, event, row, self.request)


def no_such_bucket(name: str) -> AwsError:
    return AwsError("NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": name})


def no_such_key(key: str) -> AwsError:
    return AwsError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})


def timestamp(seconds: float) -> datetime:
    """A stored time as S3 reports it: UTC, to the millisecond (HTTP dates drop those)."""
    return datetime.fromtimestamp(int(seconds * 1000) / 1000, tz=UTC)


def quote_etag(md5_hex: str) -> str:
    return f'"{md5_hex}"'


def etag_matches(condition: str, etag: str) -> bool:
    """An `If-Match`/`If-None-Match` value (a list of quoted or bare ETags, or `*`) against an ETag."""
    bare = etag.strip('"')
    for item in condition.split(","):
        item = item.strip()
        if item.startswith("W/"):
            item = item[2:]
        if item == "*" or item.strip('"') == bare:
            return True
    return False
