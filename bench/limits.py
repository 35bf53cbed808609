"""Physical limits of this machine: fsyncs/s, and a bare Python loop doing the working chain's work.

A Standard execution is acknowledged only after its start is on disk, so the durable API cannot
beat the rate of SQLite commits with synchronous=FULL unless commits are grouped; measuring
that rate here lets docs/performance.md say which limit applies, with the figure.
"""

from __future__ import annotations

import json
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


def working_chain_floor(history: bool, states: int = 200, runs: int = 20, rounds: int = 7) -> float:
    """Transitions/s of a bare Python loop doing what the working chain's states do: copy the
    input (it may be shared) and set `n`; with `history`, also encode the output once and build
    the two event dicts a state writes. Same protocol as the engine: best of 7 rounds of 20."""
    # The fastest compact encoding Python has: the C encoder, built once.
    chunks = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, json.JSONEncoder().default, json.encoder.encode_basestring,  # type: ignore[attr-defined]
        None, ":", ",", False, False, True)

    def encode(value: object) -> str:
        return "".join(chunks(value, 0))

    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(runs):
            data: dict = {}
            text, events = "{}", []
            for i in range(states):
                data = data.copy()
                data["n"] = i
                if history:
                    out = encode(data)
                    events.append({"id": 2 * i + 2, "type": "PassStateEntered", "timestamp": 0.0,
                                   "stateEnteredEventDetails": {"name": "P", "input": text}})
                    events.append({"id": 2 * i + 3, "type": "PassStateExited", "timestamp": 0.0,
                                   "stateExitedEventDetails": {"name": "P", "output": out}})
                    text = out
        best = min(best, time.perf_counter() - began)
    return runs * states / best


def measure() -> dict:
    return {"sqlite_full_commits_per_s": round(commits_per_s()),
            "working_chain_floor_tps": round(working_chain_floor(False)),
            "working_chain_history_floor_tps": round(working_chain_floor(True))}
