"""Contracts only: the parsed Task resource, the context an integration gets, its one error type,
and what an integration that waits without a thread returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from statewright.asl.tasks import WAIT_FOR_TOKEN as WAIT_FOR_TOKEN_SUFFIX
from statewright.services.common.types import RequestContext

# How the state waits for the integration (AWS's "service integration patterns").
REQUEST_RESPONSE = "REQUEST_RESPONSE"
SYNC = "SYNC"  # `.sync`: wait for the job to end
SYNC2 = "SYNC2"  # `.sync:2`: the same, output as JSON rather than JSON text
WAIT_FOR_TOKEN = "WAIT_FOR_TOKEN"  # `.waitForTaskToken`: wait for SendTaskSuccess/Failure

# The step decides from the same suffix whether the task gets a token (asl.tasks).
PATTERN_SUFFIXES: dict[str, str] = {".sync:2": SYNC2, ".sync": SYNC, WAIT_FOR_TOKEN_SUFFIX: WAIT_FOR_TOKEN}

# What a resource names.
ACTIVITY = "activity"  # arn:aws:states:<region>:<account>:activity:<name>
FUNCTION = "function"  # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
SERVICE = "service"  # arn:aws:states:::<service>:<action>[.<pattern>] (optimized integrations)
SDK = "sdk"  # arn:aws:states:::aws-sdk:<service>:<action>[.<pattern>]
OTHER = "other"  # anything else: only an integration registered for its exact text runs it


@dataclass(frozen=True)
class TaskResource:
    """A Task `Resource`, read. `base` is the text without its pattern suffix."""

    text: str
    kind: str
    base: str
    pattern: str = REQUEST_RESPONSE
    partition: str = ""
    service: str = ""  # "lambda" for function ARNs, "states" for activities
    action: str = ""  # "invoke" for function ARNs
    region: str = ""
    account: str = ""
    name: str = ""  # the activity's or function's name
    qualifier: str | None = None  # a function ARN's version or alias


class TaskError(Exception):
    """An integration's failure, with the Error and Cause the state sees (and Retry/Catch match)."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


@dataclass(frozen=True)
class TaskContext:
    """What an integration may know about the task it runs, and how it answers later.

    `complete(output)` and `fail(error, cause)` answer a task whose integration returned
    `Pending`; they may be called from any thread, once (later calls are ignored by the
    engine, as a second SendTaskSuccess is). `token` is set for `.waitForTaskToken` only;
    `task_key` is stable across a re-dispatch after a restart (use it for idempotency).
    """

    execution_arn: str
    state_name: str
    task_id: str
    resource: TaskResource
    task_key: str
    token: str | None
    complete: Callable[[Any], None]
    fail: Callable[[str, str], None]
    credentials: Any = None

    @property
    def partition(self) -> str:
        return _arn_part(self.execution_arn, 1) or "aws"

    @property
    def region(self) -> str:
        return _arn_part(self.execution_arn, 3) or "us-east-1"

    @property
    def account(self) -> str:
        return _arn_part(self.execution_arn, 4) or "123456789012"

    def request_context(self, request_id: str = "") -> RequestContext:
        """The context a local service's `handle` gets for this task: the execution's account,
        region and partition (a task reaches the services of its own region, as on AWS)."""
        return RequestContext(region=self.region, account=self.account, partition=self.partition,
                              request_id=request_id)


def _arn_part(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > index else ""


@dataclass(frozen=True)
class Pending:
    """Returned by an integration that answers later through `context.complete`/`fail` (a `.sync`
    job, a child execution). No thread waits meanwhile. `cancel` is called when the task is no
    longer wanted (timed out, its execution stopped), to stop the work it started."""

    cancel: Callable[[], None] | None = field(default=None)


# What a service integration module implements: run one task with its parameters (a JSON value).
# Returns the task's output (a JSON value), or `Pending`; raises TaskError to fail the task. Any
# other exception fails it too, with the exception's class name as the error. With
# `.waitForTaskToken` the return value is ignored: the token's answer completes the task.
Integration = Callable[[Any, TaskContext], Any]


# --- what the Step Functions service offers to `states:startExecution` ---------------------------


@dataclass(frozen=True)
class ExecutionEnd:
    """How a child execution ended, as DescribeExecution reports it (dates in epoch seconds)."""

    execution_arn: str
    state_machine_arn: str
    name: str
    status: str
    input_text: str
    output_text: str | None
    error: str | None
    cause: str | None
    start_date: float
    stop_date: float
    redrive_count: int = 0


@dataclass(frozen=True)
class ExecutionStarted:
    execution_arn: str
    start_date: float


class ChildExecutions(Protocol):
    """Start an execution and, when asked, say how it ends. The Step Functions service
    implements it over the engine (`Engine.watch`).

    `start` takes StartExecution's request members (`StateMachineArn`, `Input`, `Name`) and the
    parent's task context; it raises TaskError with `StepFunctions.<AWS error code>` for what
    StartExecution would refuse. Starting again with a name and input already used returns the
    existing execution (StartExecution's idempotency), so a re-dispatched task finds its child.
    `on_end` is called once, from any thread, when the execution ends (at once if it has).
    """

    def start(self, request: dict[str, Any], parent: TaskContext,
              on_end: Callable[[ExecutionEnd], None] | None) -> ExecutionStarted: ...

    def stop(self, execution_arn: str, error: str, cause: str) -> None: ...
