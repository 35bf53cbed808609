"""`arn:aws:states:::states:startExecution`: start another state machine's execution.

- request-response: the output is StartExecution's answer (`ExecutionArn`, `StartDate`);
- `.sync`: the task ends when the child does; the output is DescribeExecution's answer, with
  `Input` and `Output` as JSON text;
- `.sync:2`: the same, with `Input` and `Output` as JSON values;
- `.waitForTaskToken`: the child is started and the task waits for its token.

For `.sync` no thread waits: the integration returns `Pending` and the child's end (reported by
`ChildExecutions`, which the Step Functions service implements over `Engine.watch`) completes
the task through the task context. A child that does not succeed fails the task with
`States.TaskFailed` and DescribeExecution's answer as the cause, as AWS records it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from statewright.services.common import AwsError

from .types import (
    REQUEST_RESPONSE,
    SERVICE,
    SYNC2,
    WAIT_FOR_TOKEN,
    ChildExecutions,
    ExecutionEnd,
    ExecutionStarted,
    Pending,
    TaskContext,
    TaskError,
)


class StepFunctionsIntegration:
    """The `states` service integration (`Registry.register_service("states", …)`)."""

    def __init__(self, executions: ChildExecutions) -> None:
        self.executions = executions

    def __call__(self, parameters: Any, context: TaskContext) -> Any:
        resource = context.resource
        if resource.kind != SERVICE or resource.action != "startExecution":
            raise TaskError("States.Runtime", f"Statewright's Step Functions integration does not support "
                                              f"the resource {resource.text}")
        request = _start_request(parameters, context)
        if resource.pattern in (REQUEST_RESPONSE, WAIT_FOR_TOKEN):
            started = self.executions.start(request, context, None)
            return {"ExecutionArn": started.execution_arn, "StartDate": _millis(started.start_date)}
        as_json = resource.pattern == SYNC2

        def ended(end: ExecutionEnd) -> None:
            description = describe(end, as_json)
            if end.status == "SUCCEEDED":
                context.complete(description)
            else:
                context.fail("States.TaskFailed", json.dumps(description, separators=(",", ":")))

        started = self.executions.start(request, context, ended)
        cause = f"The task of {context.execution_arn} that started this execution ended"
        return Pending(cancel=lambda: self.executions.stop(started.execution_arn, "", cause))


def _start_request(parameters: Any, context: TaskContext) -> dict[str, Any]:
    """StartExecution's request from the state's parameters. `Input` may be JSON text or a JSON
    value. Without `Name`, the name comes from the task's stable key, so the same task
    dispatched again after a restart finds the child it started rather than starting another."""
    if not isinstance(parameters, dict) or not isinstance(parameters.get("StateMachineArn"), str):
        raise TaskError("States.Runtime", f"The resource {context.resource.text} needs the parameter "
                                          "'StateMachineArn' (a string)")
    request = dict(parameters)
    given = request.get("Input", {})
    request["Input"] = given if isinstance(given, str) else json.dumps(given, separators=(",", ":"))
    request.setdefault("Name", str(uuid.uuid5(uuid.NAMESPACE_URL, context.task_key)))
    return request


def _millis(seconds: float) -> int:
    return int(round(seconds * 1000))


def describe(end: ExecutionEnd, as_json: bool) -> dict[str, Any]:
    """DescribeExecution's answer for an ended execution, as the `.sync` patterns output it."""

    def payload(text: str | None) -> Any:
        return json.loads(text) if as_json and text is not None else text

    redrivable = end.status in ("FAILED", "TIMED_OUT", "ABORTED")
    description: dict[str, Any] = {
        "ExecutionArn": end.execution_arn, "Input": payload(end.input_text), "InputDetails": {"Included": True},
        "Name": end.name}
    if end.status == "SUCCEEDED":
        description.update(Output=payload(end.output_text), OutputDetails={"Included": True})
    else:
        if end.error is not None:
            description["Error"] = end.error
        if end.cause is not None:
            description["Cause"] = end.cause
    description.update(
        RedriveCount=end.redrive_count,
        RedriveStatus="REDRIVABLE" if redrivable else "NOT_REDRIVABLE",
        StartDate=_millis(end.start_date), StateMachineArn=end.state_machine_arn, Status=end.status,
        StopDate=_millis(end.stop_date))
    if not redrivable:
        description["RedriveStatusReason"] = f"Execution is {end.status} and cannot be redriven"
    return description


class ServiceExecutions:
    """`ChildExecutions` over the local Step Functions service: the child is started in the
    parent's account and region, with StartExecution's checks; what StartExecution would refuse
    fails the task with `StepFunctions.<Code>Exception`, the name AWS's SDK gives that error."""

    def __init__(self, service: Any) -> None:
        self.service = service  # services.stepfunctions.StepFunctionsService

    def start(self, request: dict[str, Any], parent: TaskContext,
              on_end: Callable[[ExecutionEnd], None] | None) -> ExecutionStarted:
        context = parent.request_context()

        def ended(started: Any, outcome: Any) -> None:
            if on_end is not None:
                on_end(ExecutionEnd(started.execution_arn, started.state_machine_arn, started.name, outcome.status,
                                    started.input_text, outcome.output, outcome.error, outcome.cause,
                                    outcome.start_date, outcome.stop_date))

        try:
            started = self.service.start_child(request, context, ended if on_end is not None else None)
        except AwsError as error:
            code = error.code if error.code.endswith("Exception") else f"{error.code}Exception"
            raise TaskError(f"StepFunctions.{code}", error.message) from None
        return ExecutionStarted(started.execution_arn, started.start_date)

    def stop(self, execution_arn: str, error: str, cause: str) -> None:
        self.service.stop_child(execution_arn, error or None, cause)
