"""`GET /_statewright/execution-origin?executionArn=<ARN>`: the API request that started an
execution through an API Gateway direct integration (services/apigateway/origins.py), for the
console's execution page. Not an AWS API: AWS shows this link only through X-Ray traces.

The answer is `{"origin": {...}}`, with `origin` null when the execution was not started by an
API request (or the server has no API Gateway), so the console needs no error handling for the
common case.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from statewright.runtime import Runtime

ORIGIN_PATH = "/_statewright/execution-origin"


def origin_route(runtime: Runtime) -> Route:
    async def origin(request: Request) -> Response:
        arn = request.query_params.get("executionArn", "")
        if not arn.startswith("arn:"):
            return JSONResponse({"__type": "ValidationException",
                                 "message": "executionArn: give the ARN of an execution (?executionArn=arn:...)"},
                                status_code=400)
        gateway: Any = runtime.services.get("apigateway")
        lookup = getattr(gateway, "execution_origin", None)
        found = await run_in_threadpool(lookup, arn) if lookup is not None else None
        return JSONResponse({"origin": found})

    return Route(ORIGIN_PATH, origin, methods=["GET"])
