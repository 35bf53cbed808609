"""A step's share of the atomic write, applied to a real store: the rows it leaves."""

from __future__ import annotations

from statewright.asl.step import Execution
from statewright.asl.types import CancelTimer, ExecutionStart, Finished, StartTimer, StepResult, TimerFired
from statewright.engine.changes import step_change
from statewright.engine.runs import Run
from statewright.store import ExecutionRecord, SqliteStore, TimerRecord

ARN = "arn:aws:states:us-east-1:123456789012:execution:m:e1"
EVENTS = [{"id": 1, "type": "ExecutionStarted"}, {"id": 2, "type": "PassStateEntered"}]


def _record() -> ExecutionRecord:
    return ExecutionRecord(arn=ARN, state_machine="arn:aws:states:us-east-1:123456789012:stateMachine:m",
                           name="e1", status="RUNNING", start_date=10.0, definition_hash="h", body={"input": "{}"})


def _new_run() -> Run:
    return Run(arn=ARN, definition=None, execution=Execution(), start_date=10.0, record=_record(),
               unstored_definition='{"StartAt": "P"}')


def _fire_at(due: float, now: float) -> float:
    return due + 1000.0


def _apply(store: SqliteStore, run: Run, event, commands) -> None:
    change = step_change(run, event, StepResult(events=list(EVENTS), commands=commands), {}, 10.0, _fire_at)
    store.write(change).result(5)


def test_a_new_execution_that_ends_in_its_first_step_is_stored_ended(tmp_path):
    store = SqliteStore(tmp_path)
    try:
        _apply(store, _new_run(), ExecutionStart(None, {}), [Finished("SUCCEEDED", {"ok": 1}, None, None)])
        stored = store.get_execution(ARN)
        assert (stored.status, stored.stop_date, stored.body["output"]) == ("SUCCEEDED", 10.0, '{"ok":1}')
        assert store.get_definition("h") == '{"StartAt": "P"}'
        assert [event["id"] for event in store.history(ARN)] == [1, 2]
    finally:
        store.close()


def test_a_timer_started_and_ended_in_the_step_that_ends_the_execution_leaves_no_row(tmp_path):
    store = SqliteStore(tmp_path)
    try:
        commands = [StartTimer("t1", 70.0), CancelTimer("t1"), Finished("FAILED", None, "E", "c")]
        _apply(store, _new_run(), ExecutionStart(None, {}), commands)
        assert store.timers(ARN) == [] and store.get_execution(ARN).status == "FAILED"
    finally:
        store.close()


def test_a_running_execution_keeps_its_timer_and_is_ended_by_a_later_step(tmp_path):
    store = SqliteStore(tmp_path)
    try:
        run = _new_run()
        _apply(store, run, ExecutionStart(None, {}), [StartTimer("t1", 70.0)])
        assert store.timers(ARN) == [TimerRecord(ARN, "t1", 70.0, 1070.0)]
        assert store.get_execution(ARN).status == "RUNNING"
        _apply(store, run, TimerFired("t1"), [Finished("SUCCEEDED", 1, None, None)])
        assert store.timers(ARN) == [] and store.get_execution(ARN).status == "SUCCEEDED"
    finally:
        store.close()
