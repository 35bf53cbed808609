"""SIGTERM stops the server within seconds, whatever its executions and clients are doing, and
what it acknowledged is there after the restart."""

from __future__ import annotations

import json
import signal
import subprocess
import threading

from .conftest import ROLE
from .server import ProcessServer, client, free_port

RUNAWAY = {"StartAt": "Spin", "States": {
    "Spin": {"Type": "Pass", "Next": "Again"},
    "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "End"}],
              "Default": "Spin"},
    "End": {"Type": "Succeed"}}}


def test_sigterm_with_runaway_loops_and_a_long_poll_open(tmp_path):
    (tmp_path / "data").mkdir()
    server = ProcessServer(tmp_path / "data", free_port(), time_scale=0.01)
    server.start()
    sfn = client(server.endpoint)
    poller = None
    try:
        machine = sfn.create_state_machine(name="runaway", definition=json.dumps(RUNAWAY),
                                           roleArn=ROLE)["stateMachineArn"]
        arns = [sfn.start_execution(stateMachineArn=machine, name=f"r{n}")["executionArn"] for n in range(3)]
        activity = sfn.create_activity(name="idle")["activityArn"]
        poll_client = client(server.endpoint)
        poller = threading.Thread(target=lambda: _poll(poll_client, activity), daemon=True)
        poller.start()
        process = server.process
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)  # the long poll alone would hold it for 60 s
        except subprocess.TimeoutExpired:
            raise AssertionError("the server was still running 30 s after SIGTERM") from None
        server.process = None
        server.start()
        for arn in arns:
            assert sfn.describe_execution(executionArn=arn)["executionArn"] == arn
    finally:
        sfn.close()
        server.stop()
        if poller is not None:
            poller.join(70)


def _poll(sfn, activity: str) -> None:
    try:
        sfn.get_activity_task(activityArn=activity)
    except Exception:  # noqa: BLE001 - the server went away mid-poll, which is the point
        pass
    finally:
        sfn.close()
