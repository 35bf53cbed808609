"""Engine.update_map_run; a Map Run kept across a restart (it lives in the checkpoint); an ItemReader's
read re-dispatched after a restart like any task."""

from __future__ import annotations

import json
import time

from statewright.asl.types import MapRunUpdate
from statewright.integrations.registry import Registry
from statewright.integrations.types import Pending

WAIT_CHILDREN = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True, "MaxConcurrency": 1,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "W",
                      "States": {"W": {"Type": "Wait", "Seconds": 100000, "End": True}}}}}}


def _map_run(harness, arn: str, running: int) -> dict:
    """The execution's one Map Run, once its stored checkpoint shows `running` children."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        checkpoint = harness.store.latest_checkpoint(arn)
        runs = json.loads(checkpoint.state).get("map_runs") if checkpoint else None
        if runs:
            (run,) = runs.values()
            if run["executionCounts"]["running"] == running:
                return run
        time.sleep(0.005)
    raise AssertionError(f"no Map Run with {running} running children")


def test_update_map_run_is_stepped_and_stored(harness):
    harness.open()
    arn = harness.start(WAIT_CHILDREN, [1, 2, 3])
    run = _map_run(harness, arn, running=1)
    assert harness.engine.update_map_run(arn, MapRunUpdate(run["arn"], max_concurrency=2)).result(5) is True
    assert _map_run(harness, arn, running=2)["maxConcurrency"] == 2
    harness.engine.stop_execution(arn, None, None).result(5)
    harness.wait(arn)
    assert harness.engine.update_map_run(arn, MapRunUpdate(run["arn"], max_concurrency=3)).result(5) is False


def test_a_map_run_survives_a_restart(harness):
    harness.open()
    arn = harness.start(WAIT_CHILDREN, [1, 2, 3])
    run = _map_run(harness, arn, running=1)
    harness.close()
    harness.open()
    assert harness.engine.update_map_run(arn, MapRunUpdate(run["arn"], max_concurrency=0)).result(5) is True
    # MaxConcurrency 0 means no limit: the other two children start.
    assert _map_run(harness, arn, running=3)["status"] == "RUNNING"


READ_THEN_PASS = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                   "Parameters": {"Bucket": "b", "Key": "k.jsonl"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P",
                      "States": {"P": {"Type": "Pass", "End": True}}}}}}


def test_an_unanswered_item_read_is_dispatched_again_after_a_restart(harness):
    calls = []

    def never(parameters, context):
        calls.append(parameters)
        return Pending()

    harness.integrations.register("arn:aws:states:::s3:*", never)
    harness.open()
    arn = harness.start(READ_THEN_PASS, {})
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:
        time.sleep(0.005)
    assert calls == [{"Bucket": "b", "Key": "k.jsonl"}]
    harness.close()  # the read was never answered: it is still in the tasks table
    harness.integrations = Registry()
    harness.integrations.register("arn:aws:states:::s3:*", lambda parameters, context: {"Body": '{"a": 1}\n[2]\n'})
    harness.open()
    record = harness.wait(arn)
    assert record.status == "SUCCEEDED" and json.loads(record.body["output"]) == [{"a": 1}, [2]]
