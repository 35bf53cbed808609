"""Executions through boto3: start, describe, history, list, stop, sync, TestState."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import PASS, ROLE, make_machine, unique, wait_done
from .test_machines import code

WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
                                   "Done": {"Type": "Pass", "End": True}}}
FOREVER = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10_000_000, "End": True}}}


def task(resource: str) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}


def test_start_describe_and_history(sfn):
    machine = make_machine(sfn, WAIT)
    started = sfn.start_execution(stateMachineArn=machine, name="first", input='{"a": 1}')
    name = machine.rsplit(":", 1)[1]
    assert started["executionArn"] == f"arn:aws:states:us-east-1:123456789012:execution:{name}:first"
    done = wait_done(sfn, started["executionArn"])
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"a": 1}
    assert done["stateMachineArn"] == machine and done["stopDate"] >= done["startDate"]
    history = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in history] == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                                            "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert json.loads(history[0]["executionStartedEventDetails"]["input"]) == {"a": 1}


def test_history_pages_reverses_and_drops_data_on_request(sfn):
    machine = make_machine(sfn, WAIT)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, arn)
    first = sfn.get_execution_history(executionArn=arn, maxResults=4)
    rest = sfn.get_execution_history(executionArn=arn, maxResults=4, nextToken=first["nextToken"])
    assert [e["id"] for e in first["events"] + rest["events"]] == [1, 2, 3, 4, 5, 6]
    assert "nextToken" not in rest
    reverse = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    assert [e["id"] for e in reverse] == [6, 5, 4, 3, 2, 1]
    bare = sfn.get_execution_history(executionArn=arn, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]


def test_start_is_idempotent_for_a_running_execution_with_the_same_input(sfn):
    machine = make_machine(sfn, FOREVER)
    first = sfn.start_execution(stateMachineArn=machine, name="same", input="{}")
    again = sfn.start_execution(stateMachineArn=machine, name="same", input="{}")
    assert again["executionArn"] == first["executionArn"]
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=machine, name="same", input='{"other": 1}')
    assert code(error) == "ExecutionAlreadyExists"
    stopped = sfn.stop_execution(executionArn=first["executionArn"], error="Why", cause="test")
    described = sfn.describe_execution(executionArn=first["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Why", "test")
    assert described["stopDate"] == stopped["stopDate"]
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=machine, name="same", input="{}")
    assert code(error) == "ExecutionAlreadyExists"


@pytest.mark.parametrize("kwargs, expected", [
    ({"input": "{broken"}, "InvalidExecutionInput"),
    ({"input": json.dumps({"x": "y" * (256 * 1024)})}, "ValidationException"),
    ({"name": "bad name"}, "InvalidName"),
])
def test_bad_start_requests(sfn, kwargs, expected):
    machine = make_machine(sfn, PASS)
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=machine, **kwargs)
    assert code(error) == expected


def test_unknown_machine_and_execution(sfn):
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing"
    with pytest.raises(ClientError) as error:
        sfn.start_execution(stateMachineArn=missing)
    assert code(error) == "StateMachineDoesNotExist"
    for call in (sfn.describe_execution, sfn.get_execution_history, sfn.stop_execution,
                 sfn.describe_state_machine_for_execution):
        with pytest.raises(ClientError) as error:
            call(executionArn="arn:aws:states:us-east-1:123456789012:execution:missing:x")
        assert code(error) == "ExecutionDoesNotExist"
    with pytest.raises(ClientError) as error:
        sfn.describe_execution(executionArn=missing)
    assert code(error) == "InvalidArn"


def test_list_executions_filters_and_pages(sfn):
    machine = make_machine(sfn, FOREVER)
    running = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    stopped = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.stop_execution(executionArn=stopped)
    every = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert {e["executionArn"] for e in every} == {running, stopped}
    only = sfn.list_executions(stateMachineArn=machine, statusFilter="RUNNING")["executions"]
    assert [e["executionArn"] for e in only] == [running]
    page = sfn.list_executions(stateMachineArn=machine, maxResults=1)
    rest = sfn.list_executions(stateMachineArn=machine, maxResults=1, nextToken=page["nextToken"])
    assert len(page["executions"]) == len(rest["executions"]) == 1 and "nextToken" not in rest
    sfn.stop_execution(executionArn=running)
    with pytest.raises(ClientError) as error:
        sfn.list_executions(stateMachineArn=machine, statusFilter="SLEEPING")
    assert code(error) == "ValidationException"


def test_tasks_run_registered_integrations(sfn):
    ok = sfn.start_execution(stateMachineArn=make_machine(sfn, task("arn:test:double")), input='{"n": 4}')
    assert json.loads(wait_done(sfn, ok["executionArn"])["output"]) == {"n": 8}
    bad = sfn.start_execution(stateMachineArn=make_machine(sfn, task("arn:test:fail")))
    failed = wait_done(sfn, bad["executionArn"])
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Test.Failure", "asked to fail")


def test_parallel_and_map_branches_run_their_tasks(sfn):
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:test:double", "End": True}}}}}}
    arn = sfn.start_execution(stateMachineArn=make_machine(sfn, definition),
                              input=json.dumps({"items": [{"n": i} for i in range(5)]}))["executionArn"]
    done = wait_done(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [{"n": 2 * i} for i in range(5)]


def test_express_sync_and_async(sfn):
    machine = make_machine(sfn, task("arn:test:double"), kind="EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=machine, input='{"n": 5}')
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"n": 10}
    assert ":express:" in answer["executionArn"] and answer["billingDetails"]["billedDurationInMilliseconds"] >= 100
    failing = make_machine(sfn, task("arn:test:fail"), kind="EXPRESS")
    failed = sfn.start_sync_execution(stateMachineArn=failing)
    assert (failed["status"], failed["error"]) == ("FAILED", "Test.Failure")
    started = sfn.start_execution(stateMachineArn=machine, input='{"n": 1}')
    assert ":express:" in started["executionArn"]
    with pytest.raises(ClientError) as error:
        sfn.list_executions(stateMachineArn=machine)
    assert code(error) == "StateMachineTypeNotSupported"
    with pytest.raises(ClientError) as error:
        sfn.start_sync_execution(stateMachineArn=make_machine(sfn, PASS))
    assert code(error) == "StateMachineTypeNotSupported"


def test_redrive_answers_not_redrivable(sfn):
    arn = sfn.start_execution(stateMachineArn=make_machine(sfn, PASS))["executionArn"]
    wait_done(sfn, arn)
    with pytest.raises(ClientError) as error:
        sfn.redrive_execution(executionArn=arn)
    assert code(error) == "ExecutionNotRedrivable"
    assert sfn.describe_execution(executionArn=arn)["redriveStatus"] == "NOT_REDRIVABLE"


def test_redrive_reruns_from_the_failed_state(sfn):
    # The Task state fails (its Parameters read a missing $.n); Prepare ran once and is not rerun.
    definition = {"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": 1, "ResultPath": "$.prepared", "Next": "Decide"},
        "Decide": {"Type": "Task", "Resource": "arn:test:echo", "Parameters": {"n.$": "$.n"},
                   "ResultPath": "$.echo", "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    arn = sfn.start_execution(stateMachineArn=make_machine(sfn, definition), input="{}")["executionArn"]
    failed = wait_done(sfn, arn)
    assert failed["status"] == "FAILED" and failed["redriveStatus"] == "REDRIVABLE"
    assert failed["error"] == "States.Runtime"
    answer = sfn.redrive_execution(executionArn=arn)
    assert "redriveDate" in answer
    again = wait_done(sfn, arn)
    # The input is the same, so the state fails the same way again, now with redriveCount 1.
    assert again["status"] == "FAILED" and again["redriveCount"] == 1
    types = [e["type"] for e in sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]]
    assert types.count("ExecutionRedriven") == 1
    assert types.count("PassStateEntered") == 1  # Prepare was not run again
    assert types.count("TaskStateEntered") == 2
    with pytest.raises(ClientError) as error:
        sfn.redrive_execution(executionArn=f"{arn}-missing")
    assert code(error) == "ExecutionDoesNotExist"


def test_redrive_after_a_stop_finishes_the_execution(sfn):
    definition = {"StartAt": "Wait", "States": {
        "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": "finished", "End": True}}}
    arn = sfn.start_execution(stateMachineArn=make_machine(sfn, definition))["executionArn"]
    sfn.stop_execution(executionArn=arn, error="Halt", cause="by the test")
    assert wait_done(sfn, arn)["status"] == "ABORTED"
    sfn.redrive_execution(executionArn=arn)
    with pytest.raises(ClientError) as error:  # running again: a second redrive is refused
        sfn.redrive_execution(executionArn=arn)
    assert code(error) == "ExecutionNotRedrivable"
    done = wait_done(sfn, arn, timeout=30)
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == "finished"


def test_test_state_inspection_levels(sfn):
    state = {"Type": "Pass", "Parameters": {"v.$": "$.a"}, "ResultPath": "$.r", "End": True}
    info = sfn.test_state(definition=json.dumps(state), roleArn=ROLE, input='{"a": 1}')
    assert info["status"] == "SUCCEEDED" and json.loads(info["output"]) == {"a": 1, "r": {"v": 1}}
    debug = sfn.test_state(definition=json.dumps(state), roleArn=ROLE, input='{"a": 1}', inspectionLevel="DEBUG")
    assert json.loads(debug["inspectionData"]["afterParameters"]) == {"v": 1}
    failing = sfn.test_state(definition=json.dumps({"Type": "Fail", "Error": "E", "Cause": "C"}), roleArn=ROLE)
    assert (failing["status"], failing["error"], failing["cause"]) == ("FAILED", "E", "C")
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    assert sfn.test_state(definition=json.dumps(machine), roleArn=ROLE, stateName="A")["nextState"] == "B"
    with pytest.raises(ClientError) as error:
        sfn.test_state(definition=json.dumps(machine), roleArn=ROLE, stateName="Nope")
    assert code(error) == "ValidationException"


def test_execution_names_unique_per_machine(sfn):
    first, second = make_machine(sfn, PASS), make_machine(sfn, PASS)
    name = unique("x")
    a = sfn.start_execution(stateMachineArn=first, name=name)["executionArn"]
    b = sfn.start_execution(stateMachineArn=second, name=name)["executionArn"]
    assert a != b
