"""The storage contract: the records the engine and services keep, and what a backend must offer.

Reads happen on any thread and see every committed write. Writes are functions of a
`Transaction`, submitted with `Store.write`; a backend may group many of them into one commit
(one fsync), but each function is atomic on its own: it either applies completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass
class Resource:
    """A named thing with an ARN: a state machine, a version, an alias or an activity.

    `parent` links a version or an alias to its state machine; `body` holds the
    kind-specific fields exactly as the API describes them (JSON-serialisable).
    """

    arn: str
    kind: str
    name: str
    created: float
    parent: str = ""
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExecutionRecord:
    """A Standard execution as DescribeExecution reports it, plus what recovery needs."""

    arn: str
    state_machine: str  # the state machine's unqualified ARN
    name: str
    status: str
    start_date: float
    definition_hash: str
    stop_date: float | None = None
    body: dict[str, Any] = field(default_factory=dict)  # input, output, error, cause, version …


@dataclass
class TaskRecord:
    """A task that was dispatched and whose result has not been recorded yet."""

    execution: str
    task_id: str
    token: str
    resource: str
    body: dict[str, Any] = field(default_factory=dict)  # parameters, state name, timeouts


@dataclass
class TimerRecord:
    """A timer the step asked for; `fire_at` is the wall-clock time to fire (time scale applied)."""

    execution: str
    timer_id: str
    due: float
    fire_at: float


@dataclass
class RecoveryState:
    """What a restart reloads: RUNNING executions, each one's latest checkpoint (sequence,
    state JSON), and the tasks and timers still pending, by execution ARN."""

    records: list[ExecutionRecord]
    checkpoints: dict[str, tuple[int, str]]
    tasks: dict[str, list[TaskRecord]]
    timers: dict[str, list[TimerRecord]]


class Transaction(Protocol):
    """The writes one atomic unit may make."""

    def put_resource(self, resource: Resource) -> None: ...
    def insert_resource(self, resource: Resource) -> None: ...  # raises KeyError when it exists
    def delete_resource(self, arn: str) -> None: ...
    def put_definition(self, definition_hash: str, text: str) -> None: ...
    def insert_execution(self, record: ExecutionRecord) -> None: ...  # KeyError when it exists
    def update_execution(self, record: ExecutionRecord) -> None: ...
    def append_events(self, execution: str, events: list[dict[str, Any]]) -> None: ...
    def put_checkpoint(self, execution: str, sequence: int, state_json: str) -> None: ...
    def put_task(self, task: TaskRecord) -> None: ...
    def delete_task(self, execution: str, task_id: str) -> None: ...
    def put_timer(self, timer: TimerRecord) -> None: ...
    def delete_timer(self, execution: str, timer_id: str) -> None: ...
    def clear_pending(self, execution: str) -> None: ...  # drop the tasks and timers of one execution
    def set_tags(self, arn: str, tags: dict[str, str]) -> None: ...
    def remove_tags(self, arn: str, keys: list[str]) -> None: ...


class Store(Protocol):
    """What the engine and the services need from storage."""

    def write(self, change: Callable[[Transaction], T]) -> Future[T]: ...
    def close(self) -> None: ...

    def get_resource(self, arn: str) -> Resource | None: ...
    def list_resources(self, kind: str, parent: str | None = None) -> list[Resource]: ...
    def get_definition(self, definition_hash: str) -> str | None: ...
    def get_execution(self, arn: str) -> ExecutionRecord | None: ...
    def list_executions(self, state_machine: str | None = None, status: str | None = None,
                        offset: int = 0, limit: int = 1000) -> list[ExecutionRecord]: ...
    def running_executions(self) -> list[ExecutionRecord]: ...
    def history(self, execution: str, offset: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[dict[str, Any]]: ...
    def latest_checkpoint(self, execution: str) -> tuple[int, str] | None: ...
    def recovery(self) -> RecoveryState: ...
    def pending_tasks(self, execution: str) -> list[TaskRecord]: ...
    def timers(self, execution: str) -> list[TimerRecord]: ...
    def tags(self, arn: str) -> dict[str, str]: ...
