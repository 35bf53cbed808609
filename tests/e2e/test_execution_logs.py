"""Step Functions execution logging through a real server: state machines with a
loggingConfiguration write their events to their log group (read back with boto3's logs
client and `statewright logs`), at their level, with or without execution data; Standard,
Express sync and async; from the API and from a SAM template."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from statewright.cli import main
from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .conftest import PASS, ROLE, make_machine, unique, wait_done
from .server import ThreadServer, client, free_port

FAIL = {"StartAt": "Work", "States": {
    "Work": {"Type": "Pass", "Result": {"step": 1}, "Next": "Boom"},
    "Boom": {"Type": "Fail", "Error": "Orders.Rejected", "Cause": "no stock"}}}
TASK_FAIL = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:test:fail", "End": True}}}


@pytest.fixture
def logs(server):
    made = client(server.endpoint, "logs")
    yield made
    made.close()


@pytest.fixture
def group(logs) -> tuple[str, str]:
    """A fresh log group: (name, ARN as a state machine names it)."""
    name = f"/aws/vendedlogs/states/{unique('g')}"
    logs.create_log_group(logGroupName=name)
    arn = next(g["arn"] for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"])
    return name, arn


def logging(group_arn: str, level: str = "ALL", data: bool = False) -> dict:
    return {"level": level, "includeExecutionData": data,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}]}


def records(logs, group_name: str, execution_arn: str, count: int, timeout: float = 10.0) -> list[dict]:
    """The execution's records once `count` have arrived (logs are delivered asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        found = logs.filter_log_events(logGroupName=group_name, startTime=0,
                                       filterPattern=f'{{ $.execution_arn = "{execution_arn}" }}')["events"]
        if len(found) >= count or time.monotonic() > deadline:
            return [json.loads(event["message"]) | {"_stream": event["logStreamName"]} for event in found]
        time.sleep(0.02)


def test_a_standard_execution_logs_every_event_without_data(sfn, logs, group):
    name, arn = group
    machine = make_machine(sfn, FAIL, loggingConfiguration=logging(arn))
    execution = sfn.start_execution(stateMachineArn=machine, input='{"order": 7}')["executionArn"]
    assert wait_done(sfn, execution)["status"] == "FAILED"
    history = sfn.get_execution_history(executionArn=execution)["events"]
    logged = records(logs, name, execution, len(history))
    assert [r["type"] for r in logged] == [e["type"] for e in history]
    assert [r["id"] for r in logged] == [str(e["id"]) for e in history]
    assert [r["previous_event_id"] for r in logged] == [str(e["previousEventId"]) for e in history]
    started, failed = logged[0], logged[-1]
    assert started["details"] == {"roleArn": ROLE}
    assert failed["details"] == {"error": "Orders.Rejected", "cause": "no stock"}
    assert all(r["execution_arn"] == execution and r["redrive_count"] == "0" for r in logged)
    assert abs(int(started["event_timestamp"]) / 1000 - history[0]["timestamp"].timestamp()) < 0.002
    machine_name = machine.rsplit(":", 1)[-1]
    assert all(r["_stream"].startswith(f"states/{machine_name}/") for r in logged)


def test_execution_data_is_included_when_asked(sfn, logs, group):
    name, arn = group
    machine = make_machine(sfn, PASS, loggingConfiguration=logging(arn, data=True))
    execution = sfn.start_execution(stateMachineArn=machine, input='{"order": 7}')["executionArn"]
    wait_done(sfn, execution)
    logged = records(logs, name, execution, 4)
    assert json.loads(logged[0]["details"]["input"]) == {"order": 7}
    assert logged[0]["details"]["inputDetails"] == {"truncated": False}
    assert json.loads(logged[-1]["details"]["output"]) == {"order": 7}


@pytest.mark.parametrize(("level", "expected"), [
    ("ERROR", ["TaskFailed", "ExecutionFailed"]),
    ("FATAL", ["ExecutionFailed"]),
])
def test_levels_keep_their_events(sfn, logs, group, level, expected):
    name, arn = group
    machine = make_machine(sfn, TASK_FAIL, loggingConfiguration=logging(arn, level))
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, execution)
    logged = records(logs, name, execution, len(expected))
    assert [r["type"] for r in logged] == expected
    assert logged[-1]["details"] == {"error": "Test.Failure", "cause": "asked to fail"}


@pytest.mark.parametrize(("definition", "events"), [(FAIL, 5), (TASK_FAIL, 6)], ids=["fail-state", "task"])
def test_express_levels_log_the_records_a_full_history_gives(sfn, logs, group, definition, events):
    # At ERROR and FATAL an Express execution makes only its level's events (its fast paths stay
    # on); each record must be the one an execution logging ALL writes for that event.
    name, arn = group
    kept = {"ERROR": {"FailStateEntered", "TaskFailed", "ExecutionFailed"}, "FATAL": {"ExecutionFailed"}}
    full_machine = make_machine(sfn, definition, "EXPRESS", loggingConfiguration=logging(arn, "ALL", data=True))
    full_run = sfn.start_sync_execution(stateMachineArn=full_machine, input='{"n": 1}')["executionArn"]
    every = records(logs, name, full_run, events)
    assert len(every) == events
    for level, types in kept.items():
        machine = make_machine(sfn, definition, "EXPRESS", loggingConfiguration=logging(arn, level, data=True))
        run = sfn.start_sync_execution(stateMachineArn=machine, input='{"n": 1}')["executionArn"]
        expected = [r for r in every if r["type"] in types]
        assert expected
        logged = records(logs, name, run, len(expected))
        ignored = ("execution_arn", "event_timestamp", "_stream")
        assert [{k: v for k, v in r.items() if k not in ignored} for r in logged] == \
            [{k: v for k, v in r.items() if k not in ignored} for r in expected]


def test_off_and_no_configuration_log_nothing(sfn, logs, group):
    name, arn = group
    off = make_machine(sfn, FAIL, loggingConfiguration={"level": "OFF"})
    plain = make_machine(sfn, FAIL)
    done = [sfn.start_execution(stateMachineArn=m)["executionArn"] for m in (off, plain)]
    for execution in done:
        wait_done(sfn, execution)
    # A machine that does log, started after them, proves the sink has caught up.
    marker = make_machine(sfn, PASS, loggingConfiguration=logging(arn, "ALL"))
    marked = sfn.start_execution(stateMachineArn=marker)["executionArn"]
    records(logs, name, marked, 4)
    found = logs.filter_log_events(logGroupName=name, startTime=0)["events"]
    assert {json.loads(e["message"])["execution_arn"] for e in found} == {marked}


def test_express_sync_and_async_executions_log(sfn, logs, group):
    name, arn = group
    machine = make_machine(sfn, FAIL, "EXPRESS", loggingConfiguration=logging(arn, "ALL", data=True))
    answer = sfn.start_sync_execution(stateMachineArn=machine, input='{"n": 1}')
    assert answer["status"] == "FAILED"
    logged = records(logs, name, answer["executionArn"], 5)
    assert [r["type"] for r in logged] == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                            "FailStateEntered", "ExecutionFailed"]
    assert json.loads(logged[0]["details"]["input"]) == {"n": 1}
    assert ":express:" in logged[0]["execution_arn"]

    started = sfn.start_execution(stateMachineArn=machine, input='{"n": 2}')["executionArn"]
    logged = records(logs, name, started, 5)
    assert [r["type"] for r in logged][-1] == "ExecutionFailed"
    assert json.loads(logged[0]["details"]["input"]) == {"n": 2}


def test_an_updated_configuration_applies_to_new_executions(sfn, logs, group):
    name, arn = group
    machine = make_machine(sfn, FAIL, loggingConfiguration=logging(arn, "FATAL"))
    first = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, first)
    sfn.update_state_machine(stateMachineArn=machine, loggingConfiguration=logging(arn, "ALL", data=True))
    second = sfn.start_execution(stateMachineArn=machine, input='{"x": 1}')["executionArn"]
    wait_done(sfn, second)
    assert len(records(logs, name, second, 5)) == 5
    assert [r["type"] for r in records(logs, name, first, 1)] == ["ExecutionFailed"]
    sfn.update_state_machine(stateMachineArn=machine, loggingConfiguration={"level": "OFF"})
    third = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, third)
    assert records(logs, name, third, 1, timeout=0.5) == []


def test_statewright_logs_prints_them(server, sfn, logs, group):
    name, arn = group
    machine = make_machine(sfn, FAIL, loggingConfiguration=logging(arn, "ERROR"))
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, execution)
    records(logs, name, execution, 2)
    result = CliRunner().invoke(main, ["logs", name, "--endpoint", server.endpoint])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert '"type":"FailStateEntered"' in lines[0] and '"type":"ExecutionFailed"' in lines[1]
    assert all(execution in line for line in lines)


SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/vendedlogs/states/orders-sam
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: orders-sam
      Type: EXPRESS
      Definition:
        StartAt: Check
        States:
          Check: {Type: Pass, Next: Reject}
          Reject: {Type: Fail, Error: Orders.Rejected, Cause: no stock}
      Logging:
        Level: ERROR
        IncludeExecutionData: false
        Destinations:
          - CloudWatchLogsLogGroup:
              LogGroupArn: !GetAtt OrdersLogs.Arn
"""


def test_a_sam_state_machines_logging_applies(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE)
    settings = Settings(data_dir=tmp_path / "data", port=free_port(), time_scale=0.001)
    with ThreadServer(RuntimeConfig(settings, template=template, run_lint=False)) as running:
        sfn, logs = client(running.endpoint), client(running.endpoint, "logs")
        try:
            machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                           if m["name"] == "orders-sam")
            described = sfn.describe_state_machine(stateMachineArn=machine)["loggingConfiguration"]
            assert described["level"] == "ERROR"
            answer = sfn.start_sync_execution(stateMachineArn=machine, input="{}")
            logged = records(logs, "/aws/vendedlogs/states/orders-sam", answer["executionArn"], 2)
            assert [r["type"] for r in logged] == ["FailStateEntered", "ExecutionFailed"]
            assert logged[0]["details"] == {"name": "Reject"}
        finally:
            sfn.close()
            logs.close()
