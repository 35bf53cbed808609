"""uvicorn against granian under the real app: the two API targets of issue #19 (bench/api_ab.py's
measures), alternating fresh servers of each side in this one process tree.

usage: .venv/bin/python bench/granian_ab.py [ROUNDS] [SIDES]
  SIDES: comma-separated, from uvicorn (`statewright serve`), granian (bench/granian_serve.py,
  embedded, uvloop), granian-rloop (same, granian's own loop), granian-mp (granian's supervisor
  and one worker process, uvloop). Default: uvicorn,granian.

Besides api_ab.py's numbers it reads, from /proc, the server's CPU per Standard execution in all
and in its main thread alone: the thread that runs the event loop, where the HTTP server's Python
side, the edge and the services run (the GIL-bound part); granian's Rust runtime thread is
counted in the total.

Needs granian and rloop in .venv (`.venv/bin/pip install granian rloop`): bench-only, not
project dependencies (bench/notes.md has the results and why granian was not adopted).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api  # noqa: E402

PYTHON = str(HERE.parent / ".venv" / "bin" / "python")


class SideServer(api.Server):
    """api.Server started by the side's command (the same arguments as `statewright serve`)."""

    def __init__(self, side: str) -> None:
        super().__init__()
        self.side = side

    def start(self) -> float:
        command = [api.STATEWRIGHT, "serve"]
        if self.side.startswith("granian"):
            loop = "rloop" if self.side == "granian-rloop" else "uvloop"
            mode = "mp" if self.side == "granian-mp" else "embed"
            command = [PYTHON, str(HERE / "granian_serve.py"), "--loop", loop, "--mode", mode]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--data-dir", str(self.data_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.perf_counter() - started < 60:
            try:
                asyncio.run(api._call_once(self.port, "ListStateMachines", {}))
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"{self.side} did not answer within 60 s")

    def _pids(self) -> list[int]:
        """The server process, then its descendants (granian-mp's worker is a child)."""
        assert self.process is not None
        pids, index = [self.process.pid], 0
        while index < len(pids):
            current = pids[index]
            children = Path(f"/proc/{current}/task/{current}/children")
            pids += [int(child) for child in children.read_text().split()] if children.exists() else []
            index += 1
        return pids

    def cpu_s(self) -> float:
        """CPU seconds of the server and its descendants."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self._pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def main_thread_cpu_s(self) -> tuple[float, float]:
        """User and system CPU seconds of the main thread (the event loop's) of the process that
        serves: the server, or granian-mp's worker."""
        pid = self._pids()[-1] if self.side == "granian-mp" else self._pids()[0]
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick


def _sample(side: str) -> dict:
    server = SideServer(side)
    try:
        server.start()
        standard = api._create(server.port, api.THREE_STATES)
        asyncio.run(api._standard_load(server.port, standard, 32, 200, 30))  # warm-up
        cpu_before, main_before = server.cpu_s(), server.main_thread_cpu_s()
        load = asyncio.run(api._standard_load(server.port, standard, 32, 2000, 30))
        main_after = server.main_thread_cpu_s()
        cpu = server.cpu_s() - cpu_before
        user, system = main_after[0] - main_before[0], main_after[1] - main_before[1]
        express = api._create(server.port, api.THREE_STATES, "EXPRESS")
        asyncio.run(api._sync_load(server.port, express, 200, "{}"))  # warm-up
        sync = asyncio.run(api._sync_load(server.port, express, 2000, "{}"))
        floor = asyncio.run(api._floor_ms(server.port, 1000))
    finally:
        server.stop()
    executions = max(1, load["executions"])
    return {"side": side, "standard_per_s": round(load["executions_per_s"]),
            "standard_p50_ms": round(load["p50_ms"], 2), "standard_failed": load["failures"],
            "cpu_ms_per_execution": round(cpu * 1e3 / executions, 3),
            "main_thread_cpu_ms_per_execution": round((user + system) * 1e3 / executions, 3),
            "main_thread_user_ms_per_execution": round(user * 1e3 / executions, 3),
            "main_thread_system_ms_per_execution": round(system * 1e3 / executions, 3),
            "server_cores_busy": round(cpu / load["elapsed_s"], 2),
            "express_p50_ms": round(sync["p50_ms"], 3), "express_p99_ms": round(sync["p99_ms"], 3),
            "floor_p50_ms": round(floor, 3)}


KEYS = ("standard_per_s", "cpu_ms_per_execution", "main_thread_cpu_ms_per_execution",
        "main_thread_user_ms_per_execution", "main_thread_system_ms_per_execution",
        "server_cores_busy", "express_p50_ms", "floor_p50_ms")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sides = sys.argv[2].split(",") if len(sys.argv) > 2 else ["uvicorn", "granian"]
    samples = []
    for _ in range(rounds):
        for side in sides:
            sample = _sample(side)
            print(json.dumps(sample), flush=True)
            samples.append(sample)
    for side in sides:
        mine = [s for s in samples if s["side"] == side]
        print(json.dumps({"side": side, "median": {key: statistics.median(s[key] for s in mine)
                                                   for key in KEYS}}))


if __name__ == "__main__":
    main()
