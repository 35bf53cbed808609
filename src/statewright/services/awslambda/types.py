"""Contracts of the local Lambda service: a function's definition and the log sink."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class LogSink(Protocol):
    """Where each invocation's log goes (CloudWatch Logs once the runtime plugs it in): its
    lines (no trailing newlines) for the function's stream; `log_group` is the function's
    `LoggingConfig.LogGroup` when it sets one, else None for `/aws/lambda/<function_name>`."""

    def __call__(self, function_name: str, log_stream_name: str, lines: list[str],
                 log_group: str | None = None, /) -> None: ...

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128


@dataclass(frozen=True)
class FunctionConfig:
    """One Lambda function as the template loader or `CreateFunction` defines it.

    `code_dir` is an absolute directory holding the handler's code (a zip given to
    `CreateFunction` is unpacked under the data directory); `layers` are directories laid out as
    Lambda layers (`python/`, `nodejs/node_modules/`). `reserved_concurrency` None means no
    reservation (the account's limit applies).
    """

    name: str
    handler: str
    runtime: str
    code_dir: str
    layers: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT
    memory_size: int = DEFAULT_MEMORY
    reserved_concurrency: int | None = None
    role: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    architectures: tuple[str, ...] = ("x86_64",)
    logging_config: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    # The layer version ARNs the function declares, as GetFunction lists them (`layers` are their
    # local folders; a layer of another account has an ARN and no folder).
    layer_arns: tuple[str, ...] = ()
    # Lambda retries a failed asynchronous (Event) invocation twice unless configured otherwise.
    maximum_retry_attempts: int = 2
    # `serve --debug-function`: the worker runs under debugpy, listening on this loopback port
    # for a debugger to attach (local only; not kept with the function's definition).
    debug_port: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "handler": self.handler, "runtime": self.runtime,
            "code_dir": self.code_dir, "layers": list(self.layers),
            "environment": dict(self.environment), "timeout": self.timeout,
            "memory_size": self.memory_size, "reserved_concurrency": self.reserved_concurrency,
            "role": self.role, "tags": dict(self.tags), "architectures": list(self.architectures),
            "logging_config": dict(self.logging_config), "description": self.description,
            "maximum_retry_attempts": self.maximum_retry_attempts, "layer_arns": list(self.layer_arns),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunctionConfig:
        return cls(
            name=data["name"], handler=data["handler"], runtime=data["runtime"],
            code_dir=data["code_dir"], layers=tuple(data.get("layers", ())),
            environment=dict(data.get("environment", {})), timeout=int(data.get("timeout", DEFAULT_TIMEOUT)),
            memory_size=int(data.get("memory_size", DEFAULT_MEMORY)),
            reserved_concurrency=data.get("reserved_concurrency"), role=data.get("role", ""),
            tags=dict(data.get("tags", {})), architectures=tuple(data.get("architectures", ("x86_64",))),
            logging_config=dict(data.get("logging_config", {})), description=data.get("description", ""),
            maximum_retry_attempts=int(data.get("maximum_retry_attempts", 2)),
            layer_arns=tuple(data.get("layer_arns", ())),
        )


@dataclass(frozen=True)
class Invocation:
    """One event for a worker: what the Runtime API's `/invocation/next` hands the runtime
    (its deadline is set when the event is handed over, after any cold start, as on Lambda)."""

    request_id: str
    payload: bytes
    function_arn: str
    client_context: str | None = None
    trace_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What one invocation of a worker gave: the payload and Lambda's error type, if any
    (`function_error` is Invoke's `X-Amz-Function-Error`), and the worker's output."""

    payload: bytes
    function_error: str | None
    log_text: str
    duration_ms: float
    init_ms: float | None = None
    max_memory_mb: int = 0
    init_log_text: str = ""  # what the runtime wrote while initializing (logged before START)
    status: str = "success"  # success, error (the handler raised), timeout, crash (runtime died)
