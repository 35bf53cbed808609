"""Which API request started which execution.

API Gateway's direct Step Functions integrations (REST `states:action/StartExecution|
StartSyncExecution`, HTTP API `StepFunctions-StartExecution|StartSyncExecution`) record the
request — API, stage, route, method and path, request id, time — against the execution it
started, so the console can link an execution to the call that started it. AWS shows this link
only through X-Ray traces; Statewright keeps it as a record of its own, read by the console
through `GET /_statewright/execution-origin` (edge/origins.py).

The records live in the store as resources of kind `executionOrigin` whose parent is the
execution's ARN, so the link survives a restart exactly as long as the execution does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from statewright.store import Resource

from .events import Call

log = logging.getLogger(__name__)

ORIGIN_KIND = "executionOrigin"
# The key in `RequestContext.extra` under which a direct integration hands its request to the
# Step Functions call (ApiGatewayService._call_states records it once the execution exists).
CONTEXT_KEY = "apigatewayRequest"


def request_of(call: Call) -> dict[str, Any]:
    """The request a direct integration passes along with its Step Functions call."""
    return {"apiId": call.api_id, "stage": call.stage, "routeKey": call.route_key,
            "resourcePath": call.resource_path, "httpMethod": call.request.method, "path": call.request.path,
            "requestId": call.request_id, "requestTimeEpoch": call.epoch_ms}


class ExecutionOrigins:
    """The stored origins: `record` after an integration started an execution, `get` for the
    console. `store` is the runtime's store (statewright.store.Store)."""

    def __init__(self, store: Any, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    def record(self, execution_arn: str, request: dict[str, Any], api_name: str, protocol: str) -> Future[Any]:
        """Store `request` (from `request_of`) as the origin of `execution_arn`. The API request
        does not wait for the commit; a failure is logged (the execution itself already ran)."""
        body = {**request, "apiName": api_name, "protocol": protocol, "executionArn": execution_arn}
        collection = "apis" if protocol == "HTTP" else "restapis"
        arn = f"{_arn_prefix(execution_arn)}::/{collection}/{request['apiId']}/stages/{request['stage']}" \
              f"/requests/{request['requestId']}"
        resource = Resource(arn=arn, kind=ORIGIN_KIND, name=str(request["requestId"]), created=self._clock(),
                            parent=execution_arn, body=body, service="apigateway")
        future: Future[Any] = self._store.write(lambda tx: tx.put_resource(resource))
        future.add_done_callback(_log_failure)
        return future

    def get(self, execution_arn: str) -> dict[str, Any] | None:
        """The request that started `execution_arn`, or None (not started through an API)."""
        found = self._store.list_resources(ORIGIN_KIND, execution_arn, service="apigateway", limit=1)
        return dict(found[0].body) if found else None


def _arn_prefix(execution_arn: str) -> str:
    """`arn:<partition>:apigateway:<region>` for the execution's partition and region."""
    parts = execution_arn.split(":")
    partition = parts[1] if len(parts) > 3 else "aws"
    region = parts[3] if len(parts) > 3 else ""
    return f"arn:{partition}:apigateway:{region}"


def _log_failure(future: Future[Any]) -> None:
    if future.cancelled():  # the store closed first (the server is stopping)
        return
    error = future.exception()
    if error is not None:
        log.warning("could not record the API request that started an execution: %s", error)
