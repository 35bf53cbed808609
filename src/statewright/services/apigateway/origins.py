"""Which API request started which execution.

- API Gateway's direct Step Functions integrations (REST `states:action/StartExecution|
  StartSyncExecution`, HTTP API `StepFunctions-StartExecution|StartSyncExecution`) record the
  request — API, stage, route, method and path, request id, time — against the execution it
  started. The records live in the store as resources of kind `executionOrigin` whose parent is
  the execution's ARN, so the link lasts exactly as long as the execution does.
- A Lambda function that an API request invoked and that starts an execution is traced the way
  X-Ray traces it: API Gateway hands the function an `X-Amzn-Trace-Id` whose root names the
  request (`trace_header`), the function's AWS SDK sends it on with StartExecution, and Step
  Functions keeps it as the execution's `traceHeader`. The requests that invoked functions are
  remembered by that root (the latest `RECENT_REQUESTS`), in memory and in the store as
  resources of kind `tracedRequest` whose parent is the root (written in batches of
  `WRITE_EVERY` and on close); the first lookup that links one to its execution stores it as that
  execution's `executionOrigin`, so the link then lasts as long as the execution, through restarts.

AWS shows these links only through X-Ray; the console reads them from
`GET /_statewright/execution-origin` (edge/origins.py).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
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
# The requests that invoked a Lambda function, by their trace root (parent).
TRACE_KIND = "tracedRequest"
# How many requests that invoked a Lambda function are remembered by their trace root.
RECENT_REQUESTS = 10_000
# Traced requests are written in batches of this many (and when the service closes): one write
# per request measured 15-25% off a Lambda proxy's requests/s here; a crash loses at most the
# links of the last batch.
WRITE_EVERY = 64


def request_of(call: Call) -> dict[str, Any]:
    """The request a direct integration passes along with its Step Functions call."""
    return {"apiId": call.api_id, "stage": call.stage, "routeKey": call.route_key,
            "resourcePath": call.resource_path, "httpMethod": call.request.method, "path": call.request.path,
            "requestId": call.request_id, "requestTimeEpoch": call.epoch_ms}


def trace_header(request: dict[str, Any]) -> str:
    """The X-Ray header API Gateway hands the Lambda function a request invokes (X-Ray's root
    format: `1-<epoch seconds, 8 hex>-<24 hex>`, here the request id's first 24 hex digits)."""
    digits = str(request["requestId"]).replace("-", "")[:24].ljust(24, "0")
    return f"Root=1-{int(request['requestTimeEpoch']) // 1000:08x}-{digits};Sampled=0"


def function_name(ref: str) -> str:
    """A function's name from its name or (qualified) ARN."""
    parts = ref.split(":")
    return parts[6] if len(parts) >= 7 and parts[5] == "function" else ref


def trace_root(header: str) -> str | None:
    """The `Root=` of an X-Ray header (`Root=1-…;Parent=…;Sampled=0`), or None."""
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "Root" and value:
            return value
    return None


class ExecutionOrigins:
    """The origins: `record` after a direct integration started an execution, `invoked` when a
    request invoked a Lambda function, `get` for the console. `store` is the runtime's store
    (statewright.store.Store); `region` names the traced requests' ARNs."""

    def __init__(self, store: Any, clock: Callable[[], float], recent: int = RECENT_REQUESTS,
                 region: str = "") -> None:
        self._store = store
        self._clock = clock
        # trace root -> (the stored record's ARN, the request); the same set as the store holds,
        # read from it on first use (None until then).
        self._recent: OrderedDict[str, tuple[str, dict[str, Any]]] | None = None
        self._recent_size = recent
        self._region = region
        self._lock = threading.Lock()
        self._unwritten: list[Resource] = []  # traced requests not yet written
        self._dropped: list[str] = []  # ARNs of stored traced requests beyond `recent`

    def record(self, execution_arn: str, request: dict[str, Any], api_name: str, protocol: str) -> Future[Any]:
        """Store `request` (from `request_of`) as the origin of `execution_arn`. The API request
        does not wait for the commit; a failure is logged (the execution itself already ran)."""
        body = {**request, "apiName": api_name, "protocol": protocol, "executionArn": execution_arn}
        arn = f"{_arn_prefix(execution_arn)}:{_request_path(request, protocol)}"
        resource = Resource(arn=arn, kind=ORIGIN_KIND, name=str(request["requestId"]), created=self._clock(),
                            parent=execution_arn, body=body, service="apigateway")
        future: Future[Any] = self._store.write(lambda tx: tx.put_resource(resource))
        future.add_done_callback(_log_failure)
        return future

    def invoked(self, request: dict[str, Any], api_name: str, protocol: str, function: str) -> str:
        """Remember that `request` invoked `function`; answers the trace header to hand it. The
        record is stored later (`flush`), never with the request waiting for it; the oldest
        beyond `recent` goes."""
        header = trace_header(request)
        root = trace_root(header) or header
        body = {**request, "apiName": api_name, "protocol": protocol, "functionName": function}
        arn = f"arn:aws:apigateway:{self._region}:{_request_path(request, protocol)}/trace"
        resource = Resource(arn=arn, kind=TRACE_KIND, name=root, created=self._clock(), parent=root, body=body,
                            service="apigateway")
        with self._lock:
            recent = self._loaded()
            recent[root] = (arn, body)
            recent.move_to_end(root)
            self._dropped += [recent.popitem(last=False)[1][0] for _ in range(len(recent) - self._recent_size)]
            self._unwritten.append(resource)
            full = len(self._unwritten) >= WRITE_EVERY
        if full:
            self.flush()
        return header

    def flush(self) -> Future[Any] | None:
        """Write the traced requests not yet stored (and delete those dropped) in one write."""
        with self._lock:
            unwritten, dropped = self._unwritten, self._dropped
            self._unwritten, self._dropped = [], []
        if not unwritten and not dropped:
            return None
        gone = set(dropped)

        def write(tx: Any) -> None:
            for resource in unwritten:
                if resource.arn not in gone:  # dropped before it was ever written
                    tx.put_resource(resource)
            for arn in gone:
                tx.delete_resource(arn)

        future: Future[Any] = self._store.write(write)
        future.add_done_callback(_log_failure)
        return future

    def close(self, timeout: float = 10.0) -> None:
        """Write what is left (the service is closing; the store still runs)."""
        future = self.flush()
        if future is not None:
            try:
                future.result(timeout)
            except Exception:  # noqa: BLE001 - logged by _log_failure; closing goes on
                pass

    def get(self, execution_arn: str, trace: str | None = None) -> dict[str, Any] | None:
        """The request that started `execution_arn`: recorded by a direct integration, or the
        request whose function started it (`trace`: the execution's traceHeader); else None."""
        found = self._store.list_resources(ORIGIN_KIND, execution_arn, service="apigateway", limit=1)
        if found:
            return dict(found[0].body)
        root = trace_root(trace) if trace else None
        if root is None:
            return None
        with self._lock:
            entry = self._loaded().get(root)
        if entry is None:
            return None
        request = {key: value for key, value in entry[1].items() if key not in ("apiName", "protocol")}
        self.record(execution_arn, request, str(entry[1].get("apiName", "")), str(entry[1].get("protocol", "")))
        return {**entry[1], "executionArn": execution_arn}

    def _loaded(self) -> OrderedDict[str, tuple[str, dict[str, Any]]]:
        """The remembered requests, read from the store the first time (call with the lock held)."""
        if self._recent is None:
            stored = self._store.list_resources(TRACE_KIND, service="apigateway")
            self._recent = OrderedDict((r.name, (r.arn, dict(r.body))) for r in stored[-self._recent_size:])
        return self._recent


def _request_path(request: dict[str, Any], protocol: str) -> str:
    """`:/restapis|apis/<api>/stages/<stage>/requests/<request id>`: where a request's record lives."""
    collection = "apis" if protocol == "HTTP" else "restapis"
    return f":/{collection}/{request['apiId']}/stages/{request['stage']}/requests/{request['requestId']}"


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
