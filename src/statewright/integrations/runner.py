"""The in-memory runner: run an execution to its end on a virtual clock, tasks through integrations.

Used by tests, the CLI (`statewright run`) and benchmarks. It lives here, not in `asl/` (which
must stay pure) nor in `engine/` (which must not know integrations), because it is the one
driver that needs both: `asl.drive` for the loop, and a `Registry` for the tasks - the same
task contract the durable engine uses. `tasks={"Name": callable}` is a shorthand for Lambda
functions run in this process (see `inprocess.PythonFunctions`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from statewright.asl.definition import parse_definition
from statewright.asl.drive import TaskCaller, drive, execution_context
from statewright.asl.model import Definition
from statewright.asl.step import Execution
from statewright.asl.types import ExecutionStart, RunTask, StepInput
from statewright.engine.types import TaskRequest

from .awslambda import LambdaIntegration
from .inprocess import PythonFunctions, PythonHandler
from .registry import Registry
from .types import TaskContext


@dataclass
class RunResult:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    transitions: int = 0


def local_registry(tasks: Mapping[str, PythonHandler] | None = None) -> Registry:
    """A registry for `tasks`: a key with no ':' is a Lambda function name (run by the Lambda
    integration over PythonFunctions); any other key is a resource (without its pattern suffix)
    whose callable gets the task's parameters and returns its output."""
    registry = Registry()
    functions = {name: handler for name, handler in (tasks or {}).items() if ":" not in name}
    registry.register_service("lambda", LambdaIntegration(PythonFunctions(functions)))
    for resource, handler in (tasks or {}).items():
        if ":" in resource:
            registry.register(resource, _parameters_only(handler))
    return registry


def _parameters_only(handler: PythonHandler) -> Callable[[Any, TaskContext], Any]:
    return lambda parameters, context: handler(parameters)


def task_caller(registry: Registry, execution_arn: str) -> TaskCaller:
    """Run the step's tasks through `registry`, as the engine does."""

    def call(command: RunTask, deliver: Callable[[StepInput], None]) -> StepInput | None:
        request = TaskRequest(execution_arn, command.state_name, command.task_id, command.resource,
                              command.parameters, command.token or f"{execution_arn}/{command.task_id}",
                              command.credentials)
        return registry.run_task(request, deliver)

    return call


def run(definition: Definition | str | dict[str, Any], execution_input: Any = None, *,
        tasks: Mapping[str, PythonHandler] | None = None, integrations: Registry | None = None,
        record: bool = True, now: float | None = None, seed: int = 0, name: str = "local-execution",
        state_machine: str = "local", role_arn: str = "arn:aws:iam::123456789012:role/statewright",
        execution_type: str = "STANDARD", max_steps: int = 10_000_000) -> RunResult:
    """Run an execution to its end on a virtual clock and return how it ended.

    Tasks run through `integrations`, or through `local_registry(tasks)` when it is not given.
    """
    if not isinstance(definition, Definition):
        definition = parse_definition(definition)
    registry = integrations if integrations is not None else local_registry(tasks)
    clock = time.time() if now is None else now
    execution_input = {} if execution_input is None else execution_input
    execution = Execution()
    context = execution_context(state_machine, name, execution_input, clock, role_arn, execution_type)
    first = ExecutionStart(execution_input, context, seed=seed, role_arn=role_arn)
    events, finished = drive(definition, execution, first, clock, task_caller(registry, context["Execution"]["Id"]),
                             record, max_steps)
    if finished is None:
        return RunResult("RUNNING", events=events, transitions=execution.transitions)
    return RunResult(finished.status, finished.output, finished.error, finished.cause, events,
                     execution.transitions)
