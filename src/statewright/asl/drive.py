"""Driving the step to the end on a virtual clock: the loop the in-memory runner and TestState share.

Pure: tasks are run by the `call_task` function the caller passes (the in-memory runner passes
`statewright.integrations`' registry), and nothing waits for real: a Wait of an hour advances
the virtual clock by an hour. Durable, HTTP-facing execution is `engine/`'s job.
"""

from __future__ import annotations

import heapq
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from .history import task_kind
from .model import Definition
from .step import Execution, iso_time, step
from .types import (
    CancelTimer,
    Continue,
    Finished,
    Proceed,
    RunTask,
    StartTimer,
    StepInput,
    StepResult,
    TaskFailed,
    TaskStarted,
    TimerFired,
)

ACCOUNT = "123456789012"
REGION = "us-east-1"

# Runs one task: returns its answer, or None when the answer comes later through the second
# argument (deliver) or never (a callback token no one answers).
TaskCaller = Callable[[RunTask, Callable[[StepInput], None]], StepInput | None]
StepFunction = Callable[[Definition, Execution, StepInput, float, bool], StepResult]
# The cause of a task whose resource nothing runs (the integrations registry uses it too).
NO_INTEGRATION = "Statewright has no integration for the resource '{resource}'."


def no_tasks(command: RunTask, deliver: Callable[[StepInput], None]) -> StepInput:
    """A TaskCaller with no integrations: every task fails, naming its resource."""
    return TaskFailed(command.task_id, "States.TaskFailed", NO_INTEGRATION.format(resource=command.resource))


def execution_context(state_machine: str, name: str, execution_input: Any, now: float,
                      role_arn: str, execution_type: str = "STANDARD",
                      execution_arn: str | None = None,
                      state_machine_arn: str | None = None) -> dict[str, Any]:
    """The `$$.Execution` and `$$.StateMachine` parts of the context object.

    Express executions have `:express:` ARNs with a run id, and no RedriveCount (they cannot
    be redriven), as AWS records them.
    """
    sm_arn = state_machine_arn or f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{state_machine}"
    execution: dict[str, Any] = {"Input": execution_input, "Name": name, "RoleArn": role_arn,
                                 "StartTime": iso_time(now)}
    if execution_type == "EXPRESS":
        execution["Id"] = execution_arn or (
            f"arn:aws:states:{REGION}:{ACCOUNT}:express:{state_machine}:{name}:{uuid.uuid4()}")
    else:
        execution["Id"] = execution_arn or f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{state_machine}:{name}"
        execution["RedriveCount"] = 0
    return {"Execution": execution, "StateMachine": {"Id": sm_arn, "Name": state_machine}}


def drive(definition: Definition, execution: Execution, first: StepInput, clock: float,
          call_task: TaskCaller = no_tasks, record: bool = True, max_steps: int = 10_000_000,
          step_function: StepFunction = step) -> tuple[list[dict[str, Any]], Finished | None]:
    """Feed inputs to the step until the execution finishes or nothing is left to wait for."""
    events: list[dict[str, Any]] = []
    inbox: deque[StepInput] = deque([first])
    timers: list[tuple[float, int, str]] = []
    cancelled: set[str] = set()
    finished: Finished | None = None
    for _ in range(max_steps):
        if not inbox:
            while timers and timers[0][2] in cancelled:
                heapq.heappop(timers)
            if not timers:
                break
            due, _, timer_id = heapq.heappop(timers)
            clock = max(clock, due)
            inbox.append(TimerFired(timer_id))
        result = step_function(definition, execution, inbox.popleft(), clock, record)
        events.extend(result.events)
        for command in result.commands:
            if isinstance(command, RunTask):
                if task_kind(command.resource)[0] == "Activity":
                    inbox.append(TaskStarted(command.task_id, "statewright-runner"))
                answer = call_task(command, inbox.append)
                if answer is not None:
                    inbox.append(answer)
            elif isinstance(command, StartTimer):
                heapq.heappush(timers, (command.due, len(timers) + len(cancelled), command.timer_id))
            elif isinstance(command, CancelTimer):
                cancelled.add(command.timer_id)
            elif isinstance(command, Proceed):
                inbox.append(Continue())
            elif isinstance(command, Finished):
                finished = command
        if finished is not None or execution.status != "RUNNING":
            break
    return events, finished
