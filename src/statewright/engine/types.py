"""Contracts only: what the engine hands to whatever runs its tasks, and what it gets back.

The engine does not know what a Task `Resource` does; `statewright.integrations` does. The
engine (and the in-memory runner) describe each task as a `TaskRequest` and ask a `TaskRunner`
to run it. The runner answers with TaskSucceeded/TaskFailed at once, or later through `deliver`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from statewright.asl.types import StepInput


@dataclass(frozen=True)
class TaskRequest:
    """One Task state's request to the outside world, as the step emitted it (RunTask).

    `token` is the task's callback token for `.waitForTaskToken`, and otherwise an identifier
    that stays the same when a task is dispatched again after a restart (integrations use it to
    make a repeated dispatch find the work the first one started)."""

    execution_arn: str
    state_name: str
    task_id: str
    resource: str
    parameters: Any
    token: str
    credentials: Any = None


class TaskRunner(Protocol):
    """Runs tasks: `statewright.integrations.registry.Registry` implements it."""

    def run_task(self, request: TaskRequest, deliver: Callable[[StepInput], None]) -> StepInput | None:
        """The task's answer (TaskSucceeded/TaskFailed), or None when it comes later: through
        `deliver` (an integration that waits without a thread) or through the task token
        (`.waitForTaskToken`). May block for as long as a request-response call takes."""
        ...

    def cancel_task(self, execution_arn: str, task_id: str) -> None:
        """The task is no longer wanted (timed out, its execution ended): stop its work if it
        still runs. Must not block: the engine calls it on its loop thread."""
        ...


class ExecutionEventSink(Protocol):
    """Where the history events of executions whose state machine logs them go (CloudWatch
    Logs' `StatesLogSink`). Called on the engine's loop thread after each step (a Standard step
    once stored), with that step's events in order: it must only queue them, never block."""

    def __call__(self, execution_arn: str, logging_configuration: Mapping[str, Any],
                 events: list[dict[str, Any]], redrive_count: int = 0) -> None:
        ...


class SelectiveEventSink(ExecutionEventSink, Protocol):
    """A sink that may need only some events: `wanted_events(logging_configuration)` names the
    event types it would keep (None: all). The engine asks once per execution; an Express
    execution that needs only some makes only those (the step's fast paths stay on)."""

    def wanted_events(self, logging_configuration: Mapping[str, Any]) -> frozenset[str] | None:
        ...
