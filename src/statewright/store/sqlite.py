"""The SQLite store: one database file in the data directory, WAL, `synchronous=FULL`.

Readers take a connection from a small pool (WAL lets them read while the writer writes);
all writes go through `GroupCommitWriter`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from .protocol import ExecutionRecord, RecoveryState, Resource, TaskRecord, TimerRecord
from .writer import GroupCommitWriter

T = TypeVar("T")

DATABASE_NAME = "statewright.db"

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    arn TEXT PRIMARY KEY, kind TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL,
    created REAL NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, parent, created);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY, state_machine TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    start_date REAL NOT NULL, stop_date REAL, definition_hash TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine, start_date);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
CREATE TABLE IF NOT EXISTS history (
    execution TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (execution, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
    execution TEXT NOT NULL, sequence INTEGER NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (execution, sequence)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks (
    execution TEXT NOT NULL, task_id TEXT NOT NULL, token TEXT NOT NULL UNIQUE,
    resource TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution, task_id));
CREATE TABLE IF NOT EXISTS timers (
    execution TEXT NOT NULL, timer_id TEXT NOT NULL, due REAL NOT NULL, fire_at REAL NOT NULL,
    PRIMARY KEY (execution, timer_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
    arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key)) WITHOUT ROWID;
"""


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class SqliteTransaction:
    """`Transaction` on the writer's connection (only the writer thread calls it)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self.touched_resources: set[str] = set()  # for the store's resource cache

    def put_resource(self, resource: Resource) -> None:
        self.touched_resources.add(resource.arn)
        self._db.execute("INSERT OR REPLACE INTO resources VALUES (?,?,?,?,?,?)", _resource_row(resource))

    def insert_resource(self, resource: Resource) -> None:
        self.touched_resources.add(resource.arn)
        try:
            self._db.execute("INSERT INTO resources VALUES (?,?,?,?,?,?)", _resource_row(resource))
        except sqlite3.IntegrityError:
            raise KeyError(resource.arn) from None

    def delete_resource(self, arn: str) -> None:
        self.touched_resources.add(arn)
        self._db.execute("DELETE FROM resources WHERE arn = ?", (arn,))
        self._db.execute("DELETE FROM tags WHERE arn = ?", (arn,))

    def put_definition(self, definition_hash: str, text: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO definitions VALUES (?,?)", (definition_hash, text))

    def insert_execution(self, record: ExecutionRecord) -> None:
        try:
            self._db.execute("INSERT INTO executions VALUES (?,?,?,?,?,?,?,?)", _execution_row(record))
        except sqlite3.IntegrityError:
            raise KeyError(record.arn) from None

    def update_execution(self, record: ExecutionRecord) -> None:
        self._db.execute("INSERT OR REPLACE INTO executions VALUES (?,?,?,?,?,?,?,?)", _execution_row(record))

    def append_events(self, execution: str, events: list[dict[str, Any]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO history VALUES (?,?,?)",
                             [(execution, event["id"], _dumps(event)) for event in events])

    def put_checkpoint(self, execution: str, sequence: int, state_json: str) -> None:
        # Only the newest checkpoint is ever read, so older ones go in the same transaction.
        self._db.execute("DELETE FROM checkpoints WHERE execution = ? AND sequence < ?", (execution, sequence))
        self._db.execute("INSERT OR REPLACE INTO checkpoints VALUES (?,?,?)", (execution, sequence, state_json))

    def put_task(self, task: TaskRecord) -> None:
        self._db.execute("INSERT OR REPLACE INTO tasks VALUES (?,?,?,?,?)",
                         (task.execution, task.task_id, task.token, task.resource, _dumps(task.body)))

    def delete_task(self, execution: str, task_id: str) -> None:
        self._db.execute("DELETE FROM tasks WHERE execution = ? AND task_id = ?", (execution, task_id))

    def put_timer(self, timer: TimerRecord) -> None:
        self._db.execute("INSERT OR REPLACE INTO timers VALUES (?,?,?,?)",
                         (timer.execution, timer.timer_id, timer.due, timer.fire_at))

    def delete_timer(self, execution: str, timer_id: str) -> None:
        self._db.execute("DELETE FROM timers WHERE execution = ? AND timer_id = ?", (execution, timer_id))

    def clear_pending(self, execution: str) -> None:
        self._db.execute("DELETE FROM tasks WHERE execution = ?", (execution,))
        self._db.execute("DELETE FROM timers WHERE execution = ?", (execution,))

    def set_tags(self, arn: str, tags: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO tags VALUES (?,?,?)",
                             [(arn, key, value) for key, value in tags.items()])

    def remove_tags(self, arn: str, keys: list[str]) -> None:
        self._db.executemany("DELETE FROM tags WHERE arn = ? AND key = ?", [(arn, key) for key in keys])


def _resource_row(resource: Resource) -> tuple[Any, ...]:
    return (resource.arn, resource.kind, resource.parent, resource.name, resource.created,
            _dumps(resource.body))


def _execution_row(record: ExecutionRecord) -> tuple[Any, ...]:
    return (record.arn, record.state_machine, record.name, record.status, record.start_date,
            record.stop_date, record.definition_hash, _dumps(record.body))


def _resource(row: tuple[Any, ...]) -> Resource:
    arn, kind, parent, name, created, body = row
    return Resource(arn=arn, kind=kind, parent=parent, name=name, created=created, body=json.loads(body))


def _execution(row: tuple[Any, ...]) -> ExecutionRecord:
    arn, machine, name, status, start, stop, definition_hash, body = row
    return ExecutionRecord(arn=arn, state_machine=machine, name=name, status=status, start_date=start,
                           stop_date=stop, definition_hash=definition_hash, body=json.loads(body))


class SqliteStore:
    """`Store` in `<data_dir>/statewright.db` (or `:memory:`-like temporary use in tests)."""

    def __init__(self, data_dir: str | Path) -> None:
        directory = Path(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self._path = str(directory / DATABASE_NAME)
        writer_connection = _connect(self._path)
        writer_connection.executescript(SCHEMA)
        self._writer_connection = writer_connection
        self._writer = GroupCommitWriter(writer_connection, SqliteTransaction, self._committed)
        self._pool_lock = threading.Lock()
        # State machines, versions and aliases are read on every StartExecution: keep them in
        # memory. `_epoch` moves on every commit that touched one, so a read that raced a
        # commit is not cached.
        self._resources: dict[str, Resource | None] = {}
        self._epoch = 0
        self._cache_lock = threading.Lock()
        self._idle_readers: list[sqlite3.Connection] = []
        self._all_readers: list[sqlite3.Connection] = []
        self._closed = False

    # --- lifecycle and writes -------------------------------------------------------------

    def write(self, change: Callable[[Any], T]) -> Future[T]:
        return self._writer.submit(change)

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
        with self._pool_lock:
            if self._closed:
                raise RuntimeError("the store is closed")
            if self._idle_readers:
                connection = self._idle_readers.pop()
            else:
                connection = _connect(self._path)
                self._all_readers.append(connection)
        try:
            yield connection
        finally:
            with self._pool_lock:
                if not self._closed:
                    self._idle_readers.append(connection)

    def _all(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._reader() as connection:
            return connection.execute(sql, parameters).fetchall()

    # --- reads ----------------------------------------------------------------------------

    def get_resource(self, arn: str) -> Resource | None:
        with self._cache_lock:
            if arn in self._resources:
                return self._resources[arn]
            epoch = self._epoch
        rows = self._all("SELECT * FROM resources WHERE arn = ?", (arn,))
        found = _resource(rows[0]) if rows else None
        with self._cache_lock:
            if epoch == self._epoch and len(self._resources) < 100_000:
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

    def list_resources(self, kind: str, parent: str | None = None) -> list[Resource]:
        if parent is None:
            rows = self._all("SELECT * FROM resources WHERE kind = ? ORDER BY created, arn", (kind,))
        else:
            rows = self._all("SELECT * FROM resources WHERE kind = ? AND parent = ? ORDER BY created, arn",
                             (kind, parent))
        return [_resource(row) for row in rows]

    def get_definition(self, definition_hash: str) -> str | None:
        rows = self._all("SELECT text FROM definitions WHERE hash = ?", (definition_hash,))
        return rows[0][0] if rows else None

    def get_execution(self, arn: str) -> ExecutionRecord | None:
        rows = self._all("SELECT * FROM executions WHERE arn = ?", (arn,))
        return _execution(rows[0]) if rows else None

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
        return [_execution(row) for row in rows]

    def running_executions(self) -> list[ExecutionRecord]:
        return self.list_executions(status="RUNNING", limit=-1)

    def history(self, execution: str, offset: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[dict[str, Any]]:
        order = "DESC" if reverse else "ASC"
        rows = self._all(f"SELECT body FROM history WHERE execution = ? ORDER BY id {order} LIMIT ? OFFSET ?",
                         (execution, limit, offset))
        return [json.loads(row[0]) for row in rows]

    def recovery(self) -> RecoveryState:
        """Everything a restart needs, in four queries rather than four per execution."""
        records = self.running_executions()
        checkpoints = {row[0]: (row[1], row[2]) for row in self._all(
            "SELECT execution, MAX(sequence), state FROM checkpoints WHERE execution IN "
            "(SELECT arn FROM executions WHERE status = 'RUNNING') GROUP BY execution")}
        tasks: dict[str, list[TaskRecord]] = {}
        for row in self._all("SELECT * FROM tasks ORDER BY rowid"):
            tasks.setdefault(row[0], []).append(TaskRecord(execution=row[0], task_id=row[1], token=row[2],
                                                           resource=row[3], body=json.loads(row[4])))
        timers: dict[str, list[TimerRecord]] = {}
        for row in self._all("SELECT * FROM timers ORDER BY fire_at"):
            timers.setdefault(row[0], []).append(TimerRecord(*row))
        return RecoveryState(records, checkpoints, tasks, timers)

    def latest_checkpoint(self, execution: str) -> tuple[int, str] | None:
        rows = self._all("SELECT sequence, state FROM checkpoints WHERE execution = ? "
                         "ORDER BY sequence DESC LIMIT 1", (execution,))
        return (rows[0][0], rows[0][1]) if rows else None

    def pending_tasks(self, execution: str) -> list[TaskRecord]:
        rows = self._all("SELECT * FROM tasks WHERE execution = ? ORDER BY rowid", (execution,))
        return [TaskRecord(execution=row[0], task_id=row[1], token=row[2], resource=row[3],
                           body=json.loads(row[4])) for row in rows]

    def timers(self, execution: str) -> list[TimerRecord]:
        rows = self._all("SELECT * FROM timers WHERE execution = ? ORDER BY fire_at", (execution,))
        return [TimerRecord(*row) for row in rows]

    def tags(self, arn: str) -> dict[str, str]:
        return dict(self._all("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,)))
