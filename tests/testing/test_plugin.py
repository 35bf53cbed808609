"""The plugin's fixtures used as a test suite would: reset between tests, per-test time scale and
mocks, callbacks, templates, and the in-process mode."""

from __future__ import annotations

import json
import time

import pytest

ROLE = "arn:aws:iam::123456789012:role/test"
WAIT_A_DAY = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 86400, "Next": "Done"},
                                            "Done": {"Type": "Pass", "Result": "waited", "End": True}}}
CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "notify", "Payload": {"TaskToken.$": "$$.Task.Token"}},
            "TimeoutSeconds": 86400, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Rejected"}],
            "Next": "Approved"},
    "Approved": {"Type": "Succeed"},
    "Rejected": {"Type": "Fail", "Error": "Rejected"}}}


def _machine(sfn, name: str, definition: dict) -> str:
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]


def test_each_test_starts_from_an_empty_server_first(sfn_client):
    _machine(sfn_client, "Leftover", WAIT_A_DAY)
    assert [m["name"] for m in sfn_client.list_state_machines()["stateMachines"]] == ["Leftover"]


def test_each_test_starts_from_an_empty_server_second(sfn_client):
    assert sfn_client.list_state_machines()["stateMachines"] == []


@pytest.mark.statewright(time_scale=0.00001)
def test_a_day_long_wait_with_a_per_test_time_scale(statewright):
    run = statewright.run(_machine(statewright.sfn, "Day", WAIT_A_DAY))
    assert run.status == "SUCCEEDED" and run.output == "waited"
    assert run.path == ["Wait", "Done"]


def test_the_time_scale_is_the_default_again_after_a_marked_test(statewright_server):
    assert statewright_server.runtime.engine.clock.scale == 0.001


NOTIFY = "def handler(event, context):\n    return {'sent': True}\n"


def test_wait_for_a_callback_token_and_answer_it(statewright):
    statewright.create_function("notify", NOTIFY)
    machine = _machine(statewright.sfn, "Callback", CALLBACK)
    approved = statewright.start(machine, {})
    statewright.answer(statewright.wait_for_task_token(approved, "Ask"), {"ok": True})
    assert statewright.wait(approved).path == ["Ask", "Approved"]
    rejected = statewright.start(machine, {})
    statewright.answer(statewright.wait_for_task_token(rejected), error="No", cause="not today")
    run = statewright.wait(rejected)
    assert (run.status, run.error, run.path) == ("FAILED", "Rejected", ["Ask", "Rejected"])


def test_waiting_for_a_token_that_never_comes_times_out(statewright):
    execution = statewright.start(_machine(statewright.sfn, "NoToken", WAIT_A_DAY))
    with pytest.raises(TimeoutError, match="task token"):
        statewright.wait_for_task_token(execution, timeout=0.1)


MOCKS = {"StateMachines": {"Callback": {"TestCases": {"Yes": {"Ask": "Yes"}, "No": {"Ask": "No"}}}},
         "MockedResponses": {"Yes": {"0": {"Return": {"ok": True}}},
                             "No": {"0": {"Throw": {"Error": "Denied", "Cause": "mocked"}}}}}


@pytest.mark.statewright(mocks=MOCKS)
def test_mocks_per_test_answer_a_callback_state_at_once(statewright):
    machine = _machine(statewright.sfn, "Callback", CALLBACK)
    assert statewright.run(machine, test_case="Yes").path == ["Ask", "Approved"]
    assert statewright.run(machine, test_case="No").error == "Rejected"


def test_mocks_are_gone_after_the_test_that_loaded_them(statewright):
    run = statewright.run(_machine(statewright.sfn, "Callback", CALLBACK), test_case="Yes")
    assert run.status == "FAILED" and "no mock configuration is loaded" in run.cause


def test_aws_client_reaches_other_services_and_reset_empties_them(aws_client, statewright_server):
    dynamodb = aws_client("dynamodb")
    dynamodb.create_table(TableName="things", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    assert dynamodb.list_tables()["TableNames"] == ["things"]
    statewright_server.reset()
    assert dynamodb.list_tables()["TableNames"] == []


def test_reset_of_one_service_keeps_the_others(statewright, statewright_server):
    sfn, s3 = statewright.sfn, statewright.client("s3")
    s3.create_bucket(Bucket="kept")
    machine = _machine(sfn, "Stopped", WAIT_A_DAY)
    running = statewright.start(machine)
    statewright_server.reset("stepfunctions")
    assert sfn.list_state_machines()["stateMachines"] == []
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=running)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
    assert not statewright_server.runtime.engine.is_running(running)


def test_reset_of_an_unknown_service_is_refused(statewright_server):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{statewright_server.endpoint}/_statewright/reset?service=nope", data=b"",
                                     method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    assert "cannot reset the service 'nope'" in json.loads(refused.value.read())["message"]
    refused.value.close()


def test_in_process_mode_runs_without_a_server(statewright_local):
    started = time.monotonic()
    run = statewright_local(WAIT_A_DAY)
    assert (run.status, run.path) == ("SUCCEEDED", ["Wait", "Done"])
    assert time.monotonic() - started < 60  # a virtual clock: not a day
    mocked = statewright_local(CALLBACK, mocks=MOCKS, state_machine="Callback", test_case="No")
    assert (mocked.status, mocked.path) == ("FAILED", ["Ask", "Rejected"])
