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
        """Deletes the expired items of every table with TTL enabled, and stream records past
        their 24 hours; returns how many items."""
        now = self._clock()
        self._store.write(lambda db: stream_records.trim(db, now))
        deleted = 0
        for table in self._catalog.all():
            attribute = table.settings.get("ttl")
            if not attribute:
                continue
            expired = []
            with self._store.reader() as db:
                for hk, rk, body in db.execute("SELECT hk, rk, body FROM items WHERE tid = ?", (table.id,)):
                    item = json.loads(body)
                    if _expired(item.get(attribute), now):
                        expired.append((hk, rk))
            for start in range(0, len(expired), _BATCH):
                deleted += self._store.write(partial(self._delete, table=table, chunk=expired[start:start + _BATCH],
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
