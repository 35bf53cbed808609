"""kill -9 the server mid-Wait, mid-Task and mid-callback; after a restart every execution ends
with the output and history an uninterrupted run gives."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .conftest import ROLE, TERMINAL
from .server import ProcessServer, client, free_port

WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "Next": "P"},
                                   "P": {"Type": "Pass", "Result": "waited", "End": True}}}


def block_machine() -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:block",
                                             "Parameters": {"dir.$": "$.dir", "id": "task"}, "Next": "P"},
                                       "P": {"Type": "Pass", "End": True}}}


def callback_machine() -> dict:
    return {"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "arn:test:callback.waitForTaskToken",
                                             "Parameters": {"dir.$": "$.dir", "id": "cb"}, "End": True}}}


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def finished(sfn, arn: str) -> dict:
    return wait_for(lambda: (d := sfn.describe_execution(executionArn=arn))["status"] in TERMINAL and d,
                    60, f"{arn} to finish")


def types(sfn, arn: str) -> list[str]:
    return [e["type"] for e in sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]]


def start_all(sfn, work: Path, suffix: str) -> dict[str, str]:
    payload = json.dumps({"dir": str(work)})
    arns = {}
    for key, definition in (("wait", WAIT), ("task", block_machine()), ("callback", callback_machine())):
        machine = sfn.create_state_machine(name=f"crash-{key}-{suffix}", definition=json.dumps(definition),
                                           roleArn=ROLE)["stateMachineArn"]
        arns[key] = sfn.start_execution(stateMachineArn=machine, input=payload)["executionArn"]
    return arns


@pytest.fixture
def process_server(tmp_path):
    # 400 s of Wait at 0.01 are 4 s: long enough to kill and restart inside it.
    server = ProcessServer(tmp_path / "data", free_port(), time_scale=0.01,
                           integrations="tests.e2e.crash_handlers:register")
    (tmp_path / "data").mkdir()
    yield server
    server.stop()


def test_kill_9_mid_wait_task_and_callback(process_server, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    process_server.start()
    sfn = client(process_server.endpoint)
    try:
        crashed = start_all(sfn, work, "a")
        wait_for(lambda: (work / "started-task").exists() and (work / "token-cb").exists(), what="dispatch")
        first_token = (work / "token-cb").read_text()
        assert sfn.describe_execution(executionArn=crashed["wait"])["status"] == "RUNNING"
    finally:
        sfn.close()
    process_server.kill()

    process_server.start()
    sfn = client(process_server.endpoint)
    try:
        # The unrecorded task is dispatched again; the callback token stays valid across the crash.
        dispatches = work / "started-task"
        wait_for(lambda: len(dispatches.read_text().split()) == 2, what="the task to be dispatched again")
        (work / "release").write_text("go")
        sfn.send_task_success(taskToken=first_token, output='{"called": "back"}')
        outputs = {key: finished(sfn, arn) for key, arn in crashed.items()}
        assert {key: d["status"] for key, d in outputs.items()} == dict.fromkeys(crashed, "SUCCEEDED")
        assert json.loads(outputs["wait"]["output"]) == "waited"
        assert json.loads(outputs["task"]["output"])["done"] == "task"
        assert json.loads(outputs["callback"]["output"]) == {"called": "back"}

        (work / "token-cb").unlink()
        dispatches.unlink()
        calm = start_all(sfn, work, "b")  # the same work without a crash, for comparison
        token = wait_for(lambda: (work / "token-cb").exists() and (work / "token-cb").read_text(), what="token")
        sfn.send_task_success(taskToken=token, output='{"called": "back"}')
        for key in crashed:
            assert finished(sfn, calm[key])["output"] == outputs[key]["output"]
            assert types(sfn, crashed[key]) == types(sfn, calm[key]), key
    finally:
        sfn.close()
