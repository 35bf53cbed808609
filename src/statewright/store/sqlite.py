"""The SQLite store: `statewright.db` in the data directory, WAL, `synchronous=FULL`, migrated at open.

Readers take a connection from a small pool (WAL lets them read while the writer writes); all
writes go through `GroupCommitWriter`. With no data directory the store lives in memory (one
connection, shared under a lock; nothing survives `close`): for tests and throwaway runs.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from .history import events_between, id_range
from .journal import Checkpoint, ExecutionRecord, RecoveryState, TaskRecord, TimerRecord
from .protocol import Transaction
from .resources import Resource, ResourceCursor
from .schema import ServiceSchema, connect, migrate
from .tables import CORE_MIGRATIONS, DATABASE_NAME
from .transaction import (
    RESOURCE_COLUMNS,
    SqliteTransaction,
    execution_from_row,
    resource_from_row,
    resource_query,
)
from .writer import GroupCommitWriter

T = TypeVar("T")
MEMORY = ":memory:"
# Resources cached in memory at most (state machines, versions, aliases are read per start).
MAX_CACHED = 100_000


class SqliteStore:
    """`Store` in `<data_dir>/statewright.db`, or in memory when `data_dir` is None.

    `schemas` are the services' own table schemas, migrated at open after the core schema (a
    service started later calls `ensure_schema`)."""

    def __init__(self, data_dir: str | Path | None, *, schemas: Sequence[ServiceSchema] = ()) -> None:
        if data_dir is None:
            self._path = MEMORY
        else:
            directory = Path(data_dir)
            directory.mkdir(parents=True, exist_ok=True)
            self._path = str(directory / DATABASE_NAME)
        writer_connection = connect(self._path) if data_dir is not None else _memory_connection()
        try:
            migrate(writer_connection, CORE_MIGRATIONS, database=self._path)
            for schema in schemas:
                migrate(writer_connection, schema.migrations, database=self._path, service=schema.service)
        except BaseException:
            writer_connection.close()
            raise
        self._writer_connection = writer_connection
        # In memory there is one connection: readers share it under the lock the writer holds
        # for each whole batch.
        self._shared_lock = threading.RLock() if data_dir is None else None
        self._writer = GroupCommitWriter(writer_connection, _transaction, self._committed, lock=self._shared_lock)
        self._pool_lock = threading.Lock()
        # Resources are read on every StartExecution: keep them in memory. `_epoch` moves on
        # every commit that touched one, so a read that raced a commit is not cached.
        self._resources: dict[str, Resource | None] = {}
        self._epoch = 0
        self._cache_lock = threading.Lock()
        self._idle_readers: list[sqlite3.Connection] = []
        self._all_readers: list[sqlite3.Connection] = []
        self._closed = False

    @classmethod
    def in_memory(cls, *, schemas: Sequence[ServiceSchema] = ()) -> SqliteStore:
        return cls(None, schemas=schemas)

    # --- lifecycle, writes, schemas ---------------------------------------------------------

    def write(self, change: Callable[[Transaction], T]) -> Future[T]:
        return self._writer.submit(change)

    def ensure_schema(self, schema: ServiceSchema) -> int:
        """Migrate a service's own tables (on the writer, between batches); answers the version."""
        return int(self._writer.run_exclusive(
            lambda connection: migrate(connection, schema.migrations, database=self._path,
                                       service=schema.service)).result())

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self._writer_connection.close()
        with self._pool_lock:
            for connection in self._all_readers:
                connection.close()
            self._all_readers.clear()
            self._idle_readers.clear()

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        if self._shared_lock is not None:
            with self._shared_lock:
                if self._closed:
                    raise RuntimeError("the store is closed")
                yield self._writer_connection
            return
        with self._pool_lock:
            if self._closed:
                raise RuntimeError("the store is closed")
            if self._idle_readers:
                connection = self._idle_readers.pop()
            else:
                connection = connect(self._path)
                self._all_readers.append(connection)
        try:
            yield connection
        finally:
            with self._pool_lock:
                if not self._closed:
                    self._idle_readers.append(connection)

    def _all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        with self._reader() as connection:
            try:
                return connection.execute(sql, parameters).fetchall()
            except UnicodeEncodeError:  # a key SQLite cannot encode was never stored
                return []

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A read of a service's own tables (committed data)."""
        return self._all(sql, parameters)

    # --- resources and tags -----------------------------------------------------------------

    def get_resource(self, arn: str) -> Resource | None:
        with self._cache_lock:
            if arn in self._resources:
                return self._resources[arn]
            epoch = self._epoch
        rows = self._all(f"SELECT {RESOURCE_COLUMNS} FROM resources WHERE arn = ?", (arn,))
        found = resource_from_row(rows[0]) if rows else None
        with self._cache_lock:
            if epoch == self._epoch and len(self._resources) < MAX_CACHED:
                self._resources[arn] = found
        return found

    def _committed(self, transaction: SqliteTransaction) -> None:
        """Called by the writer after each commit (or failed batch), before callers hear of it."""
        if not transaction.touched_resources:
            return
        with self._cache_lock:
            self._epoch += 1
            for arn in transaction.touched_resources:
                self._resources.pop(arn, None)
        transaction.touched_resources.clear()

    def list_resources(self, kind: str, parent: str | None = None, *, service: str | None = None,
                       after: ResourceCursor | None = None, limit: int | None = None) -> list[Resource]:
        sql, parameters = resource_query(kind, parent, service, after, limit)
        return [resource_from_row(row) for row in self._all(sql, parameters)]

    def tags(self, arn: str) -> dict[str, str]:
        return dict(self._all("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,)))

    # --- the Step Functions journal ---------------------------------------------------------

    def get_definition(self, definition_hash: str) -> str | None:
        rows = self._all("SELECT text FROM definitions WHERE hash = ?", (definition_hash,))
        return str(rows[0][0]) if rows else None

    def get_execution(self, arn: str) -> ExecutionRecord | None:
        rows = self._all("SELECT * FROM executions WHERE arn = ?", (arn,))
        return execution_from_row(rows[0]) if rows else None

    def list_executions(self, state_machine: str | None = None, status: str | None = None,
                        offset: int = 0, limit: int = 1000) -> list[ExecutionRecord]:
        where, parameters = [], []
        if state_machine is not None:
            where.append("state_machine = ?")
            parameters.append(state_machine)
        if status is not None:
            where.append("status = ?")
            parameters.append(status)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._all(f"SELECT * FROM executions {clause} ORDER BY start_date DESC, arn LIMIT ? OFFSET ?",
                         (*parameters, limit, offset))
        return [execution_from_row(row) for row in rows]

    def running_executions(self) -> list[ExecutionRecord]:
        return self.list_executions(status="RUNNING", limit=-1)

    def history(self, execution: str, offset: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[dict[str, Any]]:
        with self._reader() as connection:  # both queries on one connection (see history.py)
            try:
                return _history_page(connection, execution, offset, limit, reverse)
            except UnicodeEncodeError:  # an ARN SQLite cannot encode was never stored
                return []

    def recovery(self) -> RecoveryState:
        """Everything a restart needs, in four queries rather than four per execution."""
        records = self.running_executions()
        checkpoints = {row[0]: Checkpoint(row[1], row[2], row[3]) for row in self._all(
            "SELECT execution, sequence, state, format FROM checkpoints WHERE execution IN "
            "(SELECT arn FROM executions WHERE status = 'RUNNING')")}
        tasks: dict[str, list[TaskRecord]] = {}
        for row in self._all("SELECT * FROM tasks ORDER BY rowid"):
            tasks.setdefault(row[0], []).append(_task(row))
        timers: dict[str, list[TimerRecord]] = {}
        for row in self._all("SELECT * FROM timers ORDER BY fire_at"):
            timers.setdefault(row[0], []).append(TimerRecord(*row))
        return RecoveryState(records, checkpoints, tasks, timers)

    def latest_checkpoint(self, execution: str) -> Checkpoint | None:
        rows = self._all("SELECT sequence, state, format FROM checkpoints WHERE execution = ?", (execution,))
        return Checkpoint(*rows[0]) if rows else None

    def pending_tasks(self, execution: str) -> list[TaskRecord]:
        return [_task(row) for row in self._all("SELECT * FROM tasks WHERE execution = ? ORDER BY rowid", (execution,))]

    def timers(self, execution: str) -> list[TimerRecord]:
        rows = self._all("SELECT * FROM timers WHERE execution = ? ORDER BY fire_at", (execution,))
        return [TimerRecord(*row) for row in rows]


def _history_page(connection: sqlite3.Connection, execution: str, offset: int, limit: int,
                  reverse: bool) -> list[dict[str, Any]]:
    """A page of events by position: the ids it covers, then the rows that hold them (a row is
    keyed by its last event's id, so the row holding event `last` is the first at or after it)."""
    last_id = None
    if reverse:
        last_id = connection.execute("SELECT MAX(id) FROM history WHERE execution = ?", (execution,)).fetchone()[0]
    found = id_range(offset, limit, reverse, last_id)
    if found is None:
        return []
    first, last = found
    if last is None:
        rows = connection.execute("SELECT body FROM history WHERE execution = ?1 AND id >= ?2 ORDER BY id",
                                  (execution, first))
    else:
        rows = connection.execute(
            "SELECT body FROM history WHERE execution = ?1 AND id >= ?2 AND id <= COALESCE("
            "(SELECT MIN(id) FROM history WHERE execution = ?1 AND id >= ?3), ?3) ORDER BY id",
            (execution, first, last))
    events = events_between((row[0] for row in rows), first, last)
    if reverse:
        events.reverse()
    return events


def _task(row: Sequence[Any]) -> TaskRecord:
    return TaskRecord(execution=row[0], task_id=row[1], token=row[2], resource=row[3], body=json.loads(row[4]))


def _transaction(connection: sqlite3.Connection) -> Transaction:
    return SqliteTransaction(connection)  # typed so that mypy checks it keeps the contract


def _memory_connection() -> sqlite3.Connection:
    return sqlite3.connect(MEMORY, isolation_level=None, check_same_thread=False)
