"""The local Lambda service: the functions it knows, their warm workers, and invoking them.
The API operations live in `api.py`; this class is also the `FunctionInvoker` the Step Functions
integrations and API Gateway call."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from statewright.services.common import AwsError, InvokeResult, RequestContext

from . import api
from .code import CodeWatch, directory_digest
from .events import FAILED, SUCCEEDED, THROTTLED, EventQueue
from .invoker import Environment, Function, Invoker
from .names import FunctionRef, not_found, parse_function
from .persistence import FunctionStore
from .pool import WorkerPool
from .runtimes import Runtimes
from .types import FunctionConfig, LogSink

log = logging.getLogger(__name__)

# Lambda's default account concurrency: a bound on local worker processes too.
ACCOUNT_CONCURRENCY = 1000
IDLE_SECONDS = 300.0
# Environment variables a worker inherits from the server (Lambda's environment is otherwise clean).
PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "SSL_CERT_FILE", "PYENV_ROOT")


def _discard_logs(function_name: str, stream: str, lines: list[str], log_group: str | None = None) -> None:
    del function_name, stream, lines, log_group


class LambdaService:
    """AWS Lambda for one server: functions from the template (`put_function`) and from the
    API (`CreateFunction`, kept under `<data_dir>/lambda/`)."""

    name = "lambda"

    def __init__(self, data_dir: Path, endpoint: str, region: str = "us-east-1",
                 account: str = "123456789012", *, time_scale: float = 1.0,
                 log_sink: LogSink | None = None, new_id: Callable[[], str] | None = None,
                 idle_seconds: float = IDLE_SECONDS, account_concurrency: int = ACCOUNT_CONCURRENCY) -> None:
        self.data_dir = Path(data_dir) / "lambda"
        self.region = region
        self.account = account
        self.idle_seconds = idle_seconds
        self.account_concurrency = account_concurrency
        self.store = FunctionStore(self.data_dir / "functions")
        passthrough = {k: os.environ[k] for k in PASSTHROUGH if k in os.environ}
        self.invoker = Invoker(Runtimes(self.data_dir), Environment(region, endpoint, passthrough),
                               log_sink or _discard_logs, new_id or (lambda: str(uuid.uuid4())))
        self.events = EventQueue(time_scale)
        self._functions: dict[str, Function] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None
        for record in self.store.load_all():
            try:
                self._define(FunctionConfig.from_json(record["config"]), persisted=True, meta=record)
            except (KeyError, TypeError, ValueError) as e:
                log.warning("Skipping a stored Lambda function: %s", e)

    def set_log_sink(self, sink: LogSink) -> None:
        """Where invocation logs go from now on (CloudWatch Logs, once the runtime has it)."""
        self.invoker.log_sink = sink

    # --- definitions -------------------------------------------------------------------------------

    def put_function(self, config: FunctionConfig) -> None:
        """Define (or redefine) a function from the template; its warm workers are recycled.
        The template owns the name from now on: an API-made function of that name is forgotten."""
        self._define(config, persisted=False)
        self.store.delete(config.name)

    def remove_function(self, name: str) -> None:
        with self._lock:
            function = self._functions.pop(name, None)
        if function is None:
            return
        function.pool.retire()
        if function.persisted:
            self.store.delete(name)

    def function_names(self) -> list[str]:
        with self._lock:
            return sorted(self._functions)

    def _define(self, config: FunctionConfig, *, persisted: bool, meta: dict[str, Any] | None = None) -> Function:
        sha, size = (meta["code_sha256"], meta["code_size"]) if meta and "code_sha256" in meta \
            else directory_digest(config.code_dir)
        pool = WorkerPool(self.invoker.spawner(lambda: config), config.reserved_concurrency,
                          self.account_concurrency)
        arn = f"arn:aws:lambda:{self.region}:{self.account}:function:{config.name}"
        function = Function(config, arn, pool, CodeWatch([config.code_dir, *config.layers]), sha, size,
                            (meta or {}).get("last_modified") or api.timestamp(),
                            (meta or {}).get("revision_id") or str(uuid.uuid4()), persisted)
        with self._lock:
            old = self._functions.get(config.name)
            self._functions[config.name] = function
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="lambda-reaper", daemon=True)
                self._reaper.start()
        if old is not None:
            old.pool.retire()
        if persisted:
            self.save(function)
        return function

    def save(self, function: Function) -> None:
        self.store.save(function.config.name, {
            "config": function.config.to_json(), "code_sha256": function.code_sha256,
            "code_size": function.code_size, "last_modified": function.last_modified,
            "revision_id": function.revision_id})

    def lookup(self, ref: FunctionRef) -> Function:
        """The function a request names; ResourceNotFoundException as Lambda words it."""
        with self._lock:
            function = self._functions.get(ref.name)
        if (function is None or ref.account != self.account or ref.region != self.region
                or ref.qualifier not in (None, "$LATEST")):
            raise not_found(ref.arn(ref.qualifier))
        return function

    def lookup_name(self, name: str) -> Function:
        with self._lock:
            function = self._functions.get(name)
        if function is None:
            raise not_found(f"arn:aws:lambda:{self.region}:{self.account}:function:{name}")
        return function

    def all_functions(self) -> list[Function]:
        with self._lock:
            return [self._functions[name] for name in sorted(self._functions)]

    def define(self, config: FunctionConfig, *, persisted: bool, meta: dict[str, Any]) -> Function:
        """Define a function made through the API (`meta`: its code digest, size, timestamps)."""
        return self._define(config, persisted=persisted, meta=meta)

    # --- invoking --------------------------------------------------------------------------------

    def invoke(self, function: str, payload: bytes, context: RequestContext, *,
               qualifier: str | None = None, invocation_type: str = "RequestResponse",
               log_tail: bool = False, client_context: str | None = None) -> InvokeResult:
        """Run a function (the `FunctionInvoker` contract)."""
        ref = parse_function(function, context, max_length=170)
        if qualifier is not None and ref.qualifier is not None and qualifier != ref.qualifier:
            raise AwsError("InvalidParameterValueException",
                           "The derived qualifier from the function name does not match the specified "
                           "qualifier.", 400)
        target = self.lookup(FunctionRef(ref.name, qualifier or ref.qualifier, ref.region, ref.account,
                                         ref.partition))
        if invocation_type == "DryRun":
            return InvokeResult(204, b"")
        trace = context.extra.get("traceHeader")
        trace_header = trace if isinstance(trace, str) and trace else None
        if invocation_type == "Event":
            request_id = self.invoker.new_id()  # retries keep it, as on Lambda

            def attempt() -> str:
                with self._lock:
                    current = self._functions.get(target.config.name)
                if current is None:
                    return SUCCEEDED  # deleted meanwhile: nothing left to run
                try:
                    result = self.invoker.run(current, payload, request_id=request_id, trace_header=trace_header)
                except AwsError as e:
                    return THROTTLED if e.code == "TooManyRequestsException" else FAILED
                return FAILED if result.function_error else SUCCEEDED
            self.events.submit(attempt, target.config.maximum_retry_attempts)
            return InvokeResult(202, b"")
        if invocation_type != "RequestResponse":
            raise AwsError("InvalidParameterValueException",
                           f"1 validation error detected: Value '{invocation_type}' at 'invocationType' failed "
                           "to satisfy constraint: Member must satisfy enum value set: "
                           "[Event, RequestResponse, DryRun]", 400)
        return self.invoker.run(target, payload, log_tail=log_tail, client_context=client_context,
                                trace_header=trace_header)

    # --- the Service contract ----------------------------------------------------------------------

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        handler = api.OPERATIONS.get(operation)
        if handler is None:
            raise AwsError("InvalidParameterValueException",
                           f"Statewright does not implement the Lambda operation '{operation}'", 400)
        return handler(self, input, context)

    def is_long(self, operation: str) -> bool:
        return operation == "Invoke"

    def _reap(self) -> None:
        interval = max(0.05, min(30.0, self.idle_seconds / 4))
        while not self._stop.wait(interval):
            for function in self.all_functions():
                function.pool.reap(self.idle_seconds)

    def close(self) -> None:
        """Stop every worker and background thread."""
        self._stop.set()
        with self._lock:
            functions = list(self._functions.values())
            reaper, self._reaper = self._reaper, None
        for function in functions:
            function.pool.close()
        self.events.close()
        if reaper is not None:
            reaper.join()

