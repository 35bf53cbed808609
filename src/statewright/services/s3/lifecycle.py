"""Lifecycle rules applied by a sweep: expiration of current objects (a delete marker in a
versioned bucket), expiration of noncurrent versions, and aborting incomplete multipart
uploads, as S3 applies them asynchronously."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .catalog import ObjectRow
from .state import S3State

DAY = 86400.0


def _due(created: float, days: int) -> float:
    """AWS: "Amazon S3 calculates the time by adding the number of days specified in the rule to
    the object creation time and rounding the resulting time to the next day midnight UTC.\""""
    return math.ceil((created + days * DAY) / DAY) * DAY


def _filter(rule: dict[str, Any]) -> tuple[str, list[dict[str, str]], int | None, int | None]:
    spec = rule.get("Filter") or {}
    both = spec.get("And") or {}
    prefix = rule.get("Prefix") or spec.get("Prefix") or both.get("Prefix") or ""
    tags = ([spec["Tag"]] if spec.get("Tag") else []) + list(both.get("Tags") or [])
    larger = spec.get("ObjectSizeGreaterThan", both.get("ObjectSizeGreaterThan"))
    smaller = spec.get("ObjectSizeLessThan", both.get("ObjectSizeLessThan"))
    return str(prefix), tags, larger, smaller


def _applies(rule: dict[str, Any], row: ObjectRow) -> bool:
    prefix, tags, larger, smaller = _filter(rule)
    if not row.key.startswith(prefix):
        return False
    have = {(t["Key"], t.get("Value", "")) for t in row.info.get("Tags") or []}
    if any((t["Key"], t.get("Value", "")) not in have for t in tags):
        return False
    if larger is not None and row.size <= int(larger):
        return False
    return smaller is None or row.size < int(smaller)


Transition = Callable[[S3State, ObjectRow, str], None]
# remove(state, bucket, key, version, seq): seq, when given, is the write the sweep found due;
# a newer write of the key since then is left alone.
Remove = Callable[[S3State, str, str, str | None, int | None], Any]
# AWS (TransitionDefaultMinimumObjectSize): "all_storage_classes_128K - Objects smaller than 128 KB
# will not transition to any storage class by default … Custom filters always take precedence
# over the default transition behavior."
MIN_TRANSITION_BYTES = 128 * 1024


def apply(state: S3State, remove: Remove,
          abort: Callable[[S3State, str], None], transition: Transition | None = None) -> int:
    """Applies every bucket's enabled rules at `state.now()`; returns how many actions ran."""
    now = state.now()
    done = 0
    for bucket, config in state.catalog.configs_of("Lifecycle"):
        for rule in config.get("Rules") or []:
            if rule.get("Status") != "Enabled":
                continue
            if transition is not None:
                small_to_glacier = config.get("TransitionDefaultMinimumObjectSize") == "varies_by_storage_class"
                done += _transition_current(state, bucket, rule, now, transition, small_to_glacier)
            done += _expire_current(state, bucket, rule, now, remove)
            done += _expire_noncurrent(state, bucket, rule, now, remove)
            done += _abort_uploads(state, bucket, rule, now, abort)
    return done


def _expire_current(state: S3State, bucket: str, rule: dict[str, Any], now: float,
                    remove: Remove) -> int:
    expiration = rule.get("Expiration") or {}
    days, date = expiration.get("Days"), expiration.get("Date")
    if days is None and date is None:
        return 0
    if date is not None and now < datetime.fromisoformat(str(date).replace("Z", "+00:00")).timestamp():
        return 0
    count = 0
    for row in list(state.catalog.all_objects()):
        if row.bucket != bucket or row.marker or not _applies(rule, row):
            continue
        if days is None or now >= _due(row.modified, int(days)):
            remove(state, bucket, row.key, None, row.seq)
            count += 1
    return count


def _transitions(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return list(rule.get("Transitions") or []) + ([rule["Transition"]] if rule.get("Transition") else [])


def _transition_current(state: S3State, bucket: str, rule: dict[str, Any], now: float,
                        transition: Transition, small_to_glacier: bool = False) -> int:
    """Moves current objects to the storage class of the latest transition that is due (the
    transition itself is instant here). AWS (`varies_by_storage_class`): "Objects smaller than
    128 KB will transition to Glacier Flexible Retrieval or Glacier Deep Archive storage classes.
    By default, all other storage classes will prevent transitions smaller than 128 KB.\""""
    steps = _transitions(rule)
    if not steps:
        return 0
    _, _, larger, smaller = _filter(rule)
    custom_size = larger is not None or smaller is not None
    count = 0
    for row in list(state.catalog.all_objects()):
        if row.bucket != bucket or row.marker or not row.latest or not _applies(rule, row):
            continue
        small = not custom_size and row.size < MIN_TRANSITION_BYTES
        due = [step for step in steps if now >= _step_due(step, row) and (
            not small or (small_to_glacier and step.get("StorageClass") in ("GLACIER", "DEEP_ARCHIVE")))]
        if not due:
            continue
        target = str(max(due, key=lambda step: _step_due(step, row))["StorageClass"])
        if row.info.get("StorageClass", "STANDARD") != target:
            transition(state, row, target)
            count += 1
    return count


def _step_due(step: dict[str, Any], row: ObjectRow) -> float:
    if step.get("Date") is not None:
        return datetime.fromisoformat(str(step["Date"]).replace("Z", "+00:00")).timestamp()
    return _due(row.modified, int(step.get("Days") or 0))


def _expire_noncurrent(state: S3State, bucket: str, rule: dict[str, Any], now: float,
                       remove: Remove) -> int:
    days = (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays")
    if days is None:
        return 0
    count = 0
    rows = state.catalog.query("SELECT key, version, modified FROM objects WHERE bucket=? AND latest=0", (bucket,))
    for key, version, modified in rows:
        # A version becomes noncurrent when a newer one is written; its own time is the bound.
        if bytes(key).decode().startswith(_filter(rule)[0]) and now >= _due(modified, int(days)):
            remove(state, bucket, bytes(key).decode(), version, None)
            count += 1
    return count


def _abort_uploads(state: S3State, bucket: str, rule: dict[str, Any], now: float,
                   abort: Callable[[S3State, str], None]) -> int:
    days = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
    if days is None:
        return 0
    prefix = _filter(rule)[0]
    count = 0
    for upload_id, key, initiated, _ in state.catalog.uploads(bucket):
        if key.startswith(prefix) and now >= _due(initiated, int(days)):
            abort(state, upload_id)
            count += 1
    return count


class Sweeper:
    """Runs `sweep()` every `interval` seconds on a daemon thread until `stop()`."""

    def __init__(self, sweep: Callable[[], Any], interval: float) -> None:
        self.sweep = sweep
        self.interval = interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="s3-lifecycle", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        import logging
        while not self.stopping.wait(self.interval):
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the next sweep tries again
                logging.getLogger(__name__).exception("S3 lifecycle sweep failed")

    def stop(self) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(10)
