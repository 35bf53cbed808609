"""asl.frames: the TypedDicts match what a real execution keeps between steps.

mypy checks every key the step's code names; these tests check the other direction: the
states a run actually checkpoints (frames, waits, timers, tasks, the redrive point) use only
declared keys, carry every required one, and hold only the values a Literal allows.
"""

from __future__ import annotations

import json
import types
import typing
from collections import deque
from typing import Any, Literal

from statewright.asl import frames
from statewright.asl.definition import parse_definition
from statewright.asl.step import Execution, step
from statewright.asl.types import (
    ExecutionStart,
    Finished,
    Redrive,
    RunTask,
    StartTimer,
    StepInput,
    TaskFailed,
    TaskHeartbeat,
    TaskStarted,
    TaskSucceeded,
    TimerFired,
)

NOW = 1_700_000_000.0
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:Approve"
CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:e1", "Name": "e1"},
           "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"}}

# Every kind of wait a frame can be in: a Task with heartbeat and timeout that fails once and is
# retried, a Map whose iterations wait on timers one at a time, a Parallel around both, an
# activity a worker takes, a callback token, and a Fail at the end (so a redrive point is kept).
DEFINITION = {
    "StartAt": "Both",
    "TimeoutSeconds": 3600,
    "States": {
        "Both": {"Type": "Parallel", "Next": "Approve", "Branches": [
            {"StartAt": "Call", "States": {"Call": {
                "Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 100, "HeartbeatSeconds": 10,
                "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1}], "End": True}}},
            {"StartAt": "Each", "States": {"Each": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ToleratedFailureCount": 1,
                "ItemProcessor": {"StartAt": "Nap", "States": {
                    "Nap": {"Type": "Wait", "Seconds": 5, "Next": "Done"},
                    "Done": {"Type": "Pass", "End": True}}},
                "End": True}}},
        ]},
        "Approve": {"Type": "Task", "Resource": ACTIVITY, "Next": "Callback"},
        "Callback": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                     "Parameters": {"FunctionName": LAMBDA, "Payload": {"token.$": "$$.Task.Token"}},
                     "Next": "Boom"},
        "Boom": {"Type": "Fail", "Error": "Stop", "Cause": "the end"},
    },
}


def _hints(typed: type) -> dict[str, Any]:
    return typing.get_type_hints(typed, vars(frames))


def _allowed_literals(hint: Any) -> set[Any] | None:
    """The values a Literal (or an optional Literal) hint allows; None for any other hint."""
    if typing.get_origin(hint) is Literal:
        return set(typing.get_args(hint))
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        literals = [_allowed_literals(arg) for arg in typing.get_args(hint) if arg is not type(None)]
        if literals and all(found is not None for found in literals):
            allowed = set().union(*(found for found in literals if found is not None))
            return allowed | ({None} if type(None) in typing.get_args(hint) else set())
    return None


def _check(typed: type, value: Any, where: str) -> None:
    """`value` has the shape the TypedDict `typed` declares (keys and Literal values)."""
    assert isinstance(value, dict), f"{where}: {value!r} is not a dict"
    required = typed.__required_keys__
    optional = typed.__optional_keys__
    assert required <= value.keys(), f"{where} lacks {sorted(required - value.keys())}"
    assert value.keys() <= required | optional, f"{where} has undeclared {sorted(value.keys() - required - optional)}"
    for key, hint in _hints(typed).items():
        allowed = _allowed_literals(hint)
        if key in value and allowed is not None:
            assert value[key] in allowed, f"{where}[{key!r}] = {value[key]!r}, not one of {sorted(map(str, allowed))}"


def _check_state(state: dict[str, Any]) -> set[str]:
    """Check a whole checkpoint; returns the wait kinds it holds (to show the run covered them)."""
    _check(frames.ExecutionState, state, "execution")
    kinds = set()
    for frame_id, frame in state["frames"].items():
        _check(frames.Frame, frame, f"frame {frame_id}")
        if frame["wait"] is not None:
            _check(frames.Wait, frame["wait"], f"frame {frame_id} wait")
            kinds.add(frame["wait"]["kind"])
    for timer_id, timer in state["timers"].items():
        _check(frames.TimerEntry, timer, f"timer {timer_id}")
    for task_id, task in state["tasks"].items():
        _check(frames.TaskEntry, task, f"task {task_id}")
    if state["redrive_point"] is not None:
        _check(frames.RedrivePoint, state["redrive_point"], "redrive point")
    return kinds


def _answers(commands: list[Any], timers: dict[str, Any], answered: set[str]) -> list[StepInput]:
    """What the outside world says to a step's commands: the first call of a task fails with a
    retriable error, an activity is taken by a worker, tasks send a heartbeat and succeed, and
    the timers of Wait states and Retry delays fire (timeouts never do)."""
    inputs: list[StepInput] = []
    for command in commands:
        if isinstance(command, RunTask):
            if command.resource == ACTIVITY:
                inputs.append(TaskStarted(command.task_id, "worker-1"))
            inputs.append(TaskHeartbeat(command.task_id))
            if command.state_name == "Call" and "Call" not in answered:
                answered.add("Call")
                inputs.append(TaskFailed(command.task_id, "Flaky", "try again"))
            else:
                inputs.append(TaskSucceeded(command.task_id, {"ok": True}))
        elif isinstance(command, StartTimer) and timers.get(command.timer_id, {}).get("kind") in ("wait", "retry"):
            inputs.append(TimerFired(command.timer_id))
    return inputs


def _run(execution: Execution, first: StepInput) -> tuple[set[str], list[Finished]]:
    pending: deque[StepInput] = deque([first])
    kinds: set[str] = set()
    finished: list[Finished] = []
    answered: set[str] = set()
    now = NOW
    while pending:
        event = pending.popleft()
        result = step(parse_definition(DEFINITION), execution, event, now)
        now += 1
        state = json.loads(execution.to_json())
        kinds |= _check_state(state)
        pending.extend(_answers(result.commands, state["timers"], answered))
        finished += [c for c in result.commands if isinstance(c, Finished)]
    return kinds, finished


def test_a_run_checkpoints_only_the_declared_shapes() -> None:
    execution = Execution()
    kinds, finished = _run(execution, ExecutionStart({"items": [1, 2, 3]}, CONTEXT, seed=3))
    # The run went through every kind of wait, and failed where the definition fails.
    assert kinds == {"children", "task", "retry", "timer"}
    assert [(f.status, f.error) for f in finished] == [("FAILED", "Stop")]
    assert execution.redrive_point is not None and execution.redrive_point["state"] == "Boom"


def test_a_redriven_run_keeps_the_same_shapes() -> None:
    execution = Execution()
    _run(execution, ExecutionStart({"items": [1]}, CONTEXT, seed=3))
    kinds, finished = _run(execution, Redrive())
    assert [(f.status, f.error) for f in finished] == [("FAILED", "Stop")]
    assert execution.redrive_count == 1


def test_frame_extra_declares_every_optional_frame_key() -> None:
    """mypy accepts `{..., **extra}` as a Frame only when the extra may carry each of the
    frame's optional keys; new_frame builds every frame that way."""
    assert frames.Frame.__optional_keys__ <= frames.FrameExtra.__optional_keys__
    assert frames.FrameExtra.__optional_keys__ <= frames.Frame.__optional_keys__ | frames.Frame.__required_keys__
