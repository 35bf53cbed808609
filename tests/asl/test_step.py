"""asl.step: the pure step driven by hand — inputs in, events and commands out, nothing else."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.model import Definition
from statewright.asl.step import Execution, iso_time, step
from statewright.asl.types import (
    CancelTask,
    CancelTimer,
    ExecutionStart,
    Finished,
    RunTask,
    StartTimer,
    StepInput,
    StepResult,
    StopRequested,
    TaskFailed,
    TaskHeartbeat,
    TaskSucceeded,
    TimerFired,
)

NOW = 1_700_000_000.0
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:e1", "Name": "e1"},
           "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"},
           "Ignored": {"x": 1}}


def _definition(states: dict[str, Any], start: str | None = None, **top: Any) -> Definition:
    return parse_definition({"StartAt": start or next(iter(states)), "States": states, **top})


def _task(**fields: Any) -> dict[str, Any]:
    body = {"Type": "Task", "Resource": LAMBDA, **fields}
    if "Next" not in body:
        body["End"] = True
    return body


def _start(definition: Definition, execution_input: Any = None, seed: int = 7,
           now: float = NOW) -> tuple[Execution, StepResult]:
    execution = Execution()
    result = step(definition, execution, ExecutionStart(
        {} if execution_input is None else execution_input, CONTEXT, seed=seed), now)
    json.dumps(execution.to_dict())
    return execution, result


def _of(result: StepResult, kind: type) -> list[Any]:
    return [c for c in result.commands if isinstance(c, kind)]


def _types(result: StepResult) -> list[str]:
    return [e["type"] for e in result.events]


def _finished(result: StepResult) -> Finished:
    found = _of(result, Finished)
    assert len(found) == 1, result.commands
    return found[0]


# --- start and simple runs ------------------------------------------------------------------


def test_pass_machine_finishes_in_one_step() -> None:
    definition = _definition({"A": {"Type": "Pass", "Result": {"x": 1}, "Next": "B"},
                              "B": {"Type": "Succeed"}})
    execution, result = _start(definition, {"in": True})
    assert _types(result) == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                              "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]
    assert _finished(result) == Finished("SUCCEEDED", {"x": 1})
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"x": 1}
    assert execution.transitions == 2


def test_events_are_numbered_and_chained() -> None:
    definition = _definition({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}})
    _, result = _start(definition)
    ids = [e["id"] for e in result.events]
    assert ids == list(range(1, len(ids) + 1))
    for event in result.events[2:]:
        assert event["previousEventId"] == event["id"] - 1
    assert all(e["timestamp"] == NOW for e in result.events)


def test_execution_started_event_details() -> None:
    execution = Execution()
    result = step(_definition({"A": {"Type": "Pass", "End": True}}), execution,
                  ExecutionStart({"k": "é"}, CONTEXT, role_arn="arn:aws:iam::1:role/r"), NOW)
    assert result.events[0]["executionStartedEventDetails"] == {
        "input": '{"k":"é"}', "inputDetails": {"truncated": False}, "roleArn": "arn:aws:iam::1:role/r"}


def test_context_keeps_only_execution_and_state_machine_and_adds_state() -> None:
    definition = _definition({"A": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True}})
    _, result = _start(definition)
    ctx = _finished(result).output["ctx"]
    assert set(ctx) == {"Execution", "StateMachine", "State"}
    assert ctx["State"] == {"EnteredTime": iso_time(NOW), "Name": "A"}
    assert iso_time(NOW) == "2023-11-14T22:13:20.000Z"


def test_step_on_a_finished_execution_does_nothing() -> None:
    definition = _definition({"A": {"Type": "Pass", "End": True}})
    execution, _ = _start(definition)
    again = step(definition, execution, ExecutionStart({}, CONTEXT), NOW)
    assert again.events == [] and again.commands == []


# --- tasks ----------------------------------------------------------------------------------


def test_task_emits_run_task_and_waits() -> None:
    definition = _definition({"T": _task(Parameters={"id.$": "$.id", "k": 1}, TimeoutSeconds=30,
                                         HeartbeatSeconds=10)})
    execution, result = _start(definition, {"id": 9})
    runs = _of(result, RunTask)
    assert len(runs) == 1
    run = runs[0]
    assert (run.resource, run.parameters, run.state_name) == (LAMBDA, {"id": 9, "k": 1}, "T")
    assert (run.timeout_seconds, run.heartbeat_seconds, run.token) == (30, 10, None)
    timers = sorted(_of(result, StartTimer), key=lambda t: t.due)
    assert [t.due for t in timers] == [NOW + 10, NOW + 30]
    assert _types(result)[-3:] == ["TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"]
    assert execution.status == "RUNNING"
    assert not _of(result, Finished)


def test_task_success_resumes_and_cancels_its_timers() -> None:
    definition = _definition({"T": _task(TimeoutSeconds=30, HeartbeatSeconds=10, ResultPath="$.r")})
    execution, first = _start(definition, {"a": 1})
    run = _of(first, RunTask)[0]
    timer_ids = {t.timer_id for t in _of(first, StartTimer)}
    result = step(definition, execution, TaskSucceeded(run.task_id, {"ok": True}), NOW + 5)
    assert {c.timer_id for c in _of(result, CancelTimer)} == timer_ids
    assert _types(result) == ["LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert result.events[0]["lambdaFunctionSucceededEventDetails"]["output"] == '{"ok":true}'
    assert all(e["timestamp"] == NOW + 5 for e in result.events)
    assert _finished(result) == Finished("SUCCEEDED", {"a": 1, "r": {"ok": True}})


def test_task_default_timeout_is_99999999() -> None:
    _, result = _start(_definition({"T": _task()}))
    assert _of(result, RunTask)[0].timeout_seconds == 99999999
    assert _of(result, RunTask)[0].heartbeat_seconds is None


def test_timeout_seconds_path() -> None:
    _, result = _start(_definition({"T": _task(TimeoutSecondsPath="$.t", HeartbeatSecondsPath="$.h")}),
                       {"t": 40, "h": 4})
    run = _of(result, RunTask)[0]
    assert (run.timeout_seconds, run.heartbeat_seconds) == (40, 4)
    assert sorted(t.due for t in _of(result, StartTimer)) == [NOW + 4, NOW + 40]


def test_wait_for_task_token_puts_the_token_in_run_task_and_context() -> None:
    definition = _definition({"T": _task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                         Parameters={"MessageBody": {"token.$": "$$.Task.Token"}})})
    _, result = _start(definition)
    run = _of(result, RunTask)[0]
    assert isinstance(run.token, str) and len(run.token) == 36
    assert run.parameters == {"MessageBody": {"token": run.token}}
    scheduled = result.events[-2]
    assert scheduled["type"] == "TaskScheduled"
    assert scheduled["taskScheduledEventDetails"]["resource"] == "sendMessage.waitForTaskToken"


def test_task_token_is_absent_without_wait_for_task_token() -> None:
    definition = _definition({"T": _task(Parameters={"token.$": "$$.Task.Token"})})
    execution, result = _start(definition)
    assert execution.status == "FAILED"
    assert _finished(result).error == "States.Runtime"


def test_task_tokens_differ_between_seeds_and_repeat_for_a_seed() -> None:
    definition = _definition({"T": _task(Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken")})
    tokens = [_of(_start(definition, seed=s)[1], RunTask)[0].token for s in (1, 1, 2)]
    assert tokens[0] == tokens[1] != tokens[2]


def test_task_failure_without_handlers_fails_the_execution() -> None:
    definition = _definition({"T": _task()})
    execution, first = _start(definition)
    run = _of(first, RunTask)[0]
    result = step(definition, execution, TaskFailed(run.task_id, "Oops", "it broke"), NOW + 1)
    assert _types(result) == ["LambdaFunctionFailed", "ExecutionFailed"]
    assert result.events[0]["lambdaFunctionFailedEventDetails"] == {"error": "Oops", "cause": "it broke"}
    assert _finished(result) == Finished("FAILED", None, "Oops", "it broke")
    assert result.events[-1]["executionFailedEventDetails"] == {"error": "Oops", "cause": "it broke"}


def test_task_timeout_timer_fails_with_states_timeout_and_cancels_the_task() -> None:
    definition = _definition({"T": _task(TimeoutSeconds=5)})
    execution, first = _start(definition)
    run = _of(first, RunTask)[0]
    timer = _of(first, StartTimer)[0]
    assert timer.due == NOW + 5
    result = step(definition, execution, TimerFired(timer.timer_id), timer.due)
    assert CancelTask(run.task_id) in result.commands
    assert _types(result) == ["LambdaFunctionTimedOut", "ExecutionFailed"]
    assert _finished(result).error == "States.Timeout"
    # The task's late answer changes nothing.
    late = step(definition, execution, TaskSucceeded(run.task_id, {}), timer.due + 1)
    assert late.events == [] and late.commands == []


def test_heartbeat_restarts_the_heartbeat_timer() -> None:
    definition = _definition({"T": _task(HeartbeatSeconds=10, TimeoutSeconds=100)})
    execution, first = _start(definition)
    run = _of(first, RunTask)[0]
    heartbeat = min(_of(first, StartTimer), key=lambda t: t.due)
    result = step(definition, execution, TaskHeartbeat(run.task_id), NOW + 8)
    assert _of(result, CancelTimer) == [CancelTimer(heartbeat.timer_id)]
    (renewed,) = _of(result, StartTimer)
    assert renewed.due == NOW + 18
    assert result.events == []
    # The old heartbeat timer firing is stale.
    stale = step(definition, execution, TimerFired(heartbeat.timer_id), NOW + 10)
    assert stale.events == [] and stale.commands == []
    timed_out = step(definition, execution, TimerFired(renewed.timer_id), renewed.due)
    assert _types(timed_out)[0] == "LambdaFunctionTimedOut"
    assert _finished(timed_out).error == "States.HeartbeatTimeout"


def test_heartbeat_for_a_task_without_heartbeat_seconds_is_ignored() -> None:
    definition = _definition({"T": _task()})
    execution, first = _start(definition)
    result = step(definition, execution, TaskHeartbeat(_of(first, RunTask)[0].task_id), NOW + 1)
    assert result.commands == [] and result.events == []


def test_a_second_answer_for_the_same_task_is_ignored() -> None:
    definition = _definition({"T": _task(Next="W"), "W": {"Type": "Wait", "Seconds": 5, "End": True}},
                             "T")
    execution, first = _start(definition)
    task_id = _of(first, RunTask)[0].task_id
    step(definition, execution, TaskSucceeded(task_id, {"n": 1}), NOW + 1)
    snapshot = json.dumps(execution.to_dict(), sort_keys=True)
    for answer in (TaskSucceeded(task_id, {"n": 2}), TaskFailed(task_id, "Late", "")):
        again = step(definition, execution, answer, NOW + 2)
        assert again.events == [] and again.commands == []
    assert json.dumps(execution.to_dict(), sort_keys=True) == snapshot


def test_answers_for_unknown_tasks_and_timers_are_ignored() -> None:
    definition = _definition({"T": _task()})
    execution, _ = _start(definition)
    for event in (TaskSucceeded("nope", 1), TaskFailed("nope", "E"), TaskHeartbeat("nope"),
                  TimerFired("nope")):
        result = step(definition, execution, event, NOW + 1)
        assert result.events == [] and result.commands == []
    assert execution.status == "RUNNING"


def test_task_retry_waits_on_a_timer_and_reruns() -> None:
    definition = _definition({"T": _task(Retry=[{"ErrorEquals": ["E"], "IntervalSeconds": 3}])})
    execution, first = _start(definition)
    task_id = _of(first, RunTask)[0].task_id
    failed = step(definition, execution, TaskFailed(task_id, "E", "x"), NOW + 1)
    (timer,) = _of(failed, StartTimer)
    assert timer.due == NOW + 4
    assert not _of(failed, RunTask)
    assert _types(failed) == ["LambdaFunctionFailed"]
    rerun = step(definition, execution, TimerFired(timer.timer_id), timer.due)
    assert len(_of(rerun, RunTask)) == 1
    assert _of(rerun, RunTask)[0].task_id != task_id
    # A retry is not a new state entry.
    assert _types(rerun) == ["LambdaFunctionScheduled", "LambdaFunctionStarted"]


# --- timers, Wait ---------------------------------------------------------------------------


def test_wait_emits_start_timer_and_resumes_on_fire() -> None:
    definition = _definition({"W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
                              "P": {"Type": "Pass", "End": True}})
    execution, first = _start(definition, {"v": 1})
    (timer,) = _of(first, StartTimer)
    assert timer.due == NOW + 60
    assert _types(first) == ["ExecutionStarted", "WaitStateEntered"]
    result = step(definition, execution, TimerFired(timer.timer_id), NOW + 60)
    assert _types(result) == ["WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert _finished(result).output == {"v": 1}
    # Firing the same timer twice is harmless.
    assert step(definition, execution, TimerFired(timer.timer_id), NOW + 61).events == []


# --- stop and execution timeout ---------------------------------------------------------------


def test_stop_requested_aborts_and_cancels_running_tasks() -> None:
    definition = _definition({"Par": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": _task()}},
        {"StartAt": "B", "States": {"B": _task()}}]}})
    execution, first = _start(definition)
    task_ids = {r.task_id for r in _of(first, RunTask)}
    assert len(task_ids) == 2
    result = step(definition, execution, StopRequested("Manual", "operator"), NOW + 3)
    assert {c.task_id for c in _of(result, CancelTask)} == task_ids
    assert _finished(result) == Finished("ABORTED", None, "Manual", "operator")
    assert _types(result) == ["ExecutionAborted"]
    assert result.events[0]["executionAbortedEventDetails"] == {"error": "Manual", "cause": "operator"}
    assert execution.status == "ABORTED"
    late = step(definition, execution, TaskSucceeded(next(iter(task_ids)), {}), NOW + 4)
    assert late.events == [] and late.commands == []


def test_stop_without_error_has_empty_details() -> None:
    definition = _definition({"W": {"Type": "Wait", "Seconds": 5, "End": True}})
    execution, first = _start(definition)
    result = step(definition, execution, StopRequested(), NOW + 1)
    assert result.events[0]["executionAbortedEventDetails"] == {}
    assert CancelTimer(_of(first, StartTimer)[0].timer_id) in result.commands


def test_execution_timeout_times_out() -> None:
    definition = _definition({"W": {"Type": "Wait", "Seconds": 500, "End": True}}, TimeoutSeconds=100)
    execution, first = _start(definition)
    timers = {t.due: t for t in _of(first, StartTimer)}
    assert set(timers) == {NOW + 100, NOW + 500}
    result = step(definition, execution, TimerFired(timers[NOW + 100].timer_id), NOW + 100)
    assert _finished(result).status == "TIMED_OUT"
    assert _finished(result).error == "States.Timeout"
    assert _types(result) == ["ExecutionTimedOut"]
    assert CancelTimer(timers[NOW + 500].timer_id) in result.commands
    assert execution.status == "TIMED_OUT"


def test_execution_timeout_is_cancelled_when_the_execution_ends() -> None:
    definition = _definition({"T": _task()}, TimeoutSeconds=100)
    execution, first = _start(definition)
    exec_timer = next(t for t in _of(first, StartTimer) if t.due == NOW + 100)
    result = step(definition, execution, TaskSucceeded(_of(first, RunTask)[0].task_id, 1), NOW + 1)
    assert CancelTimer(exec_timer.timer_id) in result.commands
    assert step(definition, execution, TimerFired(exec_timer.timer_id), NOW + 100).events == []
    assert execution.status == "SUCCEEDED"


# --- checkpointing and replay ----------------------------------------------------------------

REPLAY = {
    "Start": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Fan"},
    "Fan": {"Type": "Parallel", "Next": "Each", "ResultPath": "$.fan", "Branches": [
        {"StartAt": "Call", "States": {"Call": _task(
            Resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Parameters={"t.$": "$$.Task.Token"}, HeartbeatSeconds=50)}},
        {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 10, "End": True}}}]},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.each",
             "ItemProcessor": {"StartAt": "Work", "States": {"Work": _task(
                 Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "JitterStrategy": "FULL"}])}},
             "Next": "Done"},
    "Done": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.each)", "r.$": "States.MathRandom(1, 1000)",
                                            "u.$": "States.UUID()"}, "ResultPath": "$.done",
             "End": True},
}


class _World:
    """A deterministic outside world: answers tasks and fires timers in order."""

    def __init__(self) -> None:
        self.pending: list[StepInput] = []
        self.timers: dict[str, float] = {}
        self.flaky_left = 2

    def absorb(self, result: StepResult) -> None:
        for command in result.commands:
            if isinstance(command, RunTask):
                if command.token:
                    self.pending.append(TaskSucceeded(command.task_id, {"token": command.token}))
                elif command.parameters == 2 and self.flaky_left:
                    self.flaky_left -= 1
                    self.pending.append(TaskFailed(command.task_id, "Flaky", "again"))
                else:
                    self.pending.append(TaskSucceeded(command.task_id, {"item": command.parameters}))
            elif isinstance(command, StartTimer):
                self.timers[command.timer_id] = command.due
            elif isinstance(command, CancelTimer):
                self.timers.pop(command.timer_id, None)

    def next_input(self, clock: float) -> tuple[StepInput, float] | None:
        if self.pending:
            return self.pending.pop(0), clock
        if not self.timers:
            return None
        timer_id = min(self.timers, key=lambda k: (self.timers[k], k))
        return TimerFired(timer_id), max(clock, self.timers.pop(timer_id))


def _drive(definition: Definition, execution: Execution, world: _World, clock: float,
           checkpoints: list[tuple[dict[str, Any], _World, float]] | None = None,
           ) -> tuple[list[dict[str, Any]], list[Any], float]:
    events: list[dict[str, Any]] = []
    commands: list[Any] = []
    for _ in range(1000):
        if execution.status != "RUNNING":
            break
        if checkpoints is not None:
            checkpoints.append((json.loads(json.dumps(execution.to_dict())), copy.deepcopy(world), clock))
        nxt = world.next_input(clock)
        if nxt is None:
            break
        event, clock = nxt
        result = step(definition, execution, event, clock)
        json.dumps(execution.to_dict())  # a durable engine checkpoints after every step
        events += result.events
        commands += result.commands
        world.absorb(result)
    return events, commands, clock


def test_a_rich_execution_is_json_serialisable_at_every_step_and_replays_from_any_checkpoint() -> None:
    definition = _definition(REPLAY, "Start")
    execution, first = _start(definition, {"items": [1, 2, 3, 4]}, seed=42)
    world = _World()
    world.absorb(first)
    checkpoints: list[tuple[dict[str, Any], _World, float]] = []
    events, _, _ = _drive(definition, execution, world, NOW, checkpoints)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    output = execution.output
    assert output["each"] == [{"item": i} for i in (1, 2, 3, 4)]
    assert output["fan"][1] == {"items": [1, 2, 3, 4]}
    assert len(checkpoints) > 8
    for saved, saved_world, clock in checkpoints:
        restored = Execution.from_dict(copy.deepcopy(saved))
        replay_events, _, _ = _drive(definition, restored, copy.deepcopy(saved_world), clock)
        assert restored.status == "SUCCEEDED"
        assert restored.output == output
        tail = [e for e in events if e["id"] > saved["last_event_id"]]
        assert replay_events == tail


def test_same_inputs_give_the_same_history() -> None:
    definition = _definition(REPLAY, "Start")
    runs = []
    for _ in range(2):
        execution, first = _start(definition, {"items": [1, 2, 3]}, seed=3)
        world = _World()
        world.absorb(first)
        events, commands, _ = _drive(definition, execution, world, NOW)
        runs.append((first.events + events, [repr(c) for c in first.commands + commands], execution.output))
    assert runs[0] == runs[1]


def test_to_dict_round_trips_through_json() -> None:
    definition = _definition({"T": _task(TimeoutSeconds=9)})
    execution, _ = _start(definition, {"a": [1, {"b": None}]})
    data = execution.to_dict()
    restored = Execution.from_dict(json.loads(json.dumps(data)))
    assert json.dumps(restored.to_dict(), sort_keys=True) == json.dumps(data, sort_keys=True)


def test_to_dict_is_a_snapshot_unaffected_by_later_steps() -> None:
    definition = _definition({"T": _task(Next="U"), "U": _task()}, "T")
    execution, first = _start(definition)
    snapshot = execution.to_dict()
    frozen = json.dumps(snapshot, sort_keys=True)
    step(definition, execution, TaskSucceeded(_of(first, RunTask)[0].task_id, 1), NOW + 1)
    assert json.dumps(snapshot, sort_keys=True) == frozen


# --- runtime errors and payload limits ------------------------------------------------------------


def test_runtime_error_is_not_caught_even_by_states_all() -> None:
    definition = _definition({"T": _task(Parameters={"x.$": "$.missing"},
                                         Catch=[{"ErrorEquals": ["States.ALL"], "Next": "C"}]),
                              "C": {"Type": "Pass", "End": True}}, "T")
    execution, result = _start(definition, {})
    assert not _of(result, RunTask)
    assert _finished(result).error == "States.Runtime"
    assert _finished(result).cause.startswith(
        "An error occurred while executing the state 'T' (entered at the event id #2).")


def test_output_over_256_kib_is_data_limit_exceeded() -> None:
    definition = _definition({"P": {"Type": "Pass", "Result": "x" * (256 * 1024), "End": True}})
    _, result = _start(definition)
    assert _finished(result).error == "States.DataLimitExceeded"


def test_record_false_keeps_no_history_but_same_outcome() -> None:
    definition = _definition({"A": {"Type": "Pass", "Result": 1, "Next": "B"}, "B": {"Type": "Pass", "End": True}})
    execution = Execution()
    result = step(definition, execution, ExecutionStart({}, CONTEXT), NOW, record=False)
    assert result.events == []
    assert _finished(result) == Finished("SUCCEEDED", 1)


@pytest.mark.parametrize("event", [TaskSucceeded("k1", 1), TimerFired("t1"), StopRequested()])
def test_inputs_before_start_do_not_crash(event: StepInput) -> None:
    definition = _definition({"A": {"Type": "Pass", "End": True}})
    execution = Execution()
    result = step(definition, execution, event, NOW)
    assert isinstance(result, StepResult)


# --- redrive ------------------------------------------------------------------------------------


def _redrive_map_definition():
    return _definition({
        "Prep": {"Type": "Pass", "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.xs", "End": True, "ItemProcessor": {
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:work", "End": True}}}},
    }, "Prep")


def test_redrive_reruns_only_the_map_iterations_that_failed() -> None:
    from statewright.asl.types import Redrive

    definition = _redrive_map_definition()
    execution = Execution()
    first = step(definition, execution, ExecutionStart({"xs": [1, 2, 3]}, {}), NOW)
    runs = _of(first, RunTask)
    assert len(runs) == 3
    step(definition, execution, TaskSucceeded(runs[0].task_id, "one"), NOW + 1)
    failed = step(definition, execution, TaskFailed(runs[1].task_id, "Boom", "no"), NOW + 2)
    assert _finished(failed).status == "FAILED"
    redriven = step(definition, execution, Redrive(), NOW + 3)
    assert _types(redriven)[0] == "ExecutionRedriven"
    rerun = _of(redriven, RunTask)
    assert sorted(r.parameters for r in rerun) == [2, 3]  # iteration 0 succeeded and is kept
    assert "PassStateEntered" not in _types(redriven)  # Prep is not run again
    for run in rerun:
        result = step(definition, execution, TaskSucceeded(run.task_id, f"r{run.parameters}"), NOW + 4)
    assert _finished(result) == Finished("SUCCEEDED", ["one", "r2", "r3"])
    assert execution.redrive_count == 1


def test_redrive_of_a_succeeded_execution_does_nothing() -> None:
    from statewright.asl.types import Redrive

    definition = _definition({"P": {"Type": "Pass", "End": True}}, "P")
    execution = Execution()
    step(definition, execution, ExecutionStart({}, {}), NOW)
    assert step(definition, execution, Redrive(), NOW + 1).events == []
    assert execution.status == "SUCCEEDED"
