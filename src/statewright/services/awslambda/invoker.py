"""Running one invocation of a defined function: pick a warm worker (or start one), hand it the
event, turn what happened into Lambda's answer, write the invocation's log."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from statewright.services.common import AwsError, InvokeResult

from . import json_logs, logs
from .code import CodeWatch
from .pool import Throttled, WorkerPool
from .runtimes import Runtimes, RuntimeUnavailable
from .types import FunctionConfig, Invocation, LogSink, Outcome
from .worker import Worker, WorkerExited, WorkerTimeout, exit_reason

log = logging.getLogger(__name__)

# A synchronous invocation's response may be at most 6 MB.
MAX_RESPONSE = 6 * 1024 * 1024

# The credentials a handler's SDK signs with: any key works against the local server.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "ASIASTATEWRIGHTLOCAL", "AWS_SECRET_ACCESS_KEY": "statewright-local",
                     "AWS_SESSION_TOKEN": "statewright-local-session"}


@dataclass
class Function:
    """A defined function and its running state."""

    config: FunctionConfig
    arn: str
    pool: WorkerPool
    watch: CodeWatch
    code_sha256: str
    code_size: int
    last_modified: str
    revision_id: str
    persisted: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Environment:
    """What every worker's environment shares: the server's region, endpoint and data dir."""

    region: str
    endpoint: str
    passthrough: dict[str, str]


class Invoker:
    """Starts workers for functions and runs invocations on them."""

    def __init__(self, runtimes: Runtimes, environment: Environment, log_sink: LogSink,
                 new_id: Callable[[], str]) -> None:
        self.runtimes = runtimes
        self.environment = environment
        self.log_sink = log_sink
        self.new_id = new_id

    def spawner(self, function_ref: Callable[[], FunctionConfig]) -> Callable[[int], Worker]:
        def spawn(generation: int) -> Worker:
            config = function_ref()
            try:
                launch = self.runtimes.launch(config)
            except RuntimeUnavailable as e:
                raise AwsError("InvalidRuntimeException", str(e), 502, sender_fault=False) from e
            stream = logs.stream_name()
            env = self.worker_env(config, stream, launch.execution_env)
            env[launch.path_variable] = os.pathsep.join(launch.paths)
            worker = Worker(launch.argv, env, config.code_dir, generation)
            worker.log_stream = stream
            return worker
        return spawn

    def worker_env(self, config: FunctionConfig, stream: str, execution_env: str) -> dict[str, str]:
        """A worker's environment: the function's variables, then Lambda's own (which a function
        cannot override, as on Lambda)."""
        env = dict(self.environment.passthrough)
        env.update(config.environment)
        env.update(LOCAL_CREDENTIALS)
        env.update({
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": config.logging_config.get("LogGroup") or f"/aws/lambda/{config.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": self.environment.region,
            "AWS_DEFAULT_REGION": self.environment.region,
            "AWS_EXECUTION_ENV": execution_env,
            "AWS_ENDPOINT_URL": self.environment.endpoint,
            "_HANDLER": config.handler,
            "LAMBDA_TASK_ROOT": config.code_dir,
            "TZ": ":UTC",
            # Lambda's task root is read-only, so no bytecode is cached there; caching it here
            # would let an edit within the same second (same size) run the old code.
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        # As on Lambda: the format always, the application log level with JSON logs only (the
        # runtime's logging then drops records below it).
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON" if json_logs.is_json(config) else "Text"
        if json_logs.is_json(config):
            env["AWS_LAMBDA_LOG_LEVEL"] = json_logs.application_level(config)
        return env

    def run(self, function: Function, payload: bytes, *, log_tail: bool = False,
            client_context: str | None = None, request_id: str | None = None,
            trace_header: str | None = None) -> InvokeResult:
        """One synchronous invocation (RequestResponse). `trace_header` is the caller's X-Ray header,
        which the function sees as `_X_AMZN_TRACE_ID` (and its AWS SDK sends on), as on Lambda."""
        config = function.config
        if function.watch.changed():
            function.pool.recycle()
        try:
            worker = function.pool.acquire()
        except Throttled as e:
            raise AwsError("TooManyRequestsException", "Rate Exceeded.", 429,
                           fields={"Type": "User", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"}
                           ) from e
        request_id = request_id or self.new_id()
        trace = trace_header or f"Root=1-{int(time.time()):08x}-{request_id.replace('-', '')[:24]};Sampled=0"
        invocation = Invocation(request_id, payload, function.arn, client_context, trace)
        healthy = False
        try:
            outcome = worker.invoke(invocation, float(config.timeout))
            # After an init error the runtime exits; a worker that answered stays warm.
            healthy = worker.initialized and worker.alive()
        except WorkerTimeout:
            outcome = self._timed_out(worker, request_id, config.timeout)
        except WorkerExited as e:
            outcome = self._exited(worker, request_id, e.returncode)
        finally:
            function.pool.release(worker, healthy)
        if len(outcome.payload) > MAX_RESPONSE:
            outcome = replace(outcome, function_error="Unhandled", payload=json.dumps({
                "errorMessage": f"Response payload size exceeded maximum allowed payload size "
                                f"({MAX_RESPONSE} bytes).",
                "errorType": "Function.ResponseSizeTooLarge"}).encode())
        if json_logs.is_json(config):
            lines = json_logs.invocation_lines(request_id, "$LATEST", outcome, config, function.arn)
        else:
            lines = logs.invocation_lines(request_id, "$LATEST", outcome, config.memory_size)
        self._write_log(config, worker.log_stream, lines)
        return InvokeResult(200, outcome.payload, outcome.function_error,
                            logs.tail(lines) if log_tail else "", "$LATEST")

    def _timed_out(self, worker: Worker, request_id: str, timeout: int) -> Outcome:
        worker.kill()
        output = worker.take_output()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
        output += f"{stamp} {request_id} Task timed out after {timeout:.2f} seconds\n"
        payload = json.dumps({"errorType": "Sandbox.Timedout",
                              "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
                                              f"{timeout:.2f} seconds"}).encode()
        return Outcome(payload, "Unhandled", output, timeout * 1000.0, status="timeout",
                       init_log_text=worker.take_init_log())

    def _exited(self, worker: Worker, request_id: str, returncode: int | None) -> Outcome:
        code = worker.kill() if returncode is None else returncode
        reason = exit_reason(code)
        output = worker.take_output() + f"RequestId: {request_id} Error: {reason}\nRuntime.ExitError\n"
        payload = json.dumps({"errorType": "Runtime.ExitError",
                              "errorMessage": f"RequestId: {request_id} Error: {reason}"}).encode()
        return Outcome(payload, "Unhandled", output, 0.0, status="crash", init_log_text=worker.take_init_log())

    def _write_log(self, config: FunctionConfig, stream: str, lines: list[str]) -> None:
        try:
            self.log_sink(config.name, stream, lines, config.logging_config.get("LogGroup") or None)
        except Exception:  # a broken sink must not fail the invocation
            log.exception("Lambda log sink failed for %s", config.name)
