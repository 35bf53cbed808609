"""Where log groups, streams and events live: `logs.db` in the data directory, a SQLite file of
the service's own so that a busy log never makes the other services' writes wait.

All writes go through one group-commit writer thread (many appends share one transaction and
one fsync); reads use a second connection (WAL lets them run beside the writer).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from statewright.store.schema import Migration, connect, migrate
from statewright.store.writer import GroupCommitWriter

T = TypeVar("T")

FILE_NAME = "logs.db"

MIGRATIONS: tuple[Migration, ...] = (
    Migration("log groups, streams and events", """
        CREATE TABLE logs_groups (
            id INTEGER PRIMARY KEY, region TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL,
            created INTEGER NOT NULL, retention_days INTEGER, kms_key_id TEXT,
            log_group_class TEXT NOT NULL DEFAULT 'STANDARD', tags TEXT NOT NULL DEFAULT '{}',
            stored_bytes INTEGER NOT NULL DEFAULT 0, UNIQUE (region, account, name));
        CREATE TABLE logs_streams (
            id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
            first_event INTEGER, last_event INTEGER, last_ingestion INTEGER, UNIQUE (group_id, name));
        CREATE TABLE logs_events (
            id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, stream_id INTEGER NOT NULL,
            ts INTEGER NOT NULL, ingested INTEGER NOT NULL, message TEXT NOT NULL);
        CREATE INDEX logs_events_by_stream ON logs_events (stream_id, ts, id);
        CREATE INDEX logs_events_by_group ON logs_events (group_id, ts, id);
    """),
)


class LogDatabase:
    """The service's SQLite file: `write` queues a change (a function of the connection, run
    inside the writer's transaction), `query` reads."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE_NAME
        writer_connection = connect(self.path)
        try:
            migrate(writer_connection, MIGRATIONS, database=FILE_NAME)
        except BaseException:
            writer_connection.close()
            raise
        self._writer_connection = writer_connection
        self._writer = GroupCommitWriter(writer_connection, lambda connection: connection, name="logs-writer")
        self._reader = connect(self.path)
        self._read_lock = threading.Lock()

    def write(self, change: Callable[[sqlite3.Connection], T]) -> Future[T]:
        return self._writer.submit(change)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._read_lock:
            return self._reader.execute(sql, params).fetchall()

    def close(self) -> None:
        self._writer.close()
        self._writer_connection.close()
        with self._read_lock:
            self._reader.close()
