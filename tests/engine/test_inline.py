"""Express executions run on the caller's thread: only those that end within the budget with
nothing left for the loop, and with the outcome the loop would give."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from statewright.asl.drive import execution_context
from statewright.asl.types import ExecutionStart
from statewright.engine import StartSpec
from statewright.engine.definitions import DefinitionCache
from statewright.engine.inline import INLINE_BUDGET, run_inline

from .conftest import MACHINE

ARN = "arn:aws:states:us-east-1:123456789012:express:m:e1:x"
ROLE = "arn:aws:iam::123456789012:role/r"
THREE_STATES = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.a", "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd(1, 2)"}, "ResultPath": "$.b", "Next": "C"},
    "C": {"Type": "Succeed"}}}
FAILS = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}
CHOOSES = {"StartAt": "C", "States": {
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}],
          "Default": "Small"},
    "Big": {"Type": "Pass", "Result": "big", "End": True},
    "Small": {"Type": "Pass", "Result": "small", "End": True}}}
BAD_PATH = {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.missing.deeper", "End": True}}}
WAITS = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                         "Parameters": {"FunctionName": "f"}, "End": True}}}


def _loop(budget: int) -> dict:
    """A Choice loop that runs 2 × `budget` + 3 states before it ends, with `budget` as output."""
    return {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": budget,
                                                  "Next": "Done"}], "Default": "Add"},
        "Add": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed", "OutputPath": "$.i"}}}


def _start(payload: object) -> ExecutionStart:
    context = execution_context("m", "e1", payload, 1000.0, ROLE, "EXPRESS", ARN, MACHINE)
    return ExecutionStart(input=payload, context=context, seed=7, role_arn=ROLE, max_seconds=300)


def _inline(definition: dict, payload: object = None):
    return run_inline(DefinitionCache(), json.dumps(definition), lambda: _start(payload or {}), 1000.0)


def test_a_short_workflow_ends_inline_with_its_output():
    outcome = _inline(THREE_STATES, {"x": 1})
    assert outcome is not None
    assert (outcome.status, json.loads(outcome.output)) == ("SUCCEEDED", {"x": 1, "a": {"ok": True}, "b": {"sum": 3}})
    assert outcome.start_date == outcome.stop_date == 1000.0


def test_a_failing_workflow_ends_inline_with_its_error():
    outcome = _inline(FAILS)
    assert outcome is not None
    assert (outcome.status, outcome.output, outcome.error, outcome.cause) == ("FAILED", None, "Oops", "on purpose")


@pytest.mark.parametrize("definition", [WAITS, TASK, _loop(INLINE_BUDGET)], ids=["wait", "task", "long"])
def test_what_needs_the_loop_is_left_to_it(definition):
    assert _inline(definition) is None


def test_a_loop_within_the_budget_ends_inline():
    outcome = _inline(_loop(INLINE_BUDGET // 4))
    assert outcome is not None and json.loads(outcome.output) == INLINE_BUDGET // 4


def test_a_definition_that_does_not_compile_is_left_to_the_loop():
    assert run_inline(DefinitionCache(), "{not json", lambda: _start({}), 1000.0) is None


@pytest.mark.parametrize("definition, payload", [(THREE_STATES, {"x": 1}), (FAILS, {}), (CHOOSES, {"n": 5}),
                                                 (CHOOSES, {"n": 0}), (BAD_PATH, {"a": 1})],
                         ids=["pass", "fail", "choice-big", "choice-small", "bad-path"])
def test_run_sync_answers_what_the_loop_answers(harness, definition, payload):
    engine = harness.open()
    spec = StartSpec(arn=ARN, state_machine_arn=MACHINE, state_machine_name="m", name="e1",
                     input_text=json.dumps(payload), definition_text=json.dumps(definition), role_arn=ROLE,
                     express=True)
    inline = engine.run_sync(spec)
    assert inline.done()  # answered on this thread, before the loop saw it
    # A logged execution always goes through the loop (its events are made there).
    looped = engine.run_sync(replace(spec, arn=ARN + "2", logging={"level": "ALL", "destinations": []})).result(5)
    mine = inline.result()
    assert (mine.status, mine.output, mine.error, mine.cause) == (looped.status, looped.output, looped.error,
                                                                  looped.cause)
