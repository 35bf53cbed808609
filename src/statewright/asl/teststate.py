"""TestState: run one state of a definition in isolation, as the TestState API does.

The definition is either a single state (`{"Type": "Pass", ...}`) or a whole machine with a
`stateName`. The state runs once, with no Next: the answer is its output (or error), the state
it would go to, and - at DEBUG/TRACE - the data after each processing step.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from . import itemreader
from .dataflow import (
    Scope,
    effective_input,
    jsonata_value,
    jsonpath_output,
    place_result,
    render,
    select,
    states_binding,
)
from .definition import DefinitionError, load_json, parse_definition, too_deep_error
from .drive import TaskCaller, drive, execution_context, no_tasks
from .errors import StatesError
from .frames import Frame
from .limits import TooDeep, too_deep
from .model import ABSENT, Definition, Machine, State
from .outcome import Done
from .paths import PathError, PathNotFound, compile_path
from .states import error_matches
from .step import Execution, Stepper
from .teststate_mocks import TestConfiguration, TestMock, check_request
from .teststate_mocks import as_task as _as_task
from .teststate_mocks import map_failures as _map_failures
from .types import ExecutionStart, RunTask, StepInput, StepResult, TaskSucceeded


class _OneState(Stepper):
    """A Stepper that stops the top-level frame after its first state.

    As TestState does, a Retrier that matches ends the test (RETRIABLE) instead of retrying,
    and a Catcher that matches is reported as CAUGHT_ERROR.
    """

    captured: tuple[State, Done] | None = None
    error_details: dict[str, Any] | None = None
    outcome: str | None = None
    context: dict[str, Any] | None = None  # the tested state's context object, once built
    given_context: dict[str, Any] | None = None  # the request's `context`, laid over it
    retry_count: int | None = None  # stateConfiguration.retrierRetryCount
    # AWS's TestState names the tested state "StateName" in the context object, whatever it is
    # called in the definition (an independent implementation validated against AWS notes the same).
    STATE_NAME = "StateName"
    FAST_PATHS = False  # finish_state below captures the tested state: every state runs the general way

    def context_for(self, frame: Frame, state: State) -> dict[str, Any]:
        context: dict[str, Any] = super().context_for(frame, state)
        if frame["parent"] is None:
            context["State"] = {**context["State"], "Name": self.STATE_NAME}
            if self.given_context:
                context = _overlay(context, self.given_context)
            type(self).context = context
        return context

    def finish_state(self, frame: Frame, state: State, done: Done) -> bool:
        if frame["parent"] is not None:
            return super().finish_state(frame, state, done)
        type(self).captured = (state, done)
        self.ex.status = "SUCCEEDED"
        self.ex.output = done.output
        return False

    def try_retry(self, frame: Frame, state: State, err: StatesError) -> bool:
        if frame["parent"] is not None:
            return bool(super().try_retry(frame, state, err))
        for index, retrier in enumerate(state.retry):
            if error_matches(retrier.error_equals, err.error):
                attempts = self.retry_count if self.retry_count is not None else frame["attempts"].get(str(index), 0)
                if attempts >= retrier.max_attempts:
                    return False
                cls = type(self)
                cls.outcome = "RETRIABLE"
                cls.error_details = {"error": err.error, "cause": err.cause, "retryIndex": index,
                                     "retryBackoffIntervalSeconds": _backoff(retrier, attempts)}
                self.ex.status = "FAILED"
                self.ex.error, self.ex.cause = err.error, err.cause
                return True
        return False

    def try_catch(self, frame: Frame, state: State, err: StatesError) -> bool:
        if frame["parent"] is None:
            for index, catcher in enumerate(state.catch):
                if error_matches(catcher.error_equals, err.error):
                    cls = type(self)
                    cls.outcome = "CAUGHT_ERROR"
                    cls.error_details = {"error": err.error, "cause": err.cause, "catchIndex": index}
                    break
        return bool(super().try_catch(frame, state, err))


def _overlay(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The context object with the request's `context` laid over it, object by object."""
    merged = dict(base)
    for key, value in given.items():
        merged[key] = _overlay(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def _backoff(retrier: Any, attempts: int) -> int:
    """The wait before retry `attempts + 1`: IntervalSeconds × BackoffRate^attempts, capped."""
    seconds = retrier.interval_seconds * retrier.backoff_rate ** attempts
    if retrier.max_delay_seconds is not None:
        seconds = min(seconds, retrier.max_delay_seconds)
    return int(seconds)


def _find_state(raw: dict[str, Any], name: str) -> tuple[dict[str, Any], str] | None:
    """The machine (dict) that holds state `name`, searching nested branches and processors."""
    states = raw.get("States") or {}
    if name in states:
        return raw, name
    for body in states.values():
        nested = list(body.get("Branches") or [])
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(body.get(key), dict):
                nested.append(body[key])
        for machine in nested:
            found = _find_state(machine, name)
            if found:
                return found
    return None


def _single_machine(raw: dict[str, Any], state_name: str | None) -> dict[str, Any]:
    if "States" not in raw:
        return {"StartAt": "TestState", "States": {"TestState": raw},
                **({"QueryLanguage": raw["QueryLanguage"]} if "QueryLanguage" in raw else {})}
    if state_name is None:
        raise ValueError("stateName is required when the definition is a whole state machine")
    found = _find_state(raw, state_name)
    if found is None:
        raise ValueError(f"State '{state_name}' does not exist in the definition")
    machine, name = found
    language = machine.get("QueryLanguage", raw.get("QueryLanguage", "JSONPath"))
    return {"StartAt": name, "States": machine["States"], "QueryLanguage": language}


def _reader_data(call_task: TaskCaller, resource: str, data: Any) -> TaskCaller:
    """Answer the Map's ItemReader with `stateConfiguration.mapItemReaderData` instead of S3."""
    answer = itemreader.test_answer(data)

    def call(command: RunTask, deliver: Callable[[StepInput], None]) -> StepInput | None:
        if command.resource == resource:
            return TaskSucceeded(command.task_id, answer)
        return call_task(command, deliver)

    return call


def tested_state(definition: str | dict[str, Any], state_name: str | None = None) -> dict[str, Any]:
    """The raw body of the state a TestState request tests."""
    raw = _single_machine(load_json(definition), state_name)
    state: dict[str, Any] = raw["States"][raw["StartAt"]]
    return state


def test_state(definition: str | dict[str, Any], state_input: Any, *, state_name: str | None = None,
               inspection_level: str = "INFO", variables: dict[str, Any] | None = None,
               call_task: TaskCaller = no_tasks, now: float | None = None,
               role_arn: str | None = None, context: dict[str, Any] | None = None,
               mock: TestMock | None = None, configuration: TestConfiguration | None = None) -> dict[str, Any]:
    """Run one state; returns the TestState response body (status, output/error, nextState…).

    A Task state's task runs through `call_task` (see `statewright.integrations.runner.task_caller`),
    or answers with `mock`. The context object is an execution's, except that `Execution.RoleArn`
    is the request's `roleArn` (null without one, as AWS leaves it) and `State.Name` is AWS's
    "StateName"; `context` is laid over it. A mocked Map or Parallel state is not run: the mock
    is its result (or error). Raises ValueError for a request AWS refuses (the message says why):
    input or variables nested too deeply raise TooDeep (a ValueError naming the field); a
    definition nested too deeply, DefinitionError.
    """
    for what, value in (("input", state_input), ("variables", variables)):
        if too_deep(value):
            raise TooDeep(what)
    try:
        return _test_state(definition, state_input, state_name, inspection_level, variables, call_task,
                           now, role_arn, context, mock, configuration)
    except RecursionError:  # intrinsics nested within intrinsics, deeper than the parser's stack
        raise too_deep_error() from None


def _test_state(definition: str | dict[str, Any], state_input: Any, state_name: str | None,
                inspection_level: str, variables: dict[str, Any] | None, call_task: TaskCaller,
                now: float | None, role_arn: str | None, context: dict[str, Any] | None,
                mock: TestMock | None, configuration: TestConfiguration | None) -> dict[str, Any]:
    settings, given_context = configuration or TestConfiguration(), context
    raw = _single_machine(load_json(definition), state_name)
    tested = raw["States"][raw["StartAt"]]
    check_request(tested, mock, settings)
    if mock is not None:
        call_task = mock.caller()
        failed = _map_failures(tested, mock, settings)
        if failed is not None:
            call_task = failed.caller()
        if tested.get("Type") in ("Map", "Parallel"):
            raw = {**raw, "States": {**raw["States"], raw["StartAt"]: _as_task(tested)}}
    if mock is None and settings.map_item_reader_data is not ABSENT:
        call_task = _reader_data(call_task, str(tested["ItemReader"].get("Resource")), settings.map_item_reader_data)
    parsed = parse_definition(raw, check=False)
    clock = time.time() if now is None else now
    execution = Execution()
    context = execution_context("TestState", "TestState", state_input, clock, "")
    context["Execution"]["RoleArn"] = role_arn
    start = ExecutionStart(state_input, context)

    class Capture(_OneState):
        captured = None
        error_details = None
        outcome = None
        context = None
        given_context: dict[str, Any] | None = None
        retry_count = settings.retrier_retry_count

    Capture.given_context = given_context

    def one_step(d: Definition, ex: Execution, event: StepInput, t: float, record: bool) -> StepResult:
        stepper = Capture(d, ex, t, record)
        if ex.status == "RUNNING":
            stepper.dispatch(event)
            if isinstance(event, ExecutionStart) and variables:
                ex.frames["root"]["vars"].update(variables)
            stepper.drain()
        return stepper.result

    drive(parsed, execution, start, clock, call_task, True, step_function=one_step)
    seen = _Seen(Capture.context or context, dict(variables or {}))
    response = _response(parsed.root, execution, Capture.captured, state_input, inspection_level,
                         Capture.outcome, seen, mock)
    if inspection_level != "INFO" and tested.get("Type") == "Map":
        response["inspectionData"].update(_map_inspection(tested, state_input, seen))
    if Capture.error_details is not None:
        if Capture.outcome == "RETRIABLE":
            response.pop("output", None)
        response.setdefault("inspectionData", {})["errorDetails"] = {
            k: v for k, v in Capture.error_details.items() if k not in ("error", "cause")}
        response["error"] = Capture.error_details["error"]
        if Capture.error_details["cause"] is not None:
            response["cause"] = Capture.error_details["cause"]
        if inspection_level == "INFO":
            response.pop("inspectionData", None)
    return response


class _Seen:
    """What the tested state saw: its context object and the variables it was given."""

    def __init__(self, context: dict[str, Any], variables: dict[str, Any]) -> None:
        self.context = context
        self.variables = variables


def _response(machine: Machine, execution: Execution, captured: tuple[State, Done] | None,
              state_input: Any, level: str, outcome: str | None, seen: _Seen,
              mock: TestMock | None = None) -> dict[str, Any]:
    state = machine.states[machine.start_at]
    response: dict[str, Any] = {}
    if outcome == "RETRIABLE":
        response["status"] = "RETRIABLE"
    elif captured is not None:
        _, done = captured
        response["status"] = outcome or "SUCCEEDED"
        response["output"] = done.output
        if done.next is not None and state.type != "Succeed":
            response["nextState"] = done.next
    elif execution.status == "FAILED":
        response["status"] = "FAILED"
        if execution.error is not None:
            response["error"] = execution.error
        if execution.cause is not None:
            response["cause"] = execution.cause
    else:
        response["status"] = "RETRIABLE" if execution.status == "RUNNING" else execution.status
    if level in ("DEBUG", "TRACE"):
        response["inspectionData"] = _inspection(state, state_input, response, seen, mock)
        after = {**seen.variables, **(captured[1].assigned if captured is not None else {})}
        if after:
            # The workflow variables after the state: those given, then those it assigned.
            response["inspectionData"]["variables"] = after
    return response


def _inspection(state: State, state_input: Any, response: dict[str, Any], seen: _Seen,
                mock: TestMock | None = None) -> dict[str, Any]:
    """The data after each processing step, as TestState's DEBUG level shows it. The steps see the
    same variables and context object the state saw, so `$var` and `$$` resolve as in the run."""
    data: dict[str, Any] = {"input": state_input}
    if state.type == "Fail":
        return data
    scope = Scope(state_input, seen.context, [seen.variables], random.Random(0))
    if state.jsonata:
        arguments = getattr(state, "arguments", ABSENT)
        if arguments is not ABSENT:
            try:
                data["afterArguments"] = jsonata_value(
                    arguments, scope, states_binding(state_input, seen.context), "Arguments")
            except StatesError:
                pass
        if mock is not None and mock.result is not ABSENT:
            data["result"] = mock.result
        return data
    try:
        if mock is not None and mock.result is not ABSENT:
            return _task_inspection(state, state_input, response, scope, data, mock.result)
        pass_result = getattr(state, "result", ABSENT)  # a Pass state's Result
        if pass_result is not ABSENT:
            data["result"] = pass_result
            data["afterResultSelector"] = pass_result
            data["afterResultPath"] = response.get("output")
            return data
        data["afterInputPath"] = select(state.input_path, state_input, scope)
        data["afterParameters"] = effective_input(state, state_input, scope)
        data["afterResultSelector"] = data["afterParameters"]
        data["afterResultPath"] = jsonpath_output(state, state_input, data["afterParameters"], scope,
                                                  selector=False) if state.output_path is ABSENT \
            else response.get("output")
    except (StatesError, DefinitionError, PathNotFound):
        pass
    return data


def _task_inspection(state: State, state_input: Any, response: dict[str, Any], scope: Scope,
                     data: dict[str, Any], result: Any) -> dict[str, Any]:
    """A mocked task's stages: its parameters, the mocked result, then ResultSelector and ResultPath."""
    data["afterInputPath"] = select(state.input_path, state_input, scope)
    data["afterParameters"] = effective_input(state, state_input, scope)
    data["result"] = result
    selector = getattr(state, "result_selector", ABSENT)
    data["afterResultSelector"] = render(selector, result, scope) if selector is not ABSENT else result
    if response.get("status") == "SUCCEEDED":
        # Before OutputPath: the result placed into the state's input.
        data["afterResultPath"] = place_result(state.result_path, state_input, data["afterResultSelector"])
    return data


def _map_inspection(raw: dict[str, Any], state_input: Any, seen: _Seen) -> dict[str, Any]:
    """A Map state's own stages and settings, as TestState shows them."""
    data: dict[str, Any] = {}
    scope = Scope(state_input, seen.context, [seen.variables], random.Random(0))
    for key, name in (("ToleratedFailureCount", "toleratedFailureCount"), ("MaxConcurrency", "maxConcurrency"),
                      ("ToleratedFailurePercentage", "toleratedFailurePercentage")):
        if isinstance(raw.get(key), int | float) and not isinstance(raw.get(key), bool):
            data[name] = raw[key]
    if raw.get("QueryLanguage", "JSONPath") == "JSONPath" and isinstance(raw.get("ItemsPath", "$"), str):
        try:
            data["afterItemsPath"] = select(compile_path(raw.get("ItemsPath", "$")), state_input, scope)
        except (StatesError, PathNotFound, PathError):
            pass
    return data
