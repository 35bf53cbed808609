"""The HTTP server alone: a minimal ASGI app under uvicorn and under granian (issue #19).

usage: .venv/bin/python bench/http_servers.py [ROUNDS] [REQUESTS]
       .venv/bin/python bench/http_servers.py serve SERVER PORT   (what each sample starts)

The app answers every POST with a fixed AWS JSON body after reading the request body, so the
numbers are the server's own per-request cost: HTTP parsing, the ASGI scope/receive/send glue,
the per-request task, writes. Each round starts a fresh server process of every configuration
(in turn, so all see the same machine load), drives it with 32 keep-alive clients (the raw
client of awsjson.py, in this process), and reads the CPU time of the server's process tree
from /proc (granian's supervisor plus its worker). Prints one JSON line per sample and the
medians per configuration.

Needs granian and rloop in .venv (`.venv/bin/pip install granian rloop`): bench-only, not
project dependencies (bench/notes.md says why granian was not adopted).
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from awsjson import Connection  # noqa: E402
from ports import free_port  # noqa: E402

BODY = json.dumps({"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:x",
                   "startDate": 1.7e9}).encode()
HEADERS = [(b"content-type", b"application/x-amz-json-1.0"),
           (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the whole body, answers a fixed JSON document; the lifespan is accepted."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


# name -> how `serve` runs it. uvicorn as `statewright serve` runs it (uvloop + httptools, no
# access log); granian with one worker, one runtime thread and its single-threaded runtime.
CONFIGS = {
    "uvicorn": {},
    "granian": {"loop": "uvloop"},
    "granian-rloop": {"loop": "rloop"},
    "granian-rust-tasks": {"loop": "uvloop", "task_impl": "rust"},
    "granian-embed": {"embed": True},
}


def serve(name: str, port: int) -> None:
    options = dict(CONFIGS[name])
    if name == "uvicorn":
        import uvicorn

        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", loop="uvloop",
                    http="httptools", access_log=False)
        return
    from granian.constants import Interfaces

    common = {"address": "127.0.0.1", "port": port, "interface": Interfaces.ASGI,
              "log_access": False, "log_level": "warning", "runtime_threads": 1,
              "websockets": False, "http": "1"}
    if options.pop("embed", False):
        import uvloop
        from granian.server.embed import Server

        uvloop.run(Server(app, **common).serve())
        return
    from granian import Granian

    Granian("http_servers:app", workers=1, runtime_mode="st", **common, **options).serve()


def _cpu_s(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(pid: int) -> tuple[float, float]:
    """User + system CPU seconds of a process and its descendants (granian's worker is a child),
    and of the Python thread that runs the event loop: the main thread of the deepest process
    (the server itself, or granian's worker), the one the GIL binds."""
    total, loop_thread = 0.0, 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            total += _cpu_s(Path(f"/proc/{current}/stat"))
            if not children:
                loop_thread = _cpu_s(Path(f"/proc/{current}/task/{current}/stat"))
        except FileNotFoundError:
            continue
        pids += [int(child) for child in children]
    return total, loop_thread


async def _load(port: int, clients: int, total: int) -> tuple[int, float]:
    remaining = [total]
    done = [0]
    payload = {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "input": "{}"}

    async def client() -> None:
        connection = Connection("127.0.0.1", port)
        while remaining[0] > 0:
            remaining[0] -= 1
            await connection.call("StartExecution", payload)
            done[0] += 1
        await connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done[0], time.perf_counter() - began


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            asyncio.run(_load(port, 1, 1))
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not answer within 30 s")


def sample(name: str, requests: int) -> dict[str, Any]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "serve", name, str(port)],
                               env={**os.environ, "PYTHONPATH": str(HERE)})
    try:
        _wait_ready(port)
        asyncio.run(_load(port, 32, 2000))  # warm-up
        cpu_before, loop_before = _tree_cpu_s(process.pid)
        done, elapsed = asyncio.run(_load(port, 32, requests))
        cpu_after, loop_after = _tree_cpu_s(process.pid)
        cpu, loop_cpu = cpu_after - cpu_before, loop_after - loop_before
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {"server": name, "requests_per_s": round(done / elapsed),
            "server_cpu_us_per_request": round(cpu * 1e6 / done, 1),
            "loop_thread_cpu_us_per_request": round(loop_cpu * 1e6 / done, 1),
            "server_cores_busy": round(cpu / elapsed, 2)}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    names = [name for name in CONFIGS if name in os.environ.get("SERVERS", ",".join(CONFIGS)).split(",")]
    samples = []
    for _ in range(rounds):
        for name in names:
            result = sample(name, requests)
            print(json.dumps(result), flush=True)
            samples.append(result)
    for name in names:
        mine = [s for s in samples if s["server"] == name]
        print(json.dumps({"server": name, "median": {
            key: statistics.median(s[key] for s in mine)
            for key in ("requests_per_s", "server_cpu_us_per_request", "loop_thread_cpu_us_per_request",
                        "server_cores_busy")}}))


if __name__ == "__main__":
    main()
