"""The engine under hostile workloads: runaway loops, racing answers and starts, shutdown."""

from __future__ import annotations

import json
import threading
from concurrent.futures import Future

import pytest

from statewright.asl.limits import TooDeep
from statewright.asl.step import MAX_HISTORY_EVENTS
from statewright.engine import RunOutcome, StartSpec, TaskNotFound
from statewright.store import AlreadyExists

from .conftest import MACHINE

LOOP = {"StartAt": "Spin", "States": {
    "Spin": {"Type": "Pass", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
              "Default": "Spin"},
    "Done": {"Type": "Succeed"}}}
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def _spec(definition: dict, name: str, payload: object = None, express: bool = False) -> StartSpec:
    kind = "express" if express else "execution"
    return StartSpec(arn=f"arn:aws:states:us-east-1:123456789012:{kind}:m:{name}", state_machine_arn=MACHINE,
                     state_machine_name="m", name=name, input_text=json.dumps(payload or {}),
                     definition_text=json.dumps(definition), role_arn="arn:aws:iam::123456789012:role/r",
                     express=express)


def test_a_runaway_loop_answers_its_start_lets_others_run_and_fails_at_the_history_quota(harness):
    harness.open()
    runaway = harness.start(LOOP, name="runaway")
    # another execution started after the runaway one ends while the runaway one still runs
    quick = harness.wait(harness.start(PASS, name="quick"))
    assert quick.status == "SUCCEEDED"
    record = harness.wait(runaway, timeout=120)
    assert (record.status, record.body["error"]) == ("FAILED", "States.Runtime")
    events = harness.store.history(runaway, limit=100_000)
    assert [event["id"] for event in events] == list(range(1, MAX_HISTORY_EVENTS + 1))
    assert events[-1]["type"] == "ExecutionFailed"


def test_an_express_runaway_loop_times_out_after_five_minutes_of_its_clock(harness):
    harness.scale = 0.0005  # five minutes pass in 0.15 s
    engine = harness.open()
    ended: Future[RunOutcome] = Future()
    engine.start_execution(_spec(LOOP, "fast", express=True), ended.set_result).result(5)
    outcome = ended.result(120)
    assert (outcome.status, outcome.error) == ("TIMED_OUT", "States.Timeout")


def test_a_runaway_loop_cut_off_by_a_crash_resumes_without_repeating_a_transition(harness):
    harness.open()
    arn = harness.start(LOOP, name="resumed")
    while len(harness.store.history(arn, limit=100_000)) < 3_000:
        threading.Event().wait(0.01)
    harness.close()  # a stop between two slices: what was stored is kept, nothing else
    harness.open()
    harness.wait(arn, timeout=120)
    events = harness.store.history(arn, limit=100_000)
    assert [event["id"] for event in events] == list(range(1, MAX_HISTORY_EVENTS + 1))
    # one chain of events through the restart: each follows the one before it
    assert [event["previousEventId"] for event in events[2:]] == list(range(2, MAX_HISTORY_EVENTS))


def test_close_returns_while_executions_loop(harness):
    harness.scale = 1.0
    engine = harness.open()
    for number in range(4):
        engine.start_execution(_spec(LOOP, f"spin{number}", express=True)).result(5)
    closer = threading.Thread(target=harness.close)
    closer.start()
    closer.join(30)
    assert not closer.is_alive()


def test_a_task_answer_racing_a_stop_is_applied_or_refused_never_dropped(harness):
    tokens: list[str] = []
    harness.integrations.register("arn:test:notify", lambda params, context: tokens.append(context.token))
    engine = harness.open()
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:notify.waitForTaskToken",
                                                   "End": True}}}
    for round_number in range(20):
        tokens.clear()
        arn = harness.start(definition, name=f"race{round_number}")
        while not tokens:
            threading.Event().wait(0.001)
        stopped = engine.stop_execution(arn, "Stop", "racing")
        try:
            engine.answer_task(tokens[0], {"answered": round_number}).result(5)
            applied = True
        except TaskNotFound as refused:
            assert refused.ended
            applied = False
        stopped.result(5)
        record = harness.wait(arn)
        types = harness.event_types(arn)
        assert ("TaskSucceeded" in types) == applied, (round_number, types)
        assert record.status == ("SUCCEEDED" if applied else "ABORTED")


def test_identical_starts_sent_together_answer_the_same_execution(harness):
    engine = harness.open()
    spec = _spec({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}, "same",
                 {"n": 1})
    answers = [engine.start_execution(spec) for _ in range(8)]
    records = [answer.result(5) for answer in answers]
    assert {record.arn for record in records} == {spec.arn}
    assert len({record.start_date for record in records}) == 1


def test_a_start_with_other_input_racing_the_first_is_refused(harness):
    engine = harness.open()
    first = engine.start_execution(_spec(PASS, "taken", {"n": 1}))
    second = engine.start_execution(_spec(PASS, "taken", {"n": 2}))
    assert first.result(5) is not None
    with pytest.raises(AlreadyExists):
        second.result(5)


@pytest.mark.parametrize("express", [False, True])
def test_an_input_nested_too_deeply_is_refused_before_anything_is_stored(harness, express):
    engine = harness.open()
    spec = _spec(PASS, "deep", express=express)
    spec = StartSpec(**{**spec.__dict__, "input_text": '{"a":' * 5_000 + "1" + "}" * 5_000})
    with pytest.raises(TooDeep, match="execution input"):
        engine.start_execution(spec).result(5)
    with pytest.raises(TooDeep):
        engine.run_sync(spec).result(5)
    assert harness.store.get_execution(spec.arn) is None
