"""`statewright serve` with granian instead of uvicorn, for bench/granian_ab.py (issue #19).

usage: .venv/bin/python bench/granian_serve.py --port PORT --data-dir DIR [--loop uvloop|rloop|asyncio]
                                               [--mode embed|mp]

The runtime is built as serve.py builds it with no template (Settings, RuntimeConfig, Runtime,
create_app) and served by granian's embedded server: one process, the ASGI app object passed
directly (the runtime's SQLite writer and engine thread live in this process, as under uvicorn),
ASGI lifespan on (it opens and closes the runtime), one Rust runtime thread, HTTP/1 only, no
websockets, no access log. SIGTERM/SIGINT stop it (the embedded server installs no handlers).
`--mode mp` runs granian's usual server instead: a supervisor process and ONE worker process
that builds the app from `app_factory` (the runtime lives in the worker), single-threaded Rust
runtime.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path
from typing import Any

PORT_ENV, DATA_DIR_ENV = "BENCH_GRANIAN_PORT", "BENCH_GRANIAN_DATA_DIR"


def _app(port: int, data_dir: str) -> Any:
    from statewright.edge import create_app
    from statewright.runtime import Runtime, RuntimeConfig
    from statewright.services.common.platform import Settings

    return create_app(Runtime(RuntimeConfig(Settings(data_dir=Path(data_dir), port=port))))


def app_factory() -> Any:
    """--mode mp: granian's worker process builds the app (and so the runtime) from here."""
    return _app(int(os.environ[PORT_ENV]), os.environ[DATA_DIR_ENV])


def _serve_mp(port: int, data_dir: str, loop: str) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces

    os.environ.update({PORT_ENV: str(port), DATA_DIR_ENV: data_dir})
    Granian("granian_serve:app_factory", factory=True, address="127.0.0.1", port=port,
            interface=Interfaces.ASGI, workers=1, runtime_threads=1, runtime_mode="st", loop=loop,
            http=HTTPModes.http1, websockets=False, log_access=False, log_level="warning",
            working_dir=Path(__file__).resolve().parent).serve()


async def _serve(port: int, data_dir: str) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.server.embed import Server

    server = Server(_app(port, data_dir), address="127.0.0.1", port=port, interface=Interfaces.ASGI,
                    runtime_threads=1, http=HTTPModes.http1, websockets=False,
                    log_access=False, log_level="warning")
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server.stop)
    await server.serve()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--loop", default="uvloop", choices=("uvloop", "rloop", "asyncio"))
    parser.add_argument("--mode", default="embed", choices=("embed", "mp"))
    args = parser.parse_args()
    if args.mode == "mp":
        _serve_mp(args.port, args.data_dir, args.loop)
    elif args.loop == "uvloop":
        import uvloop

        uvloop.run(_serve(args.port, args.data_dir))
    elif args.loop == "rloop":
        import rloop

        asyncio.set_event_loop_policy(rloop.EventLoopPolicy())
        asyncio.run(_serve(args.port, args.data_dir))
    else:
        asyncio.run(_serve(args.port, args.data_dir))


if __name__ == "__main__":
    main()
