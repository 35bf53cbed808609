"""Contracts between the pure step and whoever drives it (the in-memory runner, the durable engine).

Nothing here does work. The step takes one of the *inputs* below and returns a `StepResult`
holding history events (AWS-shaped dicts) and *commands* for the outside world. Time enters as
`now` (epoch seconds, float); randomness comes from a seed kept in the execution state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Json = Any

# --- Inputs to the step -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionStart:
    """Start an execution. `context` seeds `$$` (Execution, StateMachine)."""

    input: Json
    context: dict[str, Any]
    seed: int = 0
    role_arn: str = ""
    # The longest the execution may run (Express: AWS's five minutes), whatever TimeoutSeconds says.
    max_seconds: float | None = None


@dataclass(frozen=True)
class TaskSucceeded:
    """A dispatched task (RunTask) returned `output`."""

    task_id: str
    output: Json


@dataclass(frozen=True)
class TaskFailed:
    """A dispatched task failed with `error` and `cause`."""

    task_id: str
    error: str
    cause: str = ""


@dataclass(frozen=True)
class TaskHeartbeat:
    """The worker of a task sent a heartbeat: its heartbeat timer restarts."""

    task_id: str


@dataclass(frozen=True)
class TimerFired:
    """A StartTimer command's due time has come."""

    timer_id: str


@dataclass(frozen=True)
class TaskStarted:
    """A worker took an activity task (GetActivityTask): AWS records ActivityStarted then."""

    task_id: str
    worker_name: str = ""


@dataclass(frozen=True)
class Redrive:
    """RedriveExecution: run a FAILED, TIMED_OUT or ABORTED execution again from where it stopped."""


@dataclass(frozen=True)
class Continue:
    """Run on after a step used up its budget (answering a Proceed command)."""


@dataclass(frozen=True)
class StopRequested:
    """StopExecution was called."""

    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class MapRunUpdate:
    """UpdateMapRun: new settings for a running Map Run (None keeps a setting as it is)."""

    map_run_arn: str
    max_concurrency: int | None = None
    tolerated_failure_count: int | None = None
    tolerated_failure_percentage: float | None = None


StepInput = (ExecutionStart | TaskSucceeded | TaskFailed | TaskHeartbeat | TaskStarted | TimerFired
             | StopRequested | Redrive | Continue | MapRunUpdate)

# --- Commands from the step -------------------------------------------------------------------


@dataclass(frozen=True)
class RunTask:
    """Run a Task state's resource. Answer with TaskSucceeded / TaskFailed carrying `task_id`.

    `token` is set when the resource uses `.waitForTaskToken`: the answer then comes from
    SendTaskSuccess/Failure for that token, not from the resource's own return.
    """

    task_id: str
    resource: str
    parameters: Json
    state_name: str
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    token: str | None = None
    credentials: Json = None


@dataclass(frozen=True)
class StartTimer:
    """Wake the execution with TimerFired(timer_id) at `due` (epoch seconds)."""

    timer_id: str
    due: float


@dataclass(frozen=True)
class CancelTimer:
    """A timer that is no longer needed (the driver may drop it; a stale firing is ignored)."""

    timer_id: str


@dataclass(frozen=True)
class CancelTask:
    """A dispatched task whose result is no longer wanted (branch failed, execution stopped)."""

    task_id: str


Status = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]


@dataclass(frozen=True)
class Finished:
    """The execution ended."""

    status: Status
    output: Json = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class Proceed:
    """The step stopped at its budget with states left to run: feed Continue() when other work
    has had its turn. The execution state holds what is left, so a checkpoint keeps it."""


Command = RunTask | StartTimer | CancelTimer | CancelTask | Finished | Proceed


@dataclass
class StepResult:
    """What one step produced: history events to append and commands to carry out."""

    events: list[dict[str, Any]] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)


# --- Validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a definition, as ValidateStateMachineDefinition reports it."""

    severity: Literal["ERROR", "WARNING"]
    code: str  # e.g. SCHEMA_VALIDATION_FAILED, INVALID_JSON_DESCRIPTION
    message: str
    location: str  # a JSON pointer such as /States/Foo/Next

    def as_aws(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "location": self.location}
