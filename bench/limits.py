"""Physical limits of this machine that bound a durable engine: fsyncs/s and one core's speed.

A Standard execution is acknowledged only after its start is on disk, so the durable API cannot
beat the rate of SQLite commits with synchronous=FULL unless commits are grouped; measuring
that rate here lets docs/performance.md say which limit applies, with the figure.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path


def commits_per_s(seconds: float = 2.0) -> float:
    """Single-row commits per second in WAL mode with synchronous=FULL (one fsync each)."""
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "limit.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        count, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            db.execute("BEGIN")
            db.execute("INSERT INTO t (v) VALUES ('x')")
            db.execute("COMMIT")
            count += 1
        elapsed = time.perf_counter() - began
        db.close()
    return count / elapsed


def measure() -> dict:
    return {"sqlite_full_commits_per_s": round(commits_per_s())}
