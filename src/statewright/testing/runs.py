"""Helpers that make workflow tests short: run an execution to its end and see where it went,
wait for a callback token and answer it. They speak to any Step Functions endpoint through a
boto3 client (Statewright's, or another emulator's)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
_ENDED = {"TaskSucceeded": "taskSucceededEventDetails", "TaskFailed": "taskFailedEventDetails",
          "TaskTimedOut": "taskTimedOutEventDetails", "TaskSubmitFailed": "taskSubmitFailedEventDetails",
          "TaskStartFailed": "taskStartFailedEventDetails"}


@dataclass(frozen=True)
class Run:
    """An execution that ended: its status, output (parsed JSON), error and cause, the states it
    entered in order (`path`, nested states of Map and Parallel included) and its history."""

    execution_arn: str
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    path: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    def event_types(self) -> list[str]:
        return [event["type"] for event in self.events]


def start_execution(sfn: Any, state_machine_arn: str, input: Any = None, *, name: str | None = None,
                    test_case: str | None = None) -> str:
    """Start an execution (of `<machine ARN>#<test case>` with `test_case`) and answer its ARN.
    `input` is a JSON value (or JSON text)."""
    request: dict[str, Any] = {"stateMachineArn": f"{state_machine_arn}#{test_case}" if test_case else state_machine_arn,
                               "input": input if isinstance(input, str) else json.dumps({} if input is None else input)}
    if name is not None:
        request["name"] = name
    return str(sfn.start_execution(**request)["executionArn"])


def run_execution(sfn: Any, state_machine_arn: str, input: Any = None, *, name: str | None = None,
                  test_case: str | None = None, timeout: float = 30.0) -> Run:
    """Start an execution and wait for its end (TimeoutError after `timeout` seconds)."""
    return wait_for_end(sfn, start_execution(sfn, state_machine_arn, input, name=name, test_case=test_case),
                        timeout)


def wait_for_end(sfn: Any, execution_arn: str, timeout: float = 30.0) -> Run:
    description = _poll(lambda: _ended(sfn, execution_arn), timeout, f"the execution {execution_arn} to end")
    events = history(sfn, execution_arn)
    output = description.get("output")
    return Run(execution_arn, description["status"], json.loads(output) if output is not None else None,
               description.get("error"), description.get("cause"), path_of(events), events)


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**request)
        events.extend(page["events"])
        if not page.get("nextToken"):
            return events
        request["nextToken"] = page["nextToken"]


def path_of(events: list[dict[str, Any]]) -> list[str]:
    """The names of the states entered, in the order they were entered."""
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


def wait_for_task_token(sfn: Any, execution_arn: str, state: str | None = None, timeout: float = 30.0) -> str:
    """The task token of a running `.waitForTaskToken` task (of `state`, if given), taken from its
    TaskScheduled parameters: the first string under a key whose name contains "token", as
    `"TaskToken.$": "$$.Task.Token"` puts it."""

    def find() -> str | None:
        for found_state, token in open_tokens(history(sfn, execution_arn)):
            if state is None or found_state == state:
                return token
        return None

    return str(_poll(find, timeout, f"a task token of {execution_arn}" + (f" in state {state}" if state else "")))


def open_tokens(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(state, token) of the callback tasks scheduled and not yet ended, oldest first."""
    entered: str | None = None
    open_tasks: list[tuple[str, str, str]] = []  # (state, resource, token)
    for event in events:
        kind = event["type"]
        if kind == "TaskStateEntered":
            entered = event["stateEnteredEventDetails"]["name"]
        elif kind == "TaskScheduled":
            details = event["taskScheduledEventDetails"]
            token = _token_in(json.loads(details.get("parameters") or "{}"))
            if token is not None and entered is not None:
                open_tasks.append((entered, details["resource"], token))
        elif kind in _ENDED:
            resource = event[_ENDED[kind]].get("resource")
            for index, (_, task_resource, _) in enumerate(open_tasks):
                if task_resource == resource:
                    del open_tasks[index]
                    break
    return [(found_state, token) for found_state, _, token in open_tasks]


def _token_in(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if "token" in key.lower() and isinstance(item, str):
                return item
        for item in value.values():
            found = _token_in(item)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _token_in(item)
            if found is not None:
                return found
    return None


def answer_task(sfn: Any, token: str, output: Any = None, *, error: str | None = None,
                cause: str | None = None) -> None:
    """SendTaskSuccess with `output` (a JSON value), or SendTaskFailure when `error` is given."""
    if error is not None:
        sfn.send_task_failure(taskToken=token, error=error, cause=cause or "")
    else:
        sfn.send_task_success(taskToken=token, output=json.dumps({} if output is None else output))


def _ended(sfn: Any, execution_arn: str) -> dict[str, Any] | None:
    description: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
    return description if description["status"] in TERMINAL else None


def _poll(probe: Any, timeout: float, what: str) -> Any:
    """Call `probe` until it answers something, backing off from 2 ms to 50 ms."""
    deadline, pause = time.monotonic() + timeout, 0.002
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:g} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
