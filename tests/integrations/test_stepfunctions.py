"""integrations.stepfunctions: states:startExecution in every pattern, with the real engine and store."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from statewright.engine import Clock, Engine, StartSpec
from statewright.integrations.registry import Registry
from statewright.integrations.stepfunctions import StepFunctionsIntegration
from statewright.store import ExecutionRecord, SqliteStore

from .children import ROLE, EngineChildren

MACHINES = "arn:aws:states:us-east-1:123456789012:stateMachine:"
CHILD, FAILING, SLOW, CALLBACK = (MACHINES + name for name in ("child", "failing", "slow", "callback"))
START = "arn:aws:states:::states:startExecution"
CHILD_MACHINES: dict[str, dict[str, Any]] = {
    CHILD: {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"},
                                             "End": True}}},
    FAILING: {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "on purpose"}}},
    SLOW: {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": True}}},
    CALLBACK: {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
}


class World:
    """An engine whose `states` integration starts executions on the same engine."""

    def __init__(self, data_dir: Any) -> None:
        self.data_dir = data_dir
        self.engine: Engine | None = None
        self.store: SqliteStore | None = None

    def open(self) -> Engine:
        self.store = SqliteStore(self.data_dir)
        registry = Registry()
        self.engine = Engine(self.store, registry, Clock(0.001))
        registry.register_service("states", StepFunctionsIntegration(EngineChildren(self.engine, self.store,
                                                                                    CHILD_MACHINES)))
        self.engine.start()
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def start(self, resource: str, parameters: dict[str, Any], name: str = "parent") -> str:
        definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource,
                                                       "Parameters": parameters, "End": True}}}
        arn = f"arn:aws:states:us-east-1:123456789012:execution:parent:{name}"
        spec = StartSpec(arn, MACHINES + "parent", "parent", name, "{}", json.dumps(definition), ROLE)
        self.engine.start_execution(spec).result(5)
        return arn

    def wait(self, arn: str, status: str | None = None, timeout: float = 10.0) -> ExecutionRecord:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = self.store.get_execution(arn)
            if record is not None and (record.status == status if status else record.status != "RUNNING"):
                return record
            time.sleep(0.005)
        raise AssertionError(f"{arn} did not reach {status or 'an end'}")

    def children(self, machine: str) -> list[ExecutionRecord]:
        return self.store.list_executions(machine)


@pytest.fixture
def world(tmp_path: Any) -> Any:
    made = World(tmp_path)
    made.open()
    yield made
    made.close()


def _output(record: ExecutionRecord) -> Any:
    return json.loads(record.body["output"])


def test_request_response_answers_with_the_started_execution(world: World) -> None:
    parent = world.wait(world.start(START, {"StateMachineArn": CHILD, "Input": {"n": 1}, "Name": "c1"}))
    output = _output(parent)
    assert output["ExecutionArn"] == "arn:aws:states:us-east-1:123456789012:execution:child:c1"
    assert isinstance(output["StartDate"], int)
    assert _output(world.wait(output["ExecutionArn"])) == {"n": 2}


def test_sync_waits_for_the_child_and_gives_its_output_as_text(world: World) -> None:
    parent = world.wait(world.start(START + ".sync", {"StateMachineArn": CHILD, "Input": {"n": 41}}))
    assert parent.status == "SUCCEEDED"
    output = _output(parent)
    assert (output["Status"], json.loads(output["Output"]), json.loads(output["Input"])) == (
        "SUCCEEDED", {"n": 42}, {"n": 41})
    assert output["OutputDetails"] == {"Included": True} and output["StateMachineArn"] == CHILD
    assert output["StopDate"] >= output["StartDate"]
    assert output["RedriveStatus"] == "NOT_REDRIVABLE"


def test_sync2_gives_the_childs_input_and_output_as_json(world: World) -> None:
    output = _output(world.wait(world.start(START + ".sync:2", {"StateMachineArn": CHILD, "Input": '{"n": 1}'})))
    assert (output["Input"], output["Output"]) == ({"n": 1}, {"n": 2})


def test_a_failed_child_fails_the_task_with_its_description(world: World) -> None:
    parent = world.wait(world.start(START + ".sync", {"StateMachineArn": FAILING}))
    assert (parent.status, parent.body["error"]) == ("FAILED", "States.TaskFailed")
    cause = json.loads(parent.body["cause"])
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "Child.Broke", "on purpose")
    assert "Output" not in cause and cause["RedriveStatus"] == "REDRIVABLE"


def test_a_missing_state_machine_fails_the_task(world: World) -> None:
    parent = world.wait(world.start(START + ".sync", {"StateMachineArn": MACHINES + "nothing"}))
    assert parent.body["error"] == "StepFunctions.StateMachineDoesNotExistException"


def test_wait_for_task_token_starts_the_child_and_waits_for_the_token(world: World) -> None:
    arn = world.start(START + ".waitForTaskToken", {"StateMachineArn": CALLBACK,
                                                     "Input": {"token.$": "$$.Task.Token"}, "Name": "cb"})
    child = world.wait("arn:aws:states:us-east-1:123456789012:execution:callback:cb")
    token = _output(child)["token"]
    assert world.store.get_execution(arn).status == "RUNNING"  # the child's end does not answer it
    world.engine.answer_task(token, {"answered": True}).result(5)
    assert _output(world.wait(arn)) == {"answered": True}


def test_stopping_the_parent_stops_a_sync_child(world: World) -> None:
    arn = world.start(START + ".sync", {"StateMachineArn": SLOW, "Name": "slow-1"})
    child = "arn:aws:states:us-east-1:123456789012:execution:slow:slow-1"
    world.wait(child, "RUNNING")
    assert world.engine.stop_execution(arn, None, None).result(5) is True
    assert world.wait(arn).status == "ABORTED"
    assert world.wait(child).status == "ABORTED"


def test_after_a_restart_the_sync_task_finds_its_child_instead_of_starting_another(world: World) -> None:
    arn = world.start(START + ".sync:2", {"StateMachineArn": SLOW, "Input": {"k": 1}})
    deadline = time.monotonic() + 5
    while not world.children(SLOW) and time.monotonic() < deadline:
        time.sleep(0.005)
    world.close()  # the child is waiting (1000 s at 1/1000 speed): both are RUNNING
    world.open()
    parent = world.wait(arn)
    assert parent.status == "SUCCEEDED", parent.body
    children = world.children(SLOW)
    assert len(children) == 1
    assert _output(parent)["ExecutionArn"] == children[0].arn and _output(parent)["Output"] == {"k": 1}
