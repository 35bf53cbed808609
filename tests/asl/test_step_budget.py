"""asl.step: every step runs a bounded number of states, and a Standard history stops at AWS's quota."""

from __future__ import annotations

from typing import Any

from statewright.asl.definition import parse_definition
from statewright.asl.step import MAX_HISTORY_EVENTS, Execution, step
from statewright.asl.types import Continue, ExecutionStart, Finished, Proceed, StartTimer, StepResult

NOW = 1_700_000_000.0
CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:e1", "Name": "e1"},
           "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"}}
# A Pass -> Choice loop with no Wait: on its own it would never give the driver back.
LOOP = parse_definition({"StartAt": "Spin", "States": {
    "Spin": {"Type": "Pass", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
              "Default": "Spin"},
    "Done": {"Type": "Succeed"}}})


def _proceeds(result: StepResult) -> int:
    return sum(isinstance(command, Proceed) for command in result.commands)


def _finished(result: StepResult) -> Finished | None:
    return next((c for c in result.commands if isinstance(c, Finished)), None)


def _run(definition: Any, record: bool, budget: int, max_steps: int, max_seconds: float | None = None
         ) -> tuple[list[StepResult], Execution]:
    execution = Execution()
    results = [step(definition, execution, ExecutionStart({}, CONTEXT, max_seconds=max_seconds), NOW,
                    record=record, budget=budget)]
    while _proceeds(results[-1]) and len(results) < max_steps:
        results.append(step(definition, execution, Continue(), NOW, record=record, budget=budget))
    return results, execution


def test_a_loop_without_a_wait_yields_after_its_budget_with_the_rest_kept_in_the_state():
    results, execution = _run(LOOP, record=True, budget=50, max_steps=3)
    for result in results:
        assert _proceeds(result) == 1
        assert len(result.events) <= 2 * 50 + 1  # each state: Entered + Exited; the start event
    assert execution.status == "RUNNING" and execution.ready == ["root"]
    # the checkpointed state carries on exactly where the last slice stopped
    restored = Execution.from_dict(execution.to_dict())
    before = restored.last_event_id
    result = step(LOOP, restored, Continue(), NOW, budget=10)
    assert [event["id"] for event in result.events] == list(range(before + 1, before + 21))


def test_a_standard_loop_fails_with_its_25000th_event():
    results, execution = _run(LOOP, record=True, budget=1_000, max_steps=100)
    events = [event for result in results for event in result.events]
    assert [event["id"] for event in events] == list(range(1, MAX_HISTORY_EVENTS + 1))
    assert events[-1]["type"] == "ExecutionFailed"
    details = events[-1]["executionFailedEventDetails"]
    assert details["error"] == "States.Runtime" and "25000" in details["cause"]
    finished = _finished(results[-1])
    assert finished is not None and finished.status == "FAILED" and execution.ready == []


def test_an_execution_whose_25000th_event_is_its_success_succeeds():
    # ExecutionStarted + 12,499 × (Entered, Exited) + ExecutionSucceeded = 25,000 events
    names = [f"P{i}" for i in range(12_499)]
    states = {name: {"Type": "Pass", "Next": nxt} for name, nxt in zip(names, names[1:], strict=False)}
    states[names[-1]] = {"Type": "Pass", "End": True}
    results, _ = _run(parse_definition({"StartAt": "P0", "States": states}), record=True, budget=5_000,
                      max_steps=10)
    events = [event for result in results for event in result.events]
    assert len(events) == MAX_HISTORY_EVENTS and events[-1]["type"] == "ExecutionSucceeded"


def test_without_history_a_loop_still_yields_and_is_not_cut_by_the_event_quota():
    results, execution = _run(LOOP, record=False, budget=1_000, max_steps=40, max_seconds=300)
    assert len(results) == 40 and all(_proceeds(result) == 1 for result in results)
    assert execution.status == "RUNNING" and execution.last_event_id > MAX_HISTORY_EVENTS
    timers = [c for c in results[0].commands if isinstance(c, StartTimer)]
    assert [timer.due for timer in timers] == [NOW + 300]


def test_max_seconds_caps_a_longer_timeout_and_leaves_a_shorter_one():
    for timeout, cap, due in ((600, 300, 300), (60, 300, 60)):
        definition = parse_definition({"StartAt": "P", "TimeoutSeconds": timeout,
                                       "States": {"P": {"Type": "Wait", "Seconds": 1000, "End": True}}})
        result = step(definition, Execution(), ExecutionStart({}, CONTEXT, max_seconds=cap), NOW)
        assert min(c.due for c in result.commands if isinstance(c, StartTimer)) == NOW + due


def test_a_map_over_many_items_is_cut_into_slices_and_every_item_runs():
    definition = parse_definition({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}}}})
    execution = Execution()
    results = [step(definition, execution, ExecutionStart(list(range(300)), CONTEXT), NOW, budget=64)]
    while _proceeds(results[-1]):
        results.append(step(definition, execution, Continue(), NOW, budget=64))
    assert len(results) > 3
    finished = _finished(results[-1])
    assert finished is not None and finished.status == "SUCCEEDED" and finished.output == list(range(300))
