"""`statewright serve` with granian instead of uvicorn, for bench/granian_ab.py (issue #19).

usage: .venv/bin/python bench/granian_serve.py --port PORT --data-dir DIR [--loop uvloop|rloop|asyncio]

The runtime is built as serve.py builds it with no template (Settings, RuntimeConfig, Runtime,
create_app) and served by granian's embedded server: one process, the ASGI app object passed
directly (the runtime's SQLite writer and engine thread live in this process, as under uvicorn),
ASGI lifespan on (it opens and closes the runtime), one Rust runtime thread, HTTP/1 only, no
websockets, no access log. SIGTERM/SIGINT stop it (the embedded server installs no handlers).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path


async def _serve(port: int, data_dir: str) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.server.embed import Server

    from statewright.edge import create_app
    from statewright.runtime import Runtime, RuntimeConfig
    from statewright.services.common.platform import Settings

    settings = Settings(data_dir=Path(data_dir), port=port)
    app = create_app(Runtime(RuntimeConfig(settings)))
    server = Server(app, address=settings.host, port=port, interface=Interfaces.ASGI,
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
    args = parser.parse_args()
    if args.loop == "uvloop":
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
