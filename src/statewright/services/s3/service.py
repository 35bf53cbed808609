"""The S3 service: routes an operation (botocore's `s3` model names and members) to its action."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from statewright.services.common import AwsError, RequestContext

from . import acl, archive, buckets, lifecycle, listing, multipart, objects
from .blobs import BlobStore
from .catalog import Catalog
from .notifications import Deliver
from .state import S3State

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]
ACTIONS: dict[str, Action] = {**buckets.ACTIONS, **objects.ACTIONS, **listing.ACTIONS, **multipart.ACTIONS,
                              **acl.ACTIONS, "RestoreObject": archive.restore_object}
# Operations whose bodies stream in or out (the edge gives them its larger pool).
LONG_ACTIONS = frozenset({"PutObject", "GetObject", "UploadPart", "UploadPartCopy", "CopyObject",
                          "CompleteMultipartUpload"})


class S3Service:
    """Amazon S3 over files in `<root>` (object bytes, named by generated ids) and a SQLite
    catalog (`<root>/catalog.db`). Inputs and outputs use the `s3` model's member names;
    `Body` is bytes, a file-like object or an iterable of chunks on the way in, and an iterator
    of chunks on the way out (GetObject)."""

    name = "s3"

    def __init__(self, root: Path, *, now: Callable[[], float] = time.time, deliver: Deliver | None = None,
                 sweep_interval: float | None = None) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.now = now
        self.deliver = deliver
        self.catalog = Catalog(root / "catalog.db")
        self.blobs = BlobStore(root)
        # Files a crash left behind (temporary, or renamed but never committed) are removed.
        self.blobs.sweep(self.catalog.referenced)
        self.sweeper: lifecycle.Sweeper | None = None
        if sweep_interval:
            self.sweeper = lifecycle.Sweeper(self.apply_lifecycle, sweep_interval)
            self.sweeper.start()

    def set_deliverer(self, deliver: Deliver | None) -> None:
        """Plugs in what delivers `s3:ObjectCreated:*`/`s3:ObjectRemoved:*` events to Lambda
        functions: `deliver(function_arn, {"Records": [...]}, context)`, asynchronously."""
        self.deliver = deliver

    def state(self, context: RequestContext) -> S3State:
        return S3State(self.catalog, self.blobs, self.now, context, self.deliver)

    def apply_lifecycle(self, context: RequestContext | None = None) -> int:
        """One lifecycle sweep at `now()` (the background sweeper calls this); returns how many
        objects, versions and uploads it removed."""
        def expire(state: S3State, bucket: str, key: str, version: str | None, seq: int | None) -> Any:
            return objects.remove(state, bucket, key, version, cause="LifecycleExpiration", only_seq=seq)
        def transition(state: S3State, row: Any, storage_class: str) -> None:
            if objects.update_info(state, row, StorageClass=storage_class):
                state.changed(row.bucket, "LifecycleTransition", row)
        return lifecycle.apply(self.state(context or RequestContext()), expire, multipart.abort_upload, transition)

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        action = ACTIONS.get(operation)
        if action is None:
            raise AwsError("NotImplemented", "A header you provided implies functionality that is not implemented",
                           501)
        return action(self.state(context), input)

    def post_object(self, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        """A browser form upload (POST Object) with PutObject's members, once the wire front has
        checked its policy."""
        return objects.post_object(self.state(context), input)

    def restore_object(self, input: dict[str, Any], context: RequestContext) -> bool:
        """RestoreObject for the wire front, which answers 202 when this restored a copy that
        did not exist and 200 when it renewed one."""
        return archive.restore(self.state(context), input)

    def is_long(self, operation: str) -> bool:
        return operation in LONG_ACTIONS

    def close(self) -> None:
        if self.sweeper is not None:
            self.sweeper.stop()
        self.catalog.close()


def with_region(context: RequestContext, region: str) -> RequestContext:
    return replace(context, region=region)
