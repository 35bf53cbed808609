"""`POST /_statewright/reset`: back to an empty server between tests, without a restart.

Without a query the whole runtime is closed (running executions stop, Lambda workers end), its
data directory emptied and the runtime opened again (the template, if any, applied afresh).
`?service=stepfunctions` stops the running Standard executions and deletes every state machine,
activity, execution and history, leaving the other services as they are. The answer comes once
all of that is done.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from statewright.runtime import Runtime

RESET_PATH = "/_statewright/reset"
STOP_SECONDS = 30.0
_JOURNAL = ("history", "checkpoints", "tasks", "timers", "executions")
# Services that can be reset alone, and how.
_SERVICE_RESETS: dict[str, Callable[[Runtime], None]] = {}


def reset_all(runtime: Runtime) -> None:
    """Close the runtime, empty its data directory and open it again."""
    runtime.close()
    data_dir = Path(runtime.settings.data_dir)
    if data_dir.is_dir():
        for entry in data_dir.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    runtime.open()


def reset_stepfunctions(runtime: Runtime) -> None:
    """Stop running Standard executions, then delete Step Functions' resources and journal."""
    store, engine = runtime.store, runtime.engine
    if store is None or engine is None:
        return
    for record in store.running_executions():
        engine.stop_execution(record.arn, "Statewright.Reset", "The server was reset").result(STOP_SECONDS)

    def wipe(tx: Any) -> None:
        for table in _JOURNAL:
            tx.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the constant above
        tx.execute("DELETE FROM tags WHERE arn IN (SELECT arn FROM resources WHERE service = 'states')")
        tx.execute("DELETE FROM resources WHERE service = 'states'")
        # The API requests that started the executions (services/apigateway/origins.py) go with them.
        tx.execute("DELETE FROM resources WHERE service = 'apigateway' AND kind = 'executionOrigin'")

    store.write(wipe).result(STOP_SECONDS)


_SERVICE_RESETS["stepfunctions"] = reset_stepfunctions


def reset_route(runtime: Runtime) -> Route:
    async def reset(request: Request) -> Response:
        service = request.query_params.get("service")
        if service is None:
            await run_in_threadpool(reset_all, runtime)
            return JSONResponse({"reset": "all"})
        action = _SERVICE_RESETS.get(service)
        if action is None:
            return JSONResponse({"__type": "ValidationException",
                                 "message": f"Statewright cannot reset the service '{service}' alone; services that "
                                            f"can: {', '.join(sorted(_SERVICE_RESETS))} (or reset all without "
                                            "?service)"}, status_code=400)
        await run_in_threadpool(action, runtime)
        return JSONResponse({"reset": service})

    return Route(RESET_PATH, reset, methods=["POST"])
