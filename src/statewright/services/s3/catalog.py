"""The S3 catalog in SQLite: buckets, their configurations, object versions, multipart uploads.

Keys are stored as UTF-8 bytes (BLOB) so that SQLite orders them as S3 lists them ("in UTF-8
binary order") and a NUL or any other character is just data. One connection behind a lock;
WAL with `synchronous=FULL`, so a commit that returned survives a crash.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets(name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL,
    account TEXT NOT NULL, versioning TEXT);
CREATE TABLE IF NOT EXISTS configs(bucket TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY(bucket, kind));
CREATE TABLE IF NOT EXISTS objects(bucket TEXT NOT NULL, key BLOB NOT NULL, version TEXT NOT NULL,
    seq INTEGER NOT NULL, latest INTEGER NOT NULL, marker INTEGER NOT NULL, blob TEXT,
    size INTEGER NOT NULL, etag TEXT NOT NULL, modified REAL NOT NULL, info TEXT NOT NULL,
    PRIMARY KEY(bucket, key, version));
CREATE INDEX IF NOT EXISTS objects_latest ON objects(bucket, latest, key);
CREATE INDEX IF NOT EXISTS objects_blob ON objects(blob);
CREATE TABLE IF NOT EXISTS uploads(id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL,
    initiated REAL NOT NULL, info TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key);
CREATE TABLE IF NOT EXISTS parts(upload TEXT NOT NULL, number INTEGER NOT NULL, blob TEXT NOT NULL,
    size INTEGER NOT NULL, etag TEXT NOT NULL, modified REAL NOT NULL, checksums TEXT NOT NULL,
    PRIMARY KEY(upload, number));
CREATE INDEX IF NOT EXISTS parts_blob ON parts(blob);
"""


@dataclass
class Bucket:
    name: str
    region: str
    created: float
    account: str
    versioning: str | None  # None (never enabled), "Enabled", "Suspended"


@dataclass
class ObjectRow:
    """One version of an object (unversioned objects have version "null"). `info` holds what
    is only described: content headers, user metadata, checksums, tags, part sizes."""

    bucket: str
    key: str
    version: str
    blob: str | None
    size: int
    etag: str
    modified: float
    info: dict[str, Any] = field(default_factory=dict)
    marker: bool = False
    latest: bool = True
    seq: int = 0


@dataclass
class Part:
    number: int
    blob: str
    size: int
    etag: str
    modified: float
    checksums: dict[str, str]


def encode_key(key: str) -> bytes:
    return key.encode("utf-8")


def _past(prefix: bytes) -> bytes:
    """A bound above every key that starts with `prefix` (UTF-8 never contains 0xFF), so a
    prefix listing reads only its own range of the index."""
    return prefix + b"\xff" * 4


def _row(row: tuple[Any, ...]) -> ObjectRow:
    bucket, key, version, seq, latest, marker, blob, size, etag, modified, info = row
    return ObjectRow(bucket, bytes(key).decode("utf-8"), version, blob, size, etag, modified,
                     json.loads(info), bool(marker), bool(latest), seq)


COLUMNS = "bucket, key, version, seq, latest, marker, blob, size, etag, modified, info"


class Catalog:
    def __init__(self, path: Path) -> None:
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.seq = self.db.execute("SELECT coalesce(max(seq), 0) FROM objects").fetchone()[0]

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def next_seq(self) -> int:
        self.seq += 1
        return int(self.seq)

    # Buckets -----------------------------------------------------------------------------
    def bucket(self, name: str) -> Bucket | None:
        rows = self.query("SELECT name, region, created, account, versioning FROM buckets WHERE name=?", (name,))
        return Bucket(*rows[0]) if rows else None

    def buckets(self) -> list[Bucket]:
        return [Bucket(*r) for r in self.query(
            "SELECT name, region, created, account, versioning FROM buckets ORDER BY name")]

    def config(self, bucket: str, kind: str) -> Any:
        rows = self.query("SELECT value FROM configs WHERE bucket=? AND kind=?", (bucket, kind))
        return json.loads(rows[0][0]) if rows else None

    def set_config(self, bucket: str, kind: str, value: Any) -> None:
        with self.transaction() as db:
            if value is None:
                db.execute("DELETE FROM configs WHERE bucket=? AND kind=?", (bucket, kind))
            else:
                db.execute("INSERT OR REPLACE INTO configs VALUES (?, ?, ?)", (bucket, kind, json.dumps(value)))

    def configs_of(self, kind: str) -> list[tuple[str, Any]]:
        return [(b, json.loads(v)) for b, v in self.query("SELECT bucket, value FROM configs WHERE kind=?", (kind,))]

    # Objects -----------------------------------------------------------------------------
    def current(self, bucket: str, key: str) -> ObjectRow | None:
        rows = self.query(f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=? AND latest=1",
                          (bucket, encode_key(key)))
        return _row(rows[0]) if rows else None

    def version(self, bucket: str, key: str, version: str) -> ObjectRow | None:
        rows = self.query(f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=? AND version=?",
                          (bucket, encode_key(key), version))
        return _row(rows[0]) if rows else None

    def latest_page(self, bucket: str, after: bytes, prefix: bytes, limit: int) -> list[ObjectRow]:
        """Up to `limit` current (not delete-marker) objects with keys > after, starting with prefix."""
        low, op = (after, ">") if after >= prefix else (prefix, ">=")
        rows = self.query(
            f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND latest=1 AND marker=0 AND key{op}? AND key<? "
            "AND substr(key, 1, ?)=? ORDER BY key LIMIT ?",
            (bucket, low, _past(prefix), len(prefix), prefix, limit))
        return [_row(r) for r in rows]

    def versions_page(self, bucket: str, after: tuple[bytes, int], prefix: bytes, limit: int) -> list[ObjectRow]:
        """Versions ordered by key, then newest first; after = (key, seq) exclusive."""
        key, seq = after
        rows = self.query(
            f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND substr(key, 1, ?)=? AND key>=? AND key<? "
            "AND (key>? OR (key=? AND seq<?)) ORDER BY key, seq DESC LIMIT ?",
            (bucket, len(prefix), prefix, prefix, _past(prefix), key, key, seq, limit))
        return [_row(r) for r in rows]

    def count_objects(self, bucket: str) -> int:
        return int(self.query("SELECT count(*) FROM objects WHERE bucket=?", (bucket,))[0][0])

    def all_objects(self) -> Iterator[ObjectRow]:
        for r in self.query(f"SELECT {COLUMNS} FROM objects WHERE latest=1"):
            yield _row(r)

    def referenced(self, blob: str) -> bool:
        return bool(self.query("SELECT 1 FROM objects WHERE blob=? UNION ALL SELECT 1 FROM parts WHERE blob=? "
                               "LIMIT 1", (blob, blob)))

    def parts(self, upload: str) -> list[Part]:
        return [Part(n, b, s, e, m, json.loads(c)) for n, b, s, e, m, c in self.query(
            "SELECT number, blob, size, etag, modified, checksums FROM parts WHERE upload=? ORDER BY number",
            (upload,))]

    def upload(self, upload_id: str) -> tuple[str, str, float, dict[str, Any]] | None:
        rows = self.query("SELECT bucket, key, initiated, info FROM uploads WHERE id=?", (upload_id,))
        if not rows:
            return None
        bucket, key, initiated, info = rows[0]
        return bucket, bytes(key).decode("utf-8"), initiated, json.loads(info)

    def uploads(self, bucket: str) -> list[tuple[str, str, float, dict[str, Any]]]:
        rows = self.query("SELECT id, key, initiated, info FROM uploads WHERE bucket=? ORDER BY key, initiated, id",
                          (bucket,))
        return [(i, bytes(k).decode("utf-8"), t, json.loads(info)) for i, k, t, info in rows]


class _Transaction:
    """`with catalog.transaction() as db:` holds the lock and commits (or rolls back) at exit."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __enter__(self) -> sqlite3.Connection:
        self.catalog.lock.acquire()
        self.catalog.db.execute("BEGIN IMMEDIATE")
        return self.catalog.db

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        try:
            self.catalog.db.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self.catalog.lock.release()


def insert_object(db: sqlite3.Connection, row: ObjectRow) -> None:
    db.execute(f"INSERT OR REPLACE INTO objects({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (row.bucket, encode_key(row.key), row.version, row.seq, int(row.latest), int(row.marker),
                row.blob, row.size, row.etag, row.modified, json.dumps(row.info)))


def delete_version(db: sqlite3.Connection, bucket: str, key: str, version: str) -> str | None:
    """Removes one version row; returns its blob (to delete after commit)."""
    rows = db.execute("SELECT blob FROM objects WHERE bucket=? AND key=? AND version=?",
                      (bucket, encode_key(key), version)).fetchall()
    db.execute("DELETE FROM objects WHERE bucket=? AND key=? AND version=?", (bucket, encode_key(key), version))
    return rows[0][0] if rows else None


def relatest(db: sqlite3.Connection, bucket: str, key: str) -> None:
    """Marks the newest remaining version of a key as the current one."""
    k = encode_key(key)
    db.execute("UPDATE objects SET latest=0 WHERE bucket=? AND key=?", (bucket, k))
    db.execute("UPDATE objects SET latest=1 WHERE bucket=? AND key=? AND seq=(SELECT max(seq) FROM objects "
               "WHERE bucket=? AND key=?)", (bucket, k, bucket, k))
