"""What every S3 action works with: the catalog, the blob files, the clock, the request."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext

from .blobs import BlobStore
from .catalog import Bucket, Catalog, ObjectRow
from .notifications import Deliver, lambda_targets, record

log = logging.getLogger(__name__)


@dataclass
class S3State:
    catalog: Catalog
    blobs: BlobStore
    now: Callable[[], float]
    request: RequestContext = field(default_factory=RequestContext)
    deliver: Deliver | None = None

    def bucket(self, name: Any) -> Bucket:
        found = self.catalog.bucket(name) if isinstance(name, str) else None
        if found is None:
            raise no_such_bucket(str(name))
        return found

    def new_version_id(self) -> str:
        return uuid.uuid4().hex

    def changed(self, bucket: str, event: str, row: ObjectRow) -> None:
        """After a committed change: S3's event notifications to the bucket's Lambda targets.
        A failed delivery is logged; it never fails the request that made the change."""
        if self.deliver is None:
            return
        configuration = self.catalog.config(bucket, "Notification")
        for config_id, function in lambda_targets(configuration, event, row.key):
            event_record = record(bucket, event, row, self.request, config_id, self.now())
            try:
                self.deliver(function, {"Records": [event_record]}, self.request)
            except Exception:  # noqa: BLE001 - see the docstring
                log.exception("delivering %s for s3://%s to %s failed", event, bucket, function)


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
