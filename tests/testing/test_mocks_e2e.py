"""Step Functions Local's mock configuration against the real server: `<machine>#<case>`
executions, invocation numbers, retries, callback and .sync states, histories, and errors."""

from __future__ import annotations

import json
import uuid

import pytest

from statewright.integrations.registry import Registry
from statewright.testing import StatewrightServer, run_execution

ROLE = "arn:aws:iam::123456789012:role/test"
MOCKS = {
    "StateMachines": {
        "Orders": {"TestCases": {
            "HappyPath": {"Charge": "ChargeOk", "Approve": "Approved", "Child": "ChildDone"},
            "RetryPath": {"Charge": "ChargeFlaky", "Approve": "Approved", "Child": "ChildDone"},
            "DeclinedPath": {"Charge": "ChargeDeclined"},
            "HybridPath": {"Approve": "Approved", "Child": "ChildDone"},
            "ShortPath": {"Charge": "ChargeOnce"},
        }},
    },
    "MockedResponses": {
        "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": 42}}}},
        "ChargeFlaky": {"0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "flaky"}},
                        "2": {"Return": {"StatusCode": 200, "Payload": {"charged": 7}}}},
        "ChargeDeclined": {"0": {"Throw": {"Error": "Payment.Declined", "Cause": "card declined"}}},
        "ChargeOnce": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "flaky"}}},
        "Approved": {"0": {"Return": {"approved": True}}},
        "ChildDone": {"0": {"Return": {"Status": "SUCCEEDED", "Output": "{\"child\": true}"}}},
    },
}
DEFINITION = {
    "StartAt": "Charge",
    "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
                   "ResultSelector": {"charged.$": "$.Payload.charged"}, "ResultPath": "$.charge",
                   "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                   "Catch": [{"ErrorEquals": ["Payment.Declined"], "Next": "Declined"}],
                   "Next": "Approve"},
        "Approve": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": "approve", "Payload": {"token.$": "$$.Task.Token"}},
                    "ResultPath": "$.approval", "TimeoutSeconds": 86400, "Next": "Child"},
        "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                  "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},
                  "ResultSelector": {"status.$": "$.Status"}, "ResultPath": "$.child", "Next": "Done"},
        "Declined": {"Type": "Fail", "Error": "Declined"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    registry = Registry()
    registry.register("arn:test:echo", lambda parameters, context: parameters)
    with StatewrightServer(tmp_path_factory.mktemp("mocks"), mocks=MOCKS, integrations=registry) as running:
        yield running


@pytest.fixture(scope="module")
def sfn(server):
    client = server.client()
    yield client
    client.close()


@pytest.fixture(scope="module")
def machine(sfn):
    return sfn.create_state_machine(name="Orders", definition=json.dumps(DEFINITION), roleArn=ROLE)["stateMachineArn"]


def test_happy_path_uses_every_mock_and_the_execution_belongs_to_the_machine(sfn, machine):
    run = run_execution(sfn, machine, {"order": 1}, name="happy", test_case="HappyPath")
    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"order": 1, "charge": {"charged": 42}, "approval": {"approved": True},
                          "child": {"status": "SUCCEEDED"}}
    assert run.path == ["Charge", "Approve", "Child", "Done"]
    assert run.execution_arn == "arn:aws:states:us-east-1:123456789012:execution:Orders:happy"
    described = sfn.describe_execution(executionArn=run.execution_arn)
    assert described["stateMachineArn"] == machine
    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert run.execution_arn in [item["executionArn"] for item in listed]


def test_history_is_a_real_tasks_history_with_the_mocked_payload(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="HappyPath")
    charge = run.event_types()[run.event_types().index("TaskStateEntered"):][:5]
    assert charge == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited"]
    succeeded = [event for event in run.events if event["type"] == "TaskSucceeded"][0]
    details = succeeded["taskSucceededEventDetails"]
    assert details["resourceType"] == "lambda" and details["resource"] == "invoke"
    assert json.loads(details["output"]) == {"StatusCode": 200, "Payload": {"charged": 42}}


def test_a_retried_state_consumes_the_next_invocation_numbers(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="RetryPath")
    assert run.status == "SUCCEEDED", run.cause
    assert run.output["charge"] == {"charged": 7}
    failures = [event["taskFailedEventDetails"] for event in run.events if event["type"] == "TaskFailed"]
    assert [(f["error"], f["cause"]) for f in failures] == [("Lambda.ServiceException", "flaky")] * 2


def test_a_thrown_error_is_caught_as_a_real_one(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="DeclinedPath")
    assert run.status == "FAILED" and run.error == "Declined"
    assert run.path == ["Charge", "Declined"]


def test_unmocked_states_call_their_real_integration(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="HybridPath")
    # No local function `charge`: the real Lambda integration answers, and the execution fails.
    assert run.status == "FAILED"
    assert run.error.startswith("Lambda.")


def test_a_missing_test_case_fails_the_execution_with_a_clear_cause(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="NoSuchCase")
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert "no test case 'NoSuchCase' for the state machine 'Orders'" in run.cause


def test_an_invocation_without_a_response_fails_the_execution(sfn, machine):
    run = run_execution(sfn, machine, {}, test_case="ShortPath")
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert "'ChargeOnce'" in run.cause and "invocation 1" in run.cause


def test_an_execution_without_a_test_case_is_not_mocked(sfn, machine):
    run = run_execution(sfn, machine, {}, name=f"plain-{uuid.uuid4().hex[:6]}")
    assert run.status == "FAILED" and run.error.startswith("Lambda.")


def test_a_restarted_server_keeps_the_invocation_numbers(tmp_path):
    """The binding and each task's invocation number are stored: a new server on the same data
    finds them (a re-dispatched task gets the number it had)."""
    from statewright.integrations.mocks import MockedTasks, parse_mock_config
    from statewright.services.stepfunctions.testcases import bind
    from statewright.store import SqliteStore

    arn = "arn:aws:states:us-east-1:123456789012:execution:Orders:again"
    store = SqliteStore(tmp_path)
    try:
        store.write(lambda tx: bind(tx, arn, "Orders", "RetryPath", 0.0)).result()
        mocks = MockedTasks(parse_mock_config(MOCKS), store)
        assert mocks.answer(arn, "Charge", "task-a").error == "Lambda.ServiceException"
        assert mocks.answer(arn, "Charge", "task-b").error == "Lambda.ServiceException"
    finally:
        store.close()
    store = SqliteStore(tmp_path)
    try:
        mocks = MockedTasks(parse_mock_config(MOCKS), store)
        assert mocks.answer(arn, "Charge", "task-b").error == "Lambda.ServiceException"  # the same task again
        assert mocks.answer(arn, "Charge", "task-c").output == {"StatusCode": 200, "Payload": {"charged": 7}}
    finally:
        store.close()


def test_a_synchronous_express_execution_runs_a_test_case(sfn):
    definition = {"StartAt": "Charge", "States": {"Charge": {**DEFINITION["States"]["Charge"], "Next": "Done"},
                                                  "Declined": {"Type": "Fail", "Error": "Declined"},
                                                  "Done": {"Type": "Succeed"}}}
    express = sfn.create_state_machine(name="Orders-express", definition=json.dumps(definition), roleArn=ROLE,
                                       type="EXPRESS")["stateMachineArn"]
    assert "Orders-express" not in MOCKS["StateMachines"]  # no test case: the execution fails clearly
    answer = sfn.start_sync_execution(stateMachineArn=f"{express}#HappyPath", input="{}")
    assert answer["status"] == "FAILED" and answer["error"] == "States.Runtime"
    assert "for the state machine 'Orders-express'" in answer["cause"]
    assert answer["stateMachineArn"] == express


def test_an_empty_test_case_name_is_an_invalid_arn(sfn, machine):
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.start_execution(stateMachineArn=f"{machine}#", input="{}")
