"""Retention: events older than their group's `retentionInDays` are deleted by a background
sweeper (every minute, and soon after a PutRetentionPolicy). Reads already hide them, so a
group never shows events past its retention even between sweeps."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from .database import LogDatabase
from .events import DAY_MS

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0


def sweep(db: LogDatabase, now: int) -> int:
    """Delete every event past its group's retention; answers how many were deleted."""

    def delete(connection: sqlite3.Connection) -> int:
        removed = 0
        for group_id, days in connection.execute(
                "SELECT id, retention_days FROM logs_groups WHERE retention_days IS NOT NULL").fetchall():
            cursor = connection.execute("DELETE FROM logs_events WHERE group_id = ? AND ts < ?",
                                        (group_id, now - days * DAY_MS))
            if cursor.rowcount:
                removed += cursor.rowcount
                _recount(connection, group_id)
        return removed

    return db.write(delete).result()


def _recount(connection: sqlite3.Connection, group_id: int) -> None:
    connection.execute("UPDATE logs_groups SET stored_bytes = (SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) "
                       "FROM logs_events WHERE group_id = ?) WHERE id = ?", (group_id, group_id))


class Sweeper:
    """The background thread that runs `sweep`; `poke()` makes it run soon."""

    def __init__(self, db: LogDatabase, now: Callable[[], int], interval: float = SWEEP_SECONDS) -> None:
        self._db = db
        self._now = now
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="logs-retention", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                removed = sweep(self._db, self._now())
            except Exception:  # noqa: BLE001 - a failed sweep is retried at the next one
                log.exception("sweeping expired log events failed")
                continue
            if removed:
                log.debug("retention removed %d log events", removed)
