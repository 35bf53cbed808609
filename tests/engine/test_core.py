"""The engine: executions run to their end, are recorded, and survive a restart."""

from __future__ import annotations

import json
import threading
import time

import pytest

from statewright.engine import EngineFailure, StartSpec, TaskNotFound
from statewright.integrations.types import TaskError

from .conftest import MACHINE

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": 1}, "End": True}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
                                    "P": {"Type": "Pass", "End": True}}}


def task_machine(resource: str, **extra) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **extra}}}


def test_a_pass_machine_succeeds_and_its_history_is_stored(harness):
    harness.open()
    arn = harness.start(PASS, {"a": 1})
    record = harness.wait(arn)
    assert record.status == "SUCCEEDED"
    assert json.loads(record.body["output"]) == {"ok": 1}
    assert harness.event_types(arn) == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                        "ExecutionSucceeded"]


def test_a_scaled_wait_fires(harness):
    harness.open()
    started = time.monotonic()
    record = harness.wait(harness.start(WAIT, {"x": 2}))
    assert record.status == "SUCCEEDED" and json.loads(record.body["output"]) == {"x": 2}
    assert time.monotonic() - started < 2


def test_registered_handlers_run_tasks_and_their_errors_fail_them(harness):
    harness.integrations.register("arn:test:double", lambda params, context: {"n": params["n"] * 2})

    def broken(params, context):
        raise TaskError("Custom.Error", "it broke")

    harness.integrations.register("arn:test:broken", broken)
    harness.open()
    ok = harness.wait(harness.start(task_machine("arn:test:double"), {"n": 21}, "ok"))
    assert json.loads(ok.body["output"]) == {"n": 42}
    failed = harness.wait(harness.start(task_machine("arn:test:broken"), {}, "bad"))
    assert (failed.status, failed.body["error"], failed.body["cause"]) == ("FAILED", "Custom.Error", "it broke")


def test_an_unknown_resource_fails_the_task_with_a_cause_naming_it(harness):
    harness.open()
    record = harness.wait(harness.start(task_machine("arn:test:nothing"), {}))
    assert record.status == "FAILED" and "arn:test:nothing" in record.body["cause"]


def test_callbacks_with_a_task_token_first_answer_wins(harness):
    tokens = []
    harness.integrations.register("arn:test:notify", lambda params, context: tokens.append(context.token))
    harness.open()
    arn = harness.start(task_machine("arn:test:notify.waitForTaskToken"), {})
    while not tokens:
        time.sleep(0.005)
    harness.engine.answer_task(tokens[0], {"done": True}).result(5)
    with pytest.raises(TaskNotFound):
        harness.engine.answer_task(tokens[0], {"done": False})
    assert json.loads(harness.wait(arn).body["output"]) == {"done": True}


def test_activities_are_polled_and_answered(harness):
    activity = "arn:aws:states:us-east-1:123456789012:activity:work"
    harness.open()
    arn = harness.start(task_machine(activity), {"job": 7})
    task = harness.engine.poll_activity(activity, 5)
    assert json.loads(task.input_text) == {"job": 7}
    harness.engine.answer_task(task.token, error="Worker.Failed", cause="no", failed=True).result(5)
    record = harness.wait(arn)
    assert (record.status, record.body["error"]) == ("FAILED", "Worker.Failed")
    assert harness.engine.poll_activity(activity, 0.01) is None


def test_stop_aborts_a_running_execution(harness):
    harness.open()
    arn = harness.start({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": True}}})
    assert harness.engine.stop_execution(arn, "Stopped.ByTest", "why").result(5) is True
    record = harness.wait(arn)
    assert (record.status, record.body["error"]) == ("ABORTED", "Stopped.ByTest")
    assert harness.engine.stop_execution(arn, None, None).result(5) is False


def test_express_runs_in_memory_and_reports_its_outcome(harness):
    harness.open()
    spec = StartSpec(arn="arn:aws:states:us-east-1:123456789012:express:m:x:1", state_machine_arn=MACHINE,
                     state_machine_name="m", name="x", input_text="{}", definition_text=json.dumps(PASS),
                     role_arn="r", express=True)
    outcome = harness.engine.run_sync(spec).result(5)
    assert (outcome.status, json.loads(outcome.output)) == ("SUCCEEDED", {"ok": 1})
    assert harness.store.get_execution(spec.arn) is None


def test_a_wait_survives_a_restart(harness):
    harness.scale = 0.05  # 5 s → 250 ms: long enough to restart in the middle
    harness.open()
    arn = harness.start(WAIT, {"x": 1})
    time.sleep(0.05)
    harness.close()
    assert harness.store is None
    harness.open()
    record = harness.wait(arn)
    assert record.status == "SUCCEEDED"
    assert harness.event_types(arn).count("WaitStateEntered") == 1


def test_a_task_whose_result_was_not_recorded_is_dispatched_again_after_a_restart(harness):
    calls = []
    release = threading.Event()

    def slow(params, context):
        calls.append(context.task_id)
        if len(calls) == 1:
            release.wait(10)  # the first dispatch never answers before the "crash"
            raise TaskError("Too.Late", "ignored")
        return {"attempt": len(calls)}

    harness.integrations.register("arn:test:slow", slow)
    harness.open()
    arn = harness.start(task_machine("arn:test:slow"), {})
    while not calls:
        time.sleep(0.005)
    harness.close()
    harness.open()
    record = harness.wait(arn)
    release.set()
    assert json.loads(record.body["output"]) == {"attempt": 2}
    assert harness.event_types(arn).count("TaskScheduled") == 1


def test_a_callback_token_is_valid_as_soon_as_the_engine_restarts(harness):
    tokens = []
    harness.integrations.register("arn:test:notify", lambda params, context: tokens.append(context.token))
    harness.open()
    arn = harness.start(task_machine("arn:test:notify.waitForTaskToken"), {})
    while not tokens:
        time.sleep(0.005)
    harness.close()
    engine = harness.open()
    engine.answer_task(tokens[0], "after restart").result(5)  # no wait for recovery in between
    assert json.loads(harness.wait(arn).body["output"]) == "after restart"


def test_task_events_name_the_region_of_the_execution(harness):
    engine = harness.open()
    arn = "arn:aws:states:eu-west-1:123456789012:execution:m:region"
    definition = task_machine("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "f"})
    engine.start_execution(StartSpec(
        arn=arn, state_machine_arn="arn:aws:states:eu-west-1:123456789012:stateMachine:m",
        state_machine_name="m", name="region", input_text="{}", definition_text=json.dumps(definition),
        role_arn="arn:aws:iam::123456789012:role/r")).result(5)
    harness.wait(arn)
    scheduled = next(e for e in harness.store.history(arn) if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["region"] == "eu-west-1"


def test_callback_tokens_differ_between_data_directories(tmp_path):
    from .conftest import Harness

    tokens = []
    for place in ("one", "two"):
        harness = Harness(tmp_path / place)
        seen: list[str] = []
        harness.integrations.register("arn:test:remember",
                                      lambda params, context, seen=seen: seen.append(context.token))
        harness.open()
        try:
            harness.start(task_machine("arn:test:remember.waitForTaskToken"), {}, "same-name")
            deadline = time.monotonic() + 5
            while not seen and time.monotonic() < deadline:
                time.sleep(0.01)
            tokens.extend(seen)
        finally:
            harness.close()
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_a_map_of_many_tasks_runs_durably_to_the_end(harness):
    harness.integrations.register("arn:test:inc", lambda params, context: params + 1)
    writes = []
    harness.open()
    original = harness.store.write

    def counting(change):
        writes.append(change)
        return original(change)

    harness.store.write = counting
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.xs", "End": True,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:inc",
                                                            "End": True}}}}}}
    arn = harness.start(definition, {"xs": list(range(500))}, "many")
    record = harness.wait(arn, timeout=60)
    assert record.status == "SUCCEEDED"
    assert json.loads(record.body["output"]) == list(range(1, 501))
    types = [event["type"] for event in harness.store.history(arn, limit=100_000)]
    assert types.count("TaskSucceeded") == 500
    # Answers that arrive together are written together: far fewer writes than steps.
    assert len(writes) < 500


# --- a start whose setup fails answers its caller (issue 9, item 7) ----------------------------------


def _spec(name: str, input_text: str = "{}", express: bool = False) -> StartSpec:
    kind = "express" if express else "execution"
    return StartSpec(arn=f"arn:aws:states:us-east-1:123456789012:{kind}:m:{name}", state_machine_arn=MACHINE,
                     state_machine_name="m", name=name, input_text=input_text, definition_text=json.dumps(PASS),
                     role_arn="r", express=express)


@pytest.mark.parametrize("express", [False, True])
def test_a_start_that_cannot_begin_fails_its_caller_and_leaves_nothing(harness, express):
    harness.open()
    spec = _spec("bad", "{not json", express)
    with pytest.raises(EngineFailure) as failed:
        harness.engine.start_execution(spec).result(5)
    assert spec.arn in str(failed.value) and "JSONDecodeError" in str(failed.value)
    assert harness.store.get_execution(spec.arn) is None
    assert not harness.engine.is_running(spec.arn)
    good = _spec("good", express=express)
    harness.engine.start_execution(good).result(5)  # the engine goes on
    if not express:
        assert harness.wait(good.arn).status == "SUCCEEDED"


def test_a_sync_run_that_cannot_begin_fails_its_caller(harness):
    harness.open()
    with pytest.raises(EngineFailure):
        harness.engine.run_sync(_spec("bad", "[", express=True)).result(5)
    assert harness.engine.run_sync(_spec("good", express=True)).result(5).status == "SUCCEEDED"


def test_a_start_on_an_engine_that_is_not_running_fails_at_once(harness):
    harness.open()
    harness.engine.close()
    for answer in (harness.engine.start_execution(_spec("late")), harness.engine.run_sync(_spec("x", express=True)),
                   harness.engine.redrive_execution("arn:aws:states:us-east-1:123456789012:execution:m:e1")):
        with pytest.raises(EngineFailure, match="not running"):
            answer.result(5)


def test_watch_reports_the_end_of_running_ended_and_unknown_executions(harness):
    harness.open()
    ends: list = []
    done = threading.Event()

    def seen(outcome):
        ends.append(outcome)
        if len(ends) == 3:
            done.set()

    slow = harness.start(WAIT, name="slow")
    harness.engine.watch(slow, seen)
    finished = harness.start(PASS, name="finished")
    harness.wait(finished)
    harness.engine.watch(finished, seen)
    harness.engine.watch("arn:aws:states:us-east-1:123456789012:execution:m:nothing", seen)
    assert done.wait(10)
    by_status = sorted((outcome.status, outcome.output, outcome.error) for outcome in ends)
    assert by_status == [("FAILED", None, "States.Runtime"), ("SUCCEEDED", '{"ok":1}', None),
                         ("SUCCEEDED", "{}", None)]
