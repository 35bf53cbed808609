"""New executions stepped on the caller's thread. Express: only those that end within the budget
with nothing left for the loop, with the outcome the loop gives. Standard: the first step, stored as the loop stores it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from statewright.asl.drive import execution_context
from statewright.asl.types import ExecutionStart
from statewright.engine import StartSpec
from statewright.engine.definitions import DefinitionCache
from statewright.engine.inline import INLINE_BUDGET, STANDARD_INLINE_BUDGET, run_inline
from statewright.store import AlreadyExists

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


# --- Standard: the first step taken on the caller's thread -------------------------------------

STANDARD = "arn:aws:states:us-east-1:123456789012:execution:m:"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:work"
PARALLEL = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": True}}},
    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": True}}}]}}}
TIMED = dict(THREE_STATES, TimeoutSeconds=60)
ON_ACTIVITY = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": ACTIVITY, "End": True}}}


def _standard(name: str, definition: dict, payload: object) -> StartSpec:
    return StartSpec(arn=STANDARD + name, state_machine_arn=MACHINE, state_machine_name="m", name=name,
                     input_text=json.dumps(payload), definition_text=json.dumps(definition), role_arn=ROLE)


def _opened(harness):
    """An engine whose recovery is done: only then does it step new starts on the caller's thread."""
    engine = harness.open()
    engine._recovered.wait(5)
    return engine


def _comparable(harness, arn: str) -> tuple:
    """What an execution left in the store, without what differs between two runs (its name
    and ARN, timestamps, random task tokens)."""
    record = harness.wait(arn)
    name = arn.rsplit(":", 1)[1]
    history = json.dumps(harness.store.history(arn)).replace(arn, "ARN").replace(f'"{name}"', '"NAME"')
    events = [{key: value for key, value in event.items() if key != "timestamp"} for event in json.loads(history)]
    body = {key: value for key, value in record.body.items() if key != "input"}
    return record.status, body, events


@pytest.mark.parametrize("definition, payload", [
    (THREE_STATES, {"x": 1}), (FAILS, {}), (CHOOSES, {"n": 5}), (BAD_PATH, {"a": 1}), (WAITS, {}),
    (_loop(STANDARD_INLINE_BUDGET), {}), (TIMED, {"t": 1}), (PARALLEL, {})],
    ids=["pass", "fail", "choice", "bad-path", "wait", "past-the-budget", "timeout-seconds", "parallel"])
def test_a_standard_start_stores_what_the_loop_stores(harness, definition, payload):
    """A watched start (on_end) always goes through the loop: the two must leave the same rows."""
    engine = _opened(harness)
    inline, looped = _standard("inline", definition, payload), _standard("looped", definition, payload)
    engine.start_execution(inline).result(5)
    ends: list = []
    engine.start_execution(looped, on_end=ends.append).result(5)
    assert _comparable(harness, inline.arn) == _comparable(harness, looped.arn)
    assert harness.store.pending_tasks(inline.arn) == [] and harness.store.timers(inline.arn) == []


def test_a_standard_start_that_ends_at_once_never_reaches_the_loop(harness):
    engine = _opened(harness)
    posted: list = []
    post = engine._post
    engine._post = lambda job: (posted.append(job), post(job))
    record = engine.start_execution(_standard("quick", THREE_STATES, {})).result(5)
    assert record is not None and harness.store.get_execution(record.arn).status == "SUCCEEDED"
    assert posted == []
    engine.start_execution(_standard("slow", WAITS, {})).result(5)
    assert len(posted) == 1  # the adoption of the run, which has a timer to arm
    assert harness.wait(STANDARD + "slow").status == "SUCCEEDED"


def test_a_standard_start_of_a_name_in_use_is_refused_and_changes_nothing(harness):
    engine = _opened(harness)
    first = engine.start_execution(_standard("twice", WAITS, {"v": 1})).result(5)
    with pytest.raises(AlreadyExists):
        engine.start_execution(_standard("twice", THREE_STATES, {"v": 2})).result(5)
    stored = harness.wait(first.arn)
    assert json.loads(stored.body["input"]) == {"v": 1}
    assert [event["type"] for event in harness.store.history(first.arn)][-1] == "ExecutionSucceeded"
    assert sum(event["type"] == "ExecutionStarted" for event in harness.store.history(first.arn)) == 1


def test_a_task_of_a_standard_start_is_dispatched_once_stored_and_answered(harness):
    engine = _opened(harness)
    arn = engine.start_execution(_standard("work", ON_ACTIVITY, {"job": 7})).result(5).arn
    assert [task.resource for task in harness.store.pending_tasks(arn)] == [ACTIVITY]
    task = engine.poll_activity(ACTIVITY, 5)
    assert json.loads(task.input_text) == {"job": 7}
    engine.answer_task(task.token, output={"done": True}).result(5)
    assert json.loads(harness.wait(arn).body["output"]) == {"done": True}


def test_a_standard_start_survives_a_crash_right_after_its_answer(harness):
    """The loop may never adopt the run (the process dies first): what was stored resumes it."""
    engine = _opened(harness)
    arn = engine.start_execution(_standard("crash", WAITS, {})).result(5).arn
    harness.close()  # queued jobs (the adoption) are dropped, as by kill -9
    harness.open()
    assert harness.wait(arn).status == "SUCCEEDED"


def test_a_standard_execution_that_failed_in_its_first_step_can_be_redriven(harness):
    engine = _opened(harness)
    fails_once = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "F"},
                                             "F": {"Type": "Fail", "Error": "E"}}}
    arn = engine.start_execution(_standard("again", fails_once, {})).result(5).arn
    assert harness.wait(arn).status == "FAILED"
    assert engine.redrive_execution(arn).result(5).status == "RUNNING"
    assert harness.wait(arn).status == "FAILED"
    assert [event["type"] for event in harness.store.history(arn)].count("ExecutionRedriven") == 1


def test_identical_standard_starts_answer_the_same_execution_before_and_after_it_is_stored(harness):
    engine = _opened(harness)
    waits_long = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100_000, "End": True}}}
    spec = _standard("same", waits_long, {"n": 1})
    racing = [engine.start_execution(spec) for _ in range(8)]
    first = [answer.result(5) for answer in racing]
    later = engine.start_execution(spec).result(5)  # stored, and adopted by the loop by now or soon
    assert {record.start_date for record in [*first, later]} == {first[0].start_date}
    with pytest.raises(AlreadyExists):
        engine.start_execution(_standard("same", waits_long, {"n": 2})).result(5)
    assert engine.stop_execution(spec.arn, None, None).result(5) is True
    events = [event["type"] for event in harness.store.history(harness.wait(spec.arn).arn)]
    assert events.count("ExecutionStarted") == 1 and events[-1] == "ExecutionAborted"
