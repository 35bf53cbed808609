"""The time-to-live sweeper: deletes items whose TTL attribute (a Number of epoch seconds) has
passed, in the background, as AWS does. Until it runs an expired item is still readable, as on
AWS ("Items that have expired, but haven't yet been deleted by TTL, still appear in reads",
AWS developer guide, "Time to Live").
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from . import storage, stream_records
from .catalog import Catalog

# "Items with an expiration time older than five years are not deleted" (AWS developer guide,
# "Time to Live: How it works").
_FIVE_YEARS = 5 * 365 * 24 * 3600
_BATCH = 500


class TtlSweeper:
    def __init__(self, store: storage.Storage, catalog: Catalog, clock: Callable[[], float],
                 interval: float) -> None:
        self._store = store
        self._catalog = catalog
        self._clock = clock
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._resume: dict[int, tuple[int, bytes, bytes]] = {}
        self.scan_limit = 5000
        if interval > 0:
            self._thread = threading.Thread(target=self._run, name="statewright-dynamodb-ttl", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - a failed sweep is retried at the next interval
                continue

    def sweep(self) -> int:
        """Deletes expired items of the tables with TTL enabled, and stream records past their
        24 hours; returns how many items. Each sweep reads at most `scan_limit` items per table,
        going on from where the last one stopped, so a big table costs a bounded amount of work
        per interval (AWS too deletes "typically within a few days", not at once)."""
        now = self._clock()
        self._store.write(lambda db: stream_records.trim(db, now))
        deleted = 0
        for table in self._catalog.all():
            attribute = table.settings.get("ttl")
            if not attribute:
                continue
            expired = []
            start = self._resume.get(table.id, (-1, b"", b""))
            last = None
            with self._store.reader() as db:
                rows = db.execute("SELECT h, hk, rk, body FROM items WHERE tid = ? AND (h, hk, rk) > (?, ?, ?) "
                                  "ORDER BY h, hk, rk LIMIT ?", (table.id, *start, self.scan_limit)).fetchall()
            for h, hk, rk, body in rows:
                last = (h, hk, rk)
                if _expired(json.loads(body).get(attribute), now):
                    expired.append((hk, rk))
            # The end of the table: start again from the beginning next time.
            self._resume[table.id] = last if len(rows) == self.scan_limit and last else (-1, b"", b"")
            for begin in range(0, len(expired), _BATCH):
                deleted += self._store.write(partial(self._delete, table=table, chunk=expired[begin:begin + _BATCH],
                                                     attribute=attribute, now=now))
        return deleted

    def _delete(self, db: Any, *, table: Any, chunk: list[tuple[bytes, bytes]], attribute: str, now: float) -> int:
        current = self._catalog.current(table)
        count = 0
        for hk, rk in chunk:
            item = storage.get_item(db, current, hk, rk)
            # Checked again on the writer: the item may have been rewritten since it was read.
            if item is not None and _expired(item.get(attribute), now):
                storage.delete_item(db, current, hk, rk, item, by_ttl=True)
                count += 1
        return count

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _expired(value: Any, now: float) -> bool:
    if not isinstance(value, dict) or "N" not in value:
        return False
    try:
        expires = Decimal(value["N"])
    except InvalidOperation:
        return False
    return bool(now - _FIVE_YEARS <= expires <= Decimal(str(now)))
