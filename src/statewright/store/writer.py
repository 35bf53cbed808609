"""One writer thread with group commit: many callers' changes share one transaction and one fsync.

SQLite allows one writer at a time, and with `synchronous=FULL` every commit pays an fsync. So
all writes go through one thread that takes whatever is queued, applies each change inside its
own savepoint (one failing change rolls back alone) and commits the lot once.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

_STOP = object()
_EXCLUSIVE = object()  # marks a job that runs alone, outside any batch (a schema migration)
# A batch bigger than this would delay the first caller's answer more than it saves.
MAX_BATCH = 1000


class GroupCommitWriter:
    """Applies submitted changes on its own connection, committing them in batches."""

    def __init__(self, connection: sqlite3.Connection, make_transaction: Callable[[sqlite3.Connection], Any],
                 after_commit: Callable[[Any], None] | None = None, name: str = "statewright-writer",
                 lock: contextlib.AbstractContextManager[Any] | None = None) -> None:
        self._connection = connection
        # Held around each batch when readers share the writer's connection (an in-memory
        # database), so they never see a batch half applied.
        self._lock = lock if lock is not None else contextlib.nullcontext()
        self._transaction = make_transaction(connection)
        self._after_commit = after_commit
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._closed = False
        self._thread.start()

    def submit(self, change: Callable[[Any], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the store is closed"))
            return future
        self._queue.put((change, future))
        return future

    def run_exclusive(self, job: Callable[[sqlite3.Connection], Any]) -> Future[Any]:
        """Run `job` on the writer's connection between batches, in autocommit mode: for work
        that manages its own transactions (migrations)."""
        future: Future[Any] = Future()
        if self._closed:
            future.set_exception(RuntimeError("the store is closed"))
            return future
        self._queue.put((_EXCLUSIVE, job, future))
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if item[0] is _EXCLUSIVE:
                self._exclusive(item[1], item[2])
                continue
            batch = [item]
            after: Any = None  # a stop or an exclusive job that ended the batch
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP or more[0] is _EXCLUSIVE:
                    after = more
                    break
                batch.append(more)
            with self._lock:
                self._commit(batch)
            if after is _STOP:
                return
            if after is not None:
                self._exclusive(after[1], after[2])

    def _exclusive(self, job: Callable[[sqlite3.Connection], Any], future: Future[Any]) -> None:
        try:
            with self._lock:
                result = job(self._connection)
        except Exception as error:  # noqa: BLE001 - handed to the caller through its future
            future.set_exception(error)
        else:
            future.set_result(result)

    def _commit(self, batch: list[tuple[Callable[[Any], Any], Future[Any]]]) -> None:
        connection = self._connection
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            connection.execute("BEGIN IMMEDIATE")
            for change, future in batch:
                outcomes.append((future, *self._apply(change)))
            connection.execute("COMMIT")
            if self._after_commit is not None:
                self._after_commit(self._transaction)
        except sqlite3.Error as error:  # the disk or the database failed: nothing of the batch holds
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if self._after_commit is not None:
                self._after_commit(self._transaction)
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for future, result, failure in outcomes:
            if failure is None:
                future.set_result(result)
            else:
                future.set_exception(failure)

    def _apply(self, change: Callable[[Any], Any]) -> tuple[Any, BaseException | None]:
        connection = self._connection
        connection.execute("SAVEPOINT change")
        try:
            result = change(self._transaction)
        except Exception as error:  # noqa: BLE001 - handed to the caller through its future
            connection.execute("ROLLBACK TO change")
            connection.execute("RELEASE change")
            return None, error
        connection.execute("RELEASE change")
        return result, None
