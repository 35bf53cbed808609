"""Before/after of the two API targets of issue #19, alternating servers built from two source trees.

usage: .venv/bin/python bench/api_ab.py BASE_SRC [ROUNDS]
  BASE_SRC: a `src` directory of the code to compare against (for example
  `git archive <commit> src | tar -x -C /tmp/base`, then /tmp/base/src); the branch is this tree.

Each round starts a fresh server of each side (base, branch, base, branch, ...) in this one
process tree, so both see the same machine load, and measures the Standard 3-state load
(32 clients, StartExecution then DescribeExecution until it ends) and the Express
StartSyncExecution latency of the 3-state machine (one client) beside its floor (a request
the server refuses at once). Prints one JSON line per sample and the medians per side.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api  # noqa: E402


def _sample(side: str, src: str | None) -> dict:
    env = {"PYTHONPATH": src} if src else None
    server = api.Server(env)
    try:
        server.start()
        standard = api._create(server.port, api.THREE_STATES)
        asyncio.run(api._standard_load(server.port, standard, 32, 200, 30))  # warm-up
        cpu_before = server.cpu_s()
        load = asyncio.run(api._standard_load(server.port, standard, 32, 2000, 30))
        busy = (server.cpu_s() - cpu_before) / load["elapsed_s"]
        express = api._create(server.port, api.THREE_STATES, "EXPRESS")
        asyncio.run(api._sync_load(server.port, express, 200, "{}"))  # warm-up
        sync = asyncio.run(api._sync_load(server.port, express, 2000, "{}"))
        floor = asyncio.run(api._floor_ms(server.port, 1000))
    finally:
        server.stop()
    return {"side": side, "standard_per_s": round(load["executions_per_s"]),
            "standard_p50_ms": round(load["p50_ms"], 2), "standard_p99_ms": round(load["p99_ms"], 2),
            "standard_failed": load["failures"],
            "server_cores_busy": round(busy, 2), "express_p50_ms": round(sync["p50_ms"], 3),
            "express_p99_ms": round(sync["p99_ms"], 3), "floor_p50_ms": round(floor, 3)}


def main() -> None:
    base_src = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    samples = []
    for _ in range(rounds):
        for side, src in (("base", base_src), ("branch", None)):
            sample = _sample(side, src)
            print(json.dumps(sample), flush=True)
            samples.append(sample)
    for side in ("base", "branch"):
        mine = [s for s in samples if s["side"] == side]
        print(json.dumps({"side": side, "median": {
            key: statistics.median(s[key] for s in mine)
            for key in ("standard_per_s", "server_cores_busy", "express_p50_ms", "floor_p50_ms")}}))


if __name__ == "__main__":
    main()
