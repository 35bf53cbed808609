"""CPU of the edge and protocol path for one AWS JSON request, without sockets or uvicorn.

usage: .venv/bin/python bench/edge_asgi.py [TARGET] [CALLS] [--profile]
  TARGET: an X-Amz-Target (default `AWSStepFunctions.NoSuchAction`: refused by the protocol, so
  no service work, only the edge's); CALLS: how many (default 5000).

Drives the app's ASGI callable directly with a signed-looking `POST /` and prints CPU-µs per
request (process time, so other load on the machine inflates it less than wall time).
`--profile` adds cProfile's top functions by self time. Compare trees with
`PYTHONPATH=<other>/src .venv/bin/python bench/edge_asgi.py`.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from statewright.edge import create_app
from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common.platform import Settings

AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=test/20261130/us-east-1/states/aws4_request, "
                 "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def _scope(target: str) -> dict[str, Any]:
    headers = {"host": "127.0.0.1:4566", "accept-encoding": "identity", "x-amz-target": target,
               "content-type": "application/x-amz-json-1.0", "user-agent": "Boto3/1.35 md/Botocore#1.35",
               "x-amz-date": "20261130T120000Z", "authorization": AUTHORIZATION, "content-length": "2"}
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "",
            "server": ("127.0.0.1", 4566), "client": ("127.0.0.1", 50000),
            "headers": [(name.encode(), value.encode()) for name, value in headers.items()]}


async def _call(app: Any, target: str) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    await app(_scope(target), receive, send)


async def _measure(target: str, calls: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        runtime = Runtime(RuntimeConfig(Settings(data_dir=Path(data_dir))))
        app = create_app(runtime)
        runtime.open()
        try:
            for _ in range(200):  # warm: models loaded, routes known
                await _call(app, target)
            profiler = cProfile.Profile() if profile else None
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            for _ in range(calls):
                await _call(app, target)
            if profiler is not None:
                profiler.disable()
            print(f"{target}: {(time.process_time() - started) / calls * 1e6:.1f} CPU-µs per request")
            if profiler is not None:
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        finally:
            runtime.close()


def main(argv: list[str]) -> None:
    args = [arg for arg in argv if not arg.startswith("--")]
    target = args[0] if args else "AWSStepFunctions.NoSuchAction"
    calls = int(args[1]) if len(args) > 1 else 5000
    asyncio.run(_measure(target, calls, "--profile" in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
