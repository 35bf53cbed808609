"""asl.step with `record=False, keep=…`: an Express execution that logs only failures makes just
those events, and each is exactly the event a fully recorded run makes (same id, previous id,
details), while the no-history fast paths stay on. `quota=False`: no history quota (Express)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.asl.test_step_properties import _accepted, _inputs, _machine

from statewright.asl.definition import parse_definition
from statewright.asl.drive import drive, execution_context, no_tasks
from statewright.asl.step import MAX_HISTORY_EVENTS, Execution, step
from statewright.asl.types import ExecutionStart, RunTask, StepInput, TaskFailed, TaskSucceeded
from statewright.services.logs.states import ERROR_EVENTS, FATAL_EVENTS

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:Review"
SERVICE = "arn:aws:states:::dynamodb:putItem"


def _run(definition: dict[str, Any], execution_input: Any, *, keep: frozenset[str] | None = None,
         answers: dict[str, list[str | None]] | None = None, seed: int = 0, timeout: float | None = None,
         quota: bool = True) -> tuple[list[dict[str, Any]], Any]:
    """(events, finished) of one execution driven to its end: recorded in full without `keep`."""
    parsed = parse_definition(definition)
    context = execution_context("m", "e", execution_input, 1_700_000_000.0, "arn:aws:iam::123456789012:role/r")
    first = ExecutionStart(execution_input, context, seed=seed, role_arn="arn:aws:iam::123456789012:role/r",
                           max_seconds=timeout)
    stepper = functools.partial(step, keep=keep, quota=quota)
    call_task = _answers(answers) if answers is not None else no_tasks
    return drive(parsed, Execution(), first, 1_700_000_000.0, call_task, keep is None, 50_000, stepper)


def _same_failures(definition: dict[str, Any], execution_input: Any, **options: Any) -> list[dict[str, Any]]:
    """Run twice (recorded in full; keeping only ERROR's events) and check they agree."""
    full, finished = _run(definition, execution_input, **options)
    for level in (ERROR_EVENTS, FATAL_EVENTS):
        kept, kept_finished = _run(definition, execution_input, keep=level, **options)
        assert kept == [event for event in full if event["type"] in level]
        assert kept_finished == finished
    return full


def _answers(outcomes: dict[str, list[str | None]]) -> Callable[[RunTask, Any], StepInput | None]:
    """A task caller answering each resource's tasks in turn: "ok" succeeds, an error name fails,
    None never answers (so the task times out)."""
    queues = {resource: list(values) for resource, values in outcomes.items()}

    def call(command: RunTask, deliver: Any) -> StepInput | None:
        answer = queues[command.resource].pop(0) if queues[command.resource] else "ok"
        if answer is None:
            return None
        if answer == "ok":
            return TaskSucceeded(command.task_id, {"done": True})
        return TaskFailed(command.task_id, str(answer), f"{answer} happened")
    return call


FAILING = [
    # a Fail state after fast-path Pass states: FailStateEntered follows their (uncounted) events
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 1,
                                "ResultPath": "$.n", "Next": "F"},
                                "F": {"Type": "Fail", "Error": "Bad", "Cause": "because"}}},
    # tasks of each family failing, retried, caught
    {"StartAt": "L", "States": {
        "L": {"Type": "Task", "Resource": LAMBDA, "Retry": [{"ErrorEquals": ["E1"], "MaxAttempts": 2,
                                                             "IntervalSeconds": 1}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "S"}], "Next": "S"},
        "S": {"Type": "Task", "Resource": SERVICE, "Parameters": {"a": 1},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}], "Next": "A"},
        "A": {"Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 5, "End": True}}},
    # Map iterations failing past their tolerance; a Parallel whose branch fails
    {"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 1, "MaxConcurrency": 2,
              "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": LAMBDA,
                                                                 "End": True}}},
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.m", "Next": "P"}], "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}},
            {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"},
                                        "Y": {"Type": "Fail", "Error": "Branch"}}}], "End": True}}},
]


@pytest.mark.parametrize("definition", FAILING, ids=["fail-state", "tasks", "map-parallel"])
def test_failure_events_are_the_recorded_ones(definition: dict[str, Any]) -> None:
    answers = {LAMBDA: ["E1", "E2", "ok", "E3", "E4", "ok"], SERVICE: ["Boom"], ACTIVITY: [None]}
    full = _same_failures(definition, {"items": [1, 2, 3, 4]}, answers=answers)
    assert {event["type"] for event in full} & ERROR_EVENTS, "the example must fail somewhere"


def test_an_execution_timeout_is_kept() -> None:
    waits = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
    full = _same_failures(waits, {}, timeout=30)
    assert full[-1]["type"] == "ExecutionTimedOut"


def test_nothing_is_made_when_nothing_fails() -> None:
    chain = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}}
    events, finished = _run(chain, {}, keep=ERROR_EVENTS)
    assert events == [] and finished.status == "SUCCEEDED"


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(definition=_machine(), execution_input=_inputs, seed=st.integers(0, 3))
def test_kept_events_match_a_recorded_run(definition: dict[str, Any], execution_input: dict[str, Any],
                                          seed: int) -> None:
    if _accepted(definition):
        _same_failures(definition, execution_input, seed=seed)


LOOP = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 7000, "Next": "Inc"}],
              "Default": "Done"},
    "Done": {"Type": "Fail", "Error": "Done"}}}


def test_the_history_quota_applies_only_with_quota() -> None:
    events, finished = _run(LOOP, {})
    assert finished.error == "States.Runtime" and len(events) == MAX_HISTORY_EVENTS
    events, finished = _run(LOOP, {}, quota=False)
    assert finished.error == "Done" and len(events) > MAX_HISTORY_EVENTS
    kept, finished = _run(LOOP, {}, keep=ERROR_EVENTS, quota=False)
    assert finished.error == "Done"
    assert kept == [event for event in events if event["type"] in ERROR_EVENTS]
