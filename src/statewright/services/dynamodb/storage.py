"""DynamoDB's data in SQLite: `<data_dir>/dynamodb.sqlite3`, WAL, `synchronous=FULL`.

All writes go through one group-commit writer (`store.writer.GroupCommitWriter`): a write
operation is one function run on the writer thread inside its own savepoint, so it reads the
item, checks its condition and writes item and index rows atomically, serialized with every
other write (no lost updates), and its caller hears back only after the COMMIT's fsync.

Layout: `items` holds every item under (table id, partition hash, hash key bytes, range key
bytes); the partition hash first makes a Scan walk partitions in hash order and lets a scan
segment be a range of it, while a Query, knowing the hash key, is still one range scan.
`index_items` holds one row per item in each secondary index, pointing at the item.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ...store.writer import GroupCommitWriter
from . import keys, stream_records
from .schema import Table
from .values import Item

T = TypeVar("T")

DATABASE_NAME = "dynamodb.sqlite3"

# Schema changes, in order; `PRAGMA user_version` says how many have been applied.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE tables (
        id INTEGER PRIMARY KEY, region TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL,
        body TEXT NOT NULL, UNIQUE (region, account, name));
    CREATE TABLE index_ids (id INTEGER PRIMARY KEY, table_id INTEGER NOT NULL, name TEXT NOT NULL);
    CREATE TABLE items (
        tid INTEGER NOT NULL, h INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL,
        body TEXT NOT NULL, size INTEGER NOT NULL,
        PRIMARY KEY (tid, h, hk, rk)) WITHOUT ROWID;
    CREATE TABLE index_items (
        iid INTEGER NOT NULL, ih INTEGER NOT NULL, ihk BLOB NOT NULL, irk BLOB NOT NULL,
        th INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL,
        PRIMARY KEY (iid, ih, ihk, irk, hk, rk)) WITHOUT ROWID;
    CREATE TABLE client_tokens (
        token TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, created REAL NOT NULL) WITHOUT ROWID;
    """,
    """
    CREATE TABLE stream_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, tid INTEGER NOT NULL, label TEXT NOT NULL,
        created REAL NOT NULL, body TEXT NOT NULL);
    CREATE INDEX stream_records_by_stream ON stream_records (tid, label, seq);
    """,
    """
    CREATE TABLE stream_positions (mapping TEXT PRIMARY KEY, after INTEGER NOT NULL) WITHOUT ROWID;
    """,
]


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def migrate(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        connection.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")


def dumps(item: Item) -> str:
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False)


class Storage:
    """The database: one writer thread, one reader connection per reading thread."""

    def __init__(self, data_dir: str | Path) -> None:
        directory = Path(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = str(directory / DATABASE_NAME)
        connection = _connect(self.path)
        migrate(connection)
        self._writer_connection = connection
        self._writer = GroupCommitWriter(connection, lambda db: db, name="statewright-dynamodb-writer")
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Runs `change` on the writer thread in its own savepoint; returns once committed."""
        result: T = self._writer.submit(change).result()
        return result

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._closed:
                raise RuntimeError("the DynamoDB store is closed")
            connection = _connect(self.path)
            self._local.connection = connection
            with self._readers_lock:
                self._readers.append(connection)
        yield connection

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self._writer_connection.close()
        with self._readers_lock:
            for connection in self._readers:
                connection.close()
            self._readers.clear()


# --- row operations (given the connection they run on) -----------------------------------------

def get_item(db: sqlite3.Connection, table: Table, hk: bytes, rk: bytes) -> Item | None:
    row = db.execute("SELECT body FROM items WHERE tid = ? AND h = ? AND hk = ? AND rk = ?",
                     (table.id, keys.partition_hash(hk), hk, rk)).fetchone()
    return None if row is None else json.loads(row[0])


def put_item(db: sqlite3.Connection, table: Table, hk: bytes, rk: bytes, item: Item, size: int,
             old: Item | None) -> None:
    h = keys.partition_hash(hk)
    db.execute("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?)", (table.id, h, hk, rk, dumps(item), size))
    _reindex(db, table, h, hk, rk, old, item)
    stream_records.append(db, table, old, item)


def delete_item(db: sqlite3.Connection, table: Table, hk: bytes, rk: bytes, old: Item, *,
                by_ttl: bool = False) -> None:
    h = keys.partition_hash(hk)
    db.execute("DELETE FROM items WHERE tid = ? AND h = ? AND hk = ? AND rk = ?", (table.id, h, hk, rk))
    _reindex(db, table, h, hk, rk, old, None)
    stream_records.append(db, table, old, None, stream_records.TTL_IDENTITY if by_ttl else None)


def _reindex(db: sqlite3.Connection, table: Table, h: int, hk: bytes, rk: bytes,
             old: Item | None, new: Item | None) -> None:
    for index in table.indexes.values():
        before = table.index_key_of(index, old) if old is not None else None
        after = table.index_key_of(index, new) if new is not None else None
        if before == after:
            continue
        if before is not None:
            db.execute("DELETE FROM index_items WHERE iid = ? AND ih = ? AND ihk = ? AND irk = ? AND hk = ? "
                       "AND rk = ?", (index.id, keys.partition_hash(before[0]), before[0], before[1], hk, rk))
        if after is not None:
            db.execute("INSERT OR REPLACE INTO index_items VALUES (?,?,?,?,?,?,?)",
                       (index.id, keys.partition_hash(after[0]), after[0], after[1], h, hk, rk))


def backfill_index(db: sqlite3.Connection, table: Table, index_name: str) -> None:
    """Adds every existing item to a new index (UpdateTable's backfill), in one transaction."""
    index = table.indexes[index_name]
    rows = db.execute("SELECT h, hk, rk, body FROM items WHERE tid = ?", (table.id,)).fetchall()
    for h, hk, rk, body in rows:
        key = table.index_key_of(index, json.loads(body))
        if key is not None:
            db.execute("INSERT OR REPLACE INTO index_items VALUES (?,?,?,?,?,?,?)",
                       (index.id, keys.partition_hash(key[0]), key[0], key[1], h, hk, rk))


def collection_size(db: sqlite3.Connection, table: Table, hk: bytes) -> int:
    """Bytes of the items sharing one partition key (an item collection)."""
    row = db.execute("SELECT COALESCE(SUM(size), 0) FROM items WHERE tid = ? AND h = ? AND hk = ?",
                     (table.id, keys.partition_hash(hk), hk)).fetchone()
    return int(row[0])


def table_statistics(db: sqlite3.Connection, table_id: int) -> tuple[int, int]:
    count, size = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM items WHERE tid = ?",
                             (table_id,)).fetchone()
    return int(count), int(size)


def index_statistics(db: sqlite3.Connection, index_id: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM index_items WHERE iid = ?", (index_id,)).fetchone()[0])
