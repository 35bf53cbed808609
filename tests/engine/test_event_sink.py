"""The engine's event sink: the events of executions whose state machine logs them, handed over
after each step (Standard: once stored), Express included; nothing for those that do not log."""

from __future__ import annotations

import json
import threading

import pytest

from statewright.engine import Clock, Engine, StartSpec
from statewright.store import SqliteStore

from .conftest import MACHINE

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": 1}, "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}
LOGGING = {"level": "ALL", "includeExecutionData": True, "destinations": [
    {"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*"}}]}


class Sink:
    """Collects what the engine hands over, and which thread handed it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, list[dict], int]] = []
        self.threads: set[str] = set()
        self.changed = threading.Condition()

    def __call__(self, arn, logging_configuration, events, redrive_count=0) -> None:
        with self.changed:
            self.threads.add(threading.current_thread().name)
            self.calls.append((arn, logging_configuration, list(events), redrive_count))
            self.changed.notify_all()

    def wait_for(self, arn: str, event_type: str, count: int = 1) -> None:
        """Until the engine has handed over `count` events of that type (it does so after the
        store has them, so a test that saw the stored status may be a moment early)."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.types(arn).count(event_type) >= count, 10)

    def types(self, arn: str) -> list[str]:
        return [event["type"] for call_arn, _, events, _ in self.calls if call_arn == arn for event in events]


def spec(name: str, definition: dict, *, express: bool = False, logging: dict | None = LOGGING) -> StartSpec:
    kind = "express" if express else "execution"
    arn = f"arn:aws:states:us-east-1:123456789012:{kind}:m:{name}" + (":0b1c" if express else "")
    return StartSpec(arn=arn, state_machine_arn=MACHINE, state_machine_name="m", name=name, input_text='{"a":1}',
                     definition_text=json.dumps(definition), role_arn="arn:aws:iam::123456789012:role/r",
                     express=express, logging=logging)


def with_sink(harness) -> Sink:
    """The harness's engine, with a sink set before it starts (as the runtime sets it)."""
    sink = Sink()
    harness.store = SqliteStore(harness.data_dir)
    harness.engine = Engine(harness.store, harness.integrations, Clock(harness.scale))
    harness.engine.event_sink = sink
    harness.engine.start()
    return sink


def test_a_standard_execution_hands_over_its_stored_history(harness):
    sink = with_sink(harness)
    run = spec("std", PASS)
    harness.engine.start_execution(run).result(5)
    harness.wait(run.arn)
    sink.wait_for(run.arn, "ExecutionSucceeded")
    stored = harness.store.history(run.arn)
    assert sink.types(run.arn) == [event["type"] for event in stored]
    handed = [event for call in sink.calls for event in call[2]]
    assert [event["id"] for event in handed] == [event["id"] for event in stored]
    assert all(call[1] == LOGGING and call[3] == 0 for call in sink.calls)
    assert sink.threads == {"statewright-engine"}


def test_an_express_execution_makes_history_for_its_logs_only(harness):
    sink = with_sink(harness)
    run = spec("exp", PASS, express=True)
    outcome = harness.engine.run_sync(run).result(5)
    assert outcome.status == "SUCCEEDED"
    assert sink.types(run.arn) == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    started = sink.calls[0][2][0]
    assert json.loads(started["executionStartedEventDetails"]["input"]) == {"a": 1}
    assert harness.store.history(run.arn) == []  # still nothing stored


def test_an_express_failure_is_handed_over(harness):
    sink = with_sink(harness)
    run = spec("expfail", FAIL, express=True)
    assert harness.engine.run_sync(run).result(5).status == "FAILED"
    assert sink.types(run.arn)[-2:] == ["FailStateEntered", "ExecutionFailed"]


def test_executions_that_do_not_log_hand_nothing_over(harness):
    sink = with_sink(harness)
    quiet = spec("quiet", PASS, logging=None)
    harness.engine.start_execution(quiet).result(5)
    harness.wait(quiet.arn)
    fast = spec("fast", PASS, express=True, logging=None)
    assert harness.engine.run_sync(fast).result(5).status == "SUCCEEDED"
    marker = spec("marker", PASS)  # one that logs, started last: once it is handed over, so were they
    harness.engine.start_execution(marker).result(5)
    sink.wait_for(marker.arn, "ExecutionSucceeded")
    assert {call[0] for call in sink.calls} == {marker.arn}


def test_without_a_sink_logging_executions_run_as_usual(harness):
    harness.open()
    run = spec("nosink", PASS, express=True)
    assert harness.engine.run_sync(run).result(5).status == "SUCCEEDED"


def test_a_recovered_execution_logs_on(harness):
    with_sink(harness)
    wait = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
                                       "P": {"Type": "Pass", "End": True}}}
    run = spec("recovered", wait)
    harness.engine.start_execution(run).result(5)
    harness.close()  # a crash: the Wait is still pending
    harness.scale = 1e-6  # the hour passes at once after the restart
    sink = with_sink(harness)
    harness.wait(run.arn)
    sink.wait_for(run.arn, "ExecutionSucceeded")
    assert sink.types(run.arn) == ["WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert sink.calls[0][1] == LOGGING


def test_a_redriven_execution_logs_with_its_redrive_count(harness):
    from statewright.integrations.types import TaskError

    attempts = []

    def flaky(params, context):
        attempts.append(1)
        if len(attempts) == 1:
            raise TaskError("Flaky.Error", "first time")
        return {"ok": True}

    harness.integrations.register("arn:test:flaky", flaky)
    sink = with_sink(harness)
    run = spec("redriven", {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:flaky",
                                                              "End": True}}})
    harness.engine.start_execution(run).result(5)
    assert harness.wait(run.arn).status == "FAILED"
    sink.wait_for(run.arn, "ExecutionFailed")
    first = len(sink.calls)
    assert {call[3] for call in sink.calls} == {0}
    harness.engine.redrive_execution(run.arn).result(5)
    assert harness.wait(run.arn).status == "SUCCEEDED"
    sink.wait_for(run.arn, "ExecutionSucceeded")
    after = sink.calls[first:]
    assert [event["type"] for call in after for event in call[2]][0] == "ExecutionRedriven"
    assert {call[3] for call in after} == {1}
    assert sink.types(run.arn)[-1] == "ExecutionSucceeded"


class SelectiveSink(Sink):
    """A sink that needs only the types it names (as the logs sink does at ERROR and FATAL)."""

    def __init__(self, wanted: frozenset[str] | None) -> None:
        super().__init__()
        self.wanted = wanted
        self.asked: list[dict] = []

    def wanted_events(self, logging_configuration):
        self.asked.append(logging_configuration)
        return self.wanted


def with_selective_sink(harness, wanted: frozenset[str] | None) -> SelectiveSink:
    sink = SelectiveSink(wanted)
    harness.store = SqliteStore(harness.data_dir)
    harness.engine = Engine(harness.store, harness.integrations, Clock(harness.scale))
    harness.engine.event_sink = sink
    harness.engine.start()
    return sink


CHAIN_TO_FAIL = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "F"},
                                            "F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}


def test_an_express_execution_makes_only_the_events_its_sink_needs(harness):
    sink = with_selective_sink(harness, frozenset({"FailStateEntered", "ExecutionFailed"}))
    run = spec("selective", CHAIN_TO_FAIL, express=True)
    assert harness.engine.run_sync(run).result(5).status == "FAILED"
    handed = [event for call in sink.calls for event in call[2]]
    # Started, A and B entered and exited: 5 events before the Fail state, made or not.
    assert [(event["type"], event["id"], event["previousEventId"]) for event in handed] == [
        ("FailStateEntered", 6, 5), ("ExecutionFailed", 7, 6)]
    assert handed[1]["executionFailedEventDetails"] == {"error": "E", "cause": "c"}
    assert sink.asked == [LOGGING]
    quiet = spec("selective-ok", PASS, express=True)
    assert harness.engine.run_sync(quiet).result(5).status == "SUCCEEDED"
    assert [call for call in sink.calls if call[0] == quiet.arn] == []  # nothing to hand over: no call


def test_a_standard_execution_stores_its_whole_history_whatever_the_sink_needs(harness):
    sink = with_selective_sink(harness, frozenset({"ExecutionFailed"}))
    run = spec("selective-std", CHAIN_TO_FAIL)
    harness.engine.start_execution(run).result(5)
    assert harness.wait(run.arn).status == "FAILED"
    sink.wait_for(run.arn, "ExecutionFailed")
    stored = harness.store.history(run.arn)
    assert len(stored) == 7  # started, 2 × (entered, exited), FailStateEntered, failed
    handed = [event for call in sink.calls for event in call[2]]
    assert handed == [event for event in stored if event["type"] == "ExecutionFailed"]  # only what it needs


LONG_LOOP = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 6500, "Next": "Inc"}],
              "Default": "Done"},
    "Done": {"Type": "Succeed"}}}


@pytest.mark.parametrize("wanted", [None, frozenset({"ExecutionFailed"})], ids=["ALL", "FATAL"])
def test_a_logging_express_execution_has_no_history_quota(harness, wanted):
    harness.scale = 1.0  # real time: Express's five minutes must not pass while it runs
    sink = with_selective_sink(harness, wanted)
    run = spec(f"long-{'all' if wanted is None else 'fatal'}", LONG_LOOP, express=True)
    outcome = harness.engine.run_sync(run).result(30)
    assert (outcome.status, outcome.error) == ("SUCCEEDED", None)
    if wanted is None:  # every event was made and handed over: past the Standard quota
        assert sum(len(call[2]) for call in sink.calls) > 25_000
        assert sink.types(run.arn)[-1] == "ExecutionSucceeded"
