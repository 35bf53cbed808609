"""Batched appends for the service's own writers (Lambda's sink, `write_events`).

Callers only queue their events and return. At most one drain job is in the writer's queue at a
time, and a drain stores at most `DRAIN_LINES` lines, so an API call that writes waits behind
one bounded drain, never behind everything a busy function has logged. When more than
`MAX_PENDING` lines wait, new appends block until the drain catches up (rather than the memory
growing without bound or events being dropped).
"""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from .database import LogDatabase
from .events import append
from .types import NewEvent, Scope

DRAIN_LINES = 2_000
MAX_PENDING = 200_000


@dataclass
class Append:
    scope: Scope
    group: str
    stream: str
    events: list[NewEvent]
    create_group: bool
    now: int
    future: Future[bool] = field(default_factory=Future)


class Appender:
    def __init__(self, db: LogDatabase, max_pending: int = MAX_PENDING, drain_lines: int = DRAIN_LINES) -> None:
        self._db = db
        self._max_pending = max_pending
        self._drain_lines = drain_lines
        self._space = threading.Condition()
        self._pending: list[Append] = []
        self._lines = 0
        self._scheduled = False
        self._closed = False

    def add(self, item: Append) -> Future[bool]:
        with self._space:
            while self._lines >= self._max_pending and not self._closed:
                self._space.wait(1.0)
            if self._closed:
                item.future.set_exception(RuntimeError("the log service is closed"))
                return item.future
            self._pending.append(item)
            self._lines += max(1, len(item.events))
            if not self._scheduled:
                self._scheduled = True
                self._schedule()
        return item.future

    def close(self, timeout: float = 30.0) -> None:
        """Refuse new appends and wait (up to `timeout`) until those queued are stored. Call it
        before closing the database."""
        with self._space:
            self._closed = True
            self._space.notify_all()
            self._space.wait_for(lambda: not self._scheduled, timeout)

    def _schedule(self) -> None:
        taken: list[Append] = []
        outcomes: list[tuple[Append, BaseException | None, bool]] = []

        def drain(connection: sqlite3.Connection) -> None:
            taken.extend(self._take())
            outcomes.extend(_store(connection, taken))

        self._db.write(drain).add_done_callback(lambda done: self._finished(done, taken, outcomes))

    def _take(self) -> list[Append]:
        with self._space:
            count, lines = 0, 0
            # Once closing, everything goes in this drain: the writer stores what is queued, then stops.
            while count < len(self._pending) and (count == 0 or lines < self._drain_lines or self._closed):
                lines += max(1, len(self._pending[count].events))
                count += 1
            taken, self._pending = self._pending[:count], self._pending[count:]
            self._lines -= lines
            self._space.notify_all()
            return taken

    def _finished(self, done: Future[None], taken: list[Append],
                  outcomes: list[tuple[Append, BaseException | None, bool]]) -> None:
        failure = done.exception()
        for item, error, stored in outcomes if failure is None else [(item, failure, False) for item in taken]:
            if error is not None:
                item.future.set_exception(error)
            else:
                item.future.set_result(stored)
        with self._space:
            if not self._pending:
                self._scheduled = False
                self._space.notify_all()
            elif failure is not None and not taken:
                # The drain never ran: the writer is closed. Nothing more can be stored.
                self._scheduled = False
                for item in self._pending:
                    item.future.set_exception(failure)
                self._pending, self._lines = [], 0
                self._space.notify_all()
            else:
                self._schedule()


def _store(connection: sqlite3.Connection, items: list[Append]) -> list[tuple[Append, BaseException | None, bool]]:
    """Store a drain's appends, those of one stream together (one insert, one stream update);
    the appends of a stream whose storing fails fail alone."""
    by_stream: dict[tuple[str, str, str, str], list[Append]] = {}
    for item in items:
        by_stream.setdefault((item.scope.region, item.scope.account, item.group, item.stream), []).append(item)
    outcomes: list[tuple[Append, BaseException | None, bool]] = []
    for same in by_stream.values():
        first = same[0]
        connection.execute("SAVEPOINT stream_append")
        try:
            group_id = _group_id(connection, first.scope, first.group, first.now,
                                 any(item.create_group for item in same))
            if group_id is not None:
                stream_id = _stream_id(connection, group_id, first.stream, first.now)
                append(connection, group_id, stream_id, [event for item in same for event in item.events],
                       max(item.now for item in same))
        except sqlite3.Error as error:
            connection.execute("ROLLBACK TO stream_append")
            connection.execute("RELEASE stream_append")
            outcomes += [(item, error, False) for item in same]
            continue
        connection.execute("RELEASE stream_append")
        outcomes += [(item, None, group_id is not None) for item in same]
    return outcomes


def _group_id(connection: sqlite3.Connection, scope: Scope, name: str, now: int, create: bool) -> int | None:
    select = "SELECT id FROM logs_groups WHERE region = ? AND account = ? AND name = ?"
    row = connection.execute(select, (scope.region, scope.account, name)).fetchone()
    if row is None and create:
        connection.execute("INSERT INTO logs_groups (region, account, name, created) VALUES (?, ?, ?, ?)",
                           (scope.region, scope.account, name, now))
        row = connection.execute(select, (scope.region, scope.account, name)).fetchone()
    return None if row is None else int(row[0])


def _stream_id(connection: sqlite3.Connection, group_id: int, name: str, now: int) -> int:
    connection.execute("INSERT OR IGNORE INTO logs_streams (group_id, name, created) VALUES (?, ?, ?)",
                       (group_id, name, now))
    return int(connection.execute("SELECT id FROM logs_streams WHERE group_id = ? AND name = ?",
                                  (group_id, name)).fetchone()[0])


