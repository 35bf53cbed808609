"""Archived storage classes: objects in S3 Glacier Flexible Retrieval (`GLACIER`) or Glacier
Deep Archive (`DEEP_ARCHIVE`) keep their metadata readable but not their bytes until RestoreObject
makes a temporary copy, as AWS documents. Locally a restore completes at once (AWS takes minutes
to hours); the copy expires as on AWS."""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Any

from statewright.services.common import AwsError

from .catalog import ObjectRow
from .state import S3State

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
DAY = 86400.0


def is_archived(row: ObjectRow) -> bool:
    return row.info.get("StorageClass") in ARCHIVED


def restored_until(row: ObjectRow, now: float) -> float | None:
    """When the restored copy of an archived object expires, or None when it has none now."""
    until = row.info.get("RestoredUntil")
    return float(until) if until is not None and float(until) > now else None


def check_readable(row: ObjectRow, now: float) -> None:
    """AWS (GetObject): for an object in S3 Glacier Flexible Retrieval or Deep Archive, "before
    you can retrieve the object you must first restore a copy using RestoreObject. Otherwise,
    this operation returns an InvalidObjectState error" ("The action is not valid for the current
    state of the object", 403)."""
    if is_archived(row) and restored_until(row, now) is None:
        raise AwsError("InvalidObjectState", "The operation is not valid for the object's storage class", 403,
                       fields={"StorageClass": str(row.info["StorageClass"])})


def restore_header(row: ObjectRow, now: float) -> str | None:
    """HeadObject's `x-amz-restore` once a copy is restored: AWS's example is
    `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`."""
    until = restored_until(row, now) if is_archived(row) else None
    if until is None:
        return None
    return f'ongoing-request="false", expiry-date="{formatdate(until, usegmt=True)}"'


def restore_object(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    """RestoreObject (the action: its output has no members)."""
    restore(state, input)
    return {}


def restore(state: S3State, input: dict[str, Any]) -> bool:
    """Restores an archived object's copy; True when it had none (AWS: "If the object is not
    previously restored, then Amazon S3 returns 202 Accepted … If the object is previously
    restored, Amazon S3 returns 200 OK"). A restore of a restored copy sets its new expiry."""
    from .objects import lookup, update_info  # objects imports this module for its reads

    row = lookup(state, input, "POST")
    if not is_archived(row):
        raise AwsError("InvalidObjectState", "Restore is not allowed for the object's current storage class", 403,
                       fields={"StorageClass": str(row.info.get("StorageClass", "STANDARD"))})
    request = input.get("RestoreRequest") or {}
    days = request.get("Days")
    if not isinstance(days, int) or days < 1:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                       "our published schema", 400)
    now = state.now()
    before = restored_until(row, now)
    # The copy's expiry: the request's days after now, rounded up to the next midnight UTC, as
    # AWS's user guide ("Restoring an archived object") describes it.
    if update_info(state, row, RestoredUntil=math.ceil((now + days * DAY) / DAY) * DAY) and before is None:
        # A restore here completes as it starts: both of AWS's restore events, in order.
        state.changed(row.bucket, "ObjectRestore:Post", row)
        state.changed(row.bucket, "ObjectRestore:Completed", row)
    return before is None
