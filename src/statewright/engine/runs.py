"""The records the engine keeps about executions it drives, and what it answers with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from statewright.asl.history import dumps
from statewright.asl.limits import MAX_NESTING_DEPTH, load_limited
from statewright.asl.model import Definition
from statewright.asl.step import Execution
from statewright.asl.types import Finished
from statewright.store import AlreadyExists, ExecutionRecord


@dataclass(frozen=True)
class StartSpec:
    """Everything needed to start one execution."""

    arn: str
    state_machine_arn: str  # unqualified
    state_machine_name: str
    name: str
    input_text: str
    definition_text: str
    role_arn: str
    express: bool = False
    version_arn: str | None = None
    alias_arn: str | None = None
    # The state machine's loggingConfiguration when it logs (level not OFF), else None: its
    # execution's events then go to the engine's event sink (Engine.event_sink).
    logging: Mapping[str, Any] | None = None
    trace_header: str | None = None  # X-Ray's, as StartExecution got it (DescribeExecution answers it)


@dataclass(frozen=True)
class RunOutcome:
    """How an execution ended (what StartSyncExecution answers)."""

    status: str
    output: str | None
    error: str | None
    cause: str | None
    start_date: float
    stop_date: float


class EngineFailure(Exception):
    """The engine could not start or redrive an execution (its store refused, a bug): the
    message says what failed. The service answers it as AWS's internal failure (HTTP 500)."""


class NotRedrivable(Exception):
    """RedriveExecution refused; the message says why, as AWS's ExecutionNotRedrivable does."""


class TaskNotFound(Exception):
    """No running task has this token. `ended` tells a token whose task ended (answered,
    timed out, cancelled) since this engine started from one it never issued."""

    def __init__(self, token: str, ended: bool = False) -> None:
        super().__init__(token)
        self.ended = ended


@dataclass
class PendingTask:
    task_id: str
    token: str
    resource: str
    state_name: str


@dataclass
class Run:
    """An execution the engine is driving right now."""

    arn: str
    definition: Definition | None  # None only for a run failed because its definition did not compile
    execution: Execution
    start_date: float
    record: ExecutionRecord | None  # None for Express
    checkpoint: int = 0
    pending: dict[str, PendingTask] = field(default_factory=dict)
    timers: dict[str, float] = field(default_factory=dict)  # timer id → fire_at
    waiters: list[Future[RunOutcome]] = field(default_factory=list)
    # Called with the outcome when the run ends (Engine.watch), on the loop thread.
    watchers: list[Callable[[RunOutcome], None]] = field(default_factory=list)
    # The definition text while the execution's row is not stored yet (its first step stores it).
    unstored_definition: str | None = None
    # A redriven execution's row, RUNNING again: stored with the redrive's first step.
    reopened: ExecutionRecord | None = None
    # Steps taken but not yet written: they are written together, with one checkpoint, by a
    # flush that runs after every job already queued (so a burst of task answers for one Map
    # costs one checkpoint, not one each).
    unwritten: list[Any] = field(default_factory=list)
    flush_posted: bool = False
    # A new Standard execution's StartExecution answer, while its row is being stored: a second
    # identical StartExecution (an SDK retry racing the first) is answered with the same record.
    started: Future[Any] | None = None
    # Called with each step's events once they are stored (Express: once made), when the
    # execution's state machine logs them (Engine.event_sink); None otherwise, the common case.
    log: Callable[[list[dict[str, Any]]], None] | None = None
    # With `log`, the event types it needs when that is not all of them (a level of ERROR or
    # FATAL): an Express run then makes only those and keeps the step's no-history fast paths.
    logged: frozenset[str] | None = None

    @property
    def durable(self) -> bool:
        return self.record is not None

    @property
    def keeps_history(self) -> bool:
        """Whether its steps make every history event: stored (Standard) or logged in full."""
        return self.record is not None or (self.log is not None and self.logged is None)


def check_input(spec: StartSpec) -> None:
    """Refuse an input nested too deeply before anything is stored (TooDeep). Only text with
    more opening brackets than the limit can be, so most inputs cost two counts, no parse."""
    text = spec.input_text
    if text.count("{") + text.count("[") > MAX_NESTING_DEPTH:
        load_limited(text, "execution input")


def answer_same_start(run: Run, record: ExecutionRecord | None, started: Future[Any]) -> None:
    """A second StartExecution for an ARN being started: the same name and input while the
    first is not stored yet is the same request (an SDK retry), answered as the first is;
    anything else is AlreadyExists (the service then compares with the stored row)."""
    first = run.started
    same = (first is not None and record is not None and run.record is not None
            and run.record.body.get("input") == record.body.get("input"))
    if first is None or not same:
        started.set_exception(AlreadyExists("execution", run.arn))
        return

    def copy(done: Future[Any]) -> None:
        if started.done():
            return
        error = done.exception()
        if error is not None:
            started.set_exception(error)
        else:
            started.set_result(done.result())

    first.add_done_callback(copy)


def finished_record(record: ExecutionRecord, finished: Finished, now: float) -> ExecutionRecord:
    """The stored row of an execution that ended as `finished` at `now`."""
    body = dict(record.body)
    body.update(output=dumps(finished.output) if finished.status == "SUCCEEDED" else None,
                error=finished.error, cause=finished.cause)
    return ExecutionRecord(arn=record.arn, state_machine=record.state_machine, name=record.name,
                           status=finished.status, start_date=record.start_date, stop_date=now,
                           definition_hash=record.definition_hash, body=body)
