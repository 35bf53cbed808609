"""The Step Functions half of the store contract: the engine's journal of Standard executions.

Executions, their history events, checkpoints (the engine's state after a step), and the tasks
and timers a step left pending. The engine writes a step's share of all of these in one
transaction; recovery reads them back after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

# The layout of a checkpoint's state: version 1 is `asl.step.Execution.to_json()` as of the
# first stored checkpoints. A change of that layout that old code cannot read bumps this, and
# the engine's recovery learns to read (or convert) the older ones.
CHECKPOINT_FORMAT = 1


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


class Checkpoint(NamedTuple):
    """An execution's state after a step: its sequence number, the state as JSON text, and the
    format that text is in (CHECKPOINT_FORMAT when this engine wrote it)."""

    sequence: int
    state: str
    format: int = CHECKPOINT_FORMAT


@dataclass
class RecoveryState:
    """What a restart reloads: RUNNING executions, each one's latest checkpoint, and the tasks
    and timers still pending, by execution ARN."""

    records: list[ExecutionRecord]
    checkpoints: dict[str, Checkpoint]
    tasks: dict[str, list[TaskRecord]]
    timers: dict[str, list[TimerRecord]]


class JournalReads(Protocol):
    """Reads of the execution journal (committed data)."""

    def get_definition(self, definition_hash: str) -> str | None: ...
    def get_execution(self, arn: str) -> ExecutionRecord | None: ...

    def list_executions(self, state_machine: str | None = None, status: str | None = None,
                        offset: int = 0, limit: int = 1000) -> list[ExecutionRecord]:
        """Newest first (ties by ARN); `limit` -1 for all."""
        ...

    def running_executions(self) -> list[ExecutionRecord]: ...

    def history(self, execution: str, offset: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[dict[str, Any]]:
        """History events in id order (newest first with `reverse`)."""
        ...

    def latest_checkpoint(self, execution: str) -> Checkpoint | None: ...
    def recovery(self) -> RecoveryState: ...
    def pending_tasks(self, execution: str) -> list[TaskRecord]: ...
    def timers(self, execution: str) -> list[TimerRecord]: ...


class JournalWrites(Protocol):
    """The journal writes one transaction may make."""

    def put_definition(self, definition_hash: str, text: str) -> None: ...

    def insert_execution(self, record: ExecutionRecord) -> None:
        """AlreadyExists when an execution with this ARN is stored."""
        ...

    def update_execution(self, record: ExecutionRecord) -> None: ...
    def append_events(self, execution: str, events: list[dict[str, Any]]) -> None:
        """Append history events in id order; an execution's ids run from 1 without gaps
        (`history` pages by them)."""
        ...

    def put_checkpoint(self, execution: str, sequence: int, state_json: str,
                       format_version: int = CHECKPOINT_FORMAT) -> None:
        """Store the newest checkpoint (older ones of the execution are dropped; one older
        than the stored one changes nothing)."""
        ...

    def put_task(self, task: TaskRecord) -> None: ...
    def delete_task(self, execution: str, task_id: str) -> None: ...
    def put_timer(self, timer: TimerRecord) -> None: ...
    def delete_timer(self, execution: str, timer_id: str) -> None: ...

    def clear_pending(self, execution: str) -> None:
        """Drop the tasks and timers of one execution."""
        ...
