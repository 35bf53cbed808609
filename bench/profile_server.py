"""Samples the server with py-spy during the Standard 32-client load; prints where time goes.

usage: .venv/bin/python bench/profile_server.py [--express] [--gil]   (py-spy from bench/.peers/venv)

--gil samples only the thread holding the GIL: the server is one interpreter, so that is
where its CPU goes (without it, threads waiting in epoll or a queue count too).

py-spy rather than cProfile because the server's work is spread over threads (event loop,
engine, SQLite writer, request threads) and cProfile sees only one. Prints, per thread, its
share of on-CPU samples and its top functions by self samples (the innermost frame).
"""

from __future__ import annotations

import asyncio
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api  # noqa: E402

PY_SPY = HERE / ".peers" / "venv" / "bin" / "py-spy"
if not PY_SPY.exists():  # `pip install py-spy` into the project's venv does as well
    PY_SPY = HERE.parent / ".venv" / "bin" / "py-spy"


def _short(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:line)".
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    if "statewright/" in where:
        where = "statewright/" + where.split("statewright/", 2)[-1]
    else:
        where = where.rsplit("/", 1)[-1]
    return f"{where.rsplit(':', 1)[0]}:{name}"


def main() -> None:
    server = api.Server()
    try:
        server.start()
        express = "--express" in sys.argv[1:]  # profile StartSyncExecution, one client, instead
        machine = api._create(server.port, api.THREE_STATES, "EXPRESS" if express else "STANDARD")
        if express:
            asyncio.run(api._sync_load(server.port, machine, 500, "{}"))
        else:
            asyncio.run(api._standard_load(server.port, machine, 32, 200, 30))
        out = Path(tempfile.mkdtemp()) / "profile.txt"
        assert server.process is not None
        spy = subprocess.Popen([str(PY_SPY), "record", "--pid", str(server.process.pid),
                                "--threads", "--rate", "200", "--format", "raw",
                                *(["--gil"] if "--gil" in sys.argv[1:] else []),
                                "--output", str(out), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        load = (asyncio.run(api._sync_load(server.port, machine, 20_000, "{}")) if express
                else asyncio.run(api._standard_load(server.port, machine, 32, 3000, 20)))
        spy.send_signal(2)
        spy.wait(timeout=30)
    finally:
        server.stop()
    threads: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    self_by_thread: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        thread = frames[0].split(": ", 1)[-1].rstrip("0123456789-_ ") or "?"
        threads[thread] += int(count)
        self_by_thread[thread][_short(frames[-1])] += int(count)
        for frame in {_short(f) for f in frames[1:] if "statewright/" in f}:
            inclusive[frame] += int(count)
    total = sum(threads.values()) or 1
    ours = [(fn, round(c / total, 3)) for fn, c in inclusive.most_common(15)]
    print(json.dumps({"load": load, "threads": [
        {"thread": name, "share": round(n / total, 3),
         "top_self": [(fn, round(c / n, 3)) for fn, c in self_by_thread[name].most_common(8)]}
        for name, n in threads.most_common(8)], "statewright_inclusive": ours}, indent=1))


if __name__ == "__main__":
    main()
