"""An in-memory runner: drive the step to the end on a virtual clock, tasks as Python callables.

Used by tests, the CLI (`statewright run`) and benchmarks. Nothing waits for real: a Wait of an
hour advances the virtual clock by an hour. Durable, HTTP-facing execution is `engine/`'s job.
"""

from __future__ import annotations

import heapq
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .definition import parse_definition
from .history import task_kind
from .model import Definition
from .step import Execution, iso_time, step
from .types import (
    CancelTimer,
    ExecutionStart,
    Finished,
    RunTask,
    StartTimer,
    StepInput,
    StepResult,
    TaskFailed,
    TaskStarted,
    TaskSucceeded,
    TimerFired,
)

TaskHandler = Callable[[Any], Any]
ACCOUNT = "123456789012"
REGION = "us-east-1"


class TaskError(Exception):
    """Raise from a task handler to fail the task with a chosen error name and cause."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


@dataclass
class RunResult:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    transitions: int = 0


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


def _task_name(resource: str, parameters: Any) -> tuple[str, bool]:
    """The handler key for a resource, and whether the result is wrapped like lambda:invoke."""
    base = resource.removesuffix(".waitForTaskToken").removesuffix(".sync")
    if base.startswith("arn:aws:states:::lambda:invoke") and isinstance(parameters, dict):
        function = str(parameters.get("FunctionName", ""))
        return function.split(":function:")[-1].split(":")[0], True
    if ":function:" in base:
        return base.split(":function:")[-1].split(":")[0], False
    return base, False


def call_task(tasks: Mapping[str, TaskHandler], command: RunTask) -> StepInput | None:
    """Run a task through the registry; any exception becomes a task failure."""
    name, wrapped = _task_name(command.resource, command.parameters)
    handler = tasks.get(name) or tasks.get(command.resource)
    if handler is None:
        return TaskFailed(command.task_id, "States.TaskFailed",
                          f"No local handler is registered for the resource '{command.resource}'")
    payload = command.parameters
    if wrapped and isinstance(payload, dict) and "Payload" in payload:
        payload = payload["Payload"]
    try:
        result = handler(payload)
    except TaskError as exc:
        return TaskFailed(command.task_id, exc.error, exc.cause)
    except Exception as exc:  # a handler's bug is the task's failure, as on Lambda
        return TaskFailed(command.task_id, type(exc).__name__, str(exc))
    if command.token:
        # A callback task waits for SendTaskSuccess/Failure with its token, not for the
        # handler's return: with no API in memory, the execution stays RUNNING.
        return None
    if wrapped and not command.token:
        result = {"ExecutedVersion": "$LATEST", "Payload": result, "StatusCode": 200}
    return TaskSucceeded(command.task_id, result)


StepFunction = Callable[[Definition, Execution, StepInput, float, bool], StepResult]


def drive(definition: Definition, execution: Execution, first: StepInput, clock: float,
          tasks: Mapping[str, TaskHandler], record: bool = True, max_steps: int = 10_000_000,
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
                answer = call_task(tasks, command)
                if answer is not None:
                    inbox.append(answer)
            elif isinstance(command, StartTimer):
                heapq.heappush(timers, (command.due, len(timers) + len(cancelled), command.timer_id))
            elif isinstance(command, CancelTimer):
                cancelled.add(command.timer_id)
            elif isinstance(command, Finished):
                finished = command
        if finished is not None or execution.status != "RUNNING":
            break
    return events, finished


def run(definition: Definition | str | dict[str, Any], execution_input: Any = None, *,
        tasks: Mapping[str, TaskHandler] | None = None, record: bool = True,
        now: float | None = None, seed: int = 0, name: str = "local-execution",
        state_machine: str = "local", role_arn: str = "arn:aws:iam::123456789012:role/statewright",
        execution_type: str = "STANDARD", max_steps: int = 10_000_000) -> RunResult:
    """Run an execution to its end on a virtual clock and return how it ended."""
    if not isinstance(definition, Definition):
        definition = parse_definition(definition)
    tasks = tasks or {}
    clock = time.time() if now is None else now
    execution_input = {} if execution_input is None else execution_input
    execution = Execution()
    first = ExecutionStart(
        execution_input, execution_context(state_machine, name, execution_input, clock, role_arn,
                                           execution_type),
        seed=seed, role_arn=role_arn)
    events, finished = drive(definition, execution, first, clock, tasks, record, max_steps)
    if finished is None:
        return RunResult("RUNNING", events=events, transitions=execution.transitions)
    return RunResult(finished.status, finished.output, finished.error, finished.cause, events,
                     execution.transitions)
