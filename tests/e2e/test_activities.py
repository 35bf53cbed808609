"""Activities, workers and task tokens through boto3."""

from __future__ import annotations

import json
import threading
import time

import pytest
from botocore.exceptions import ClientError

from .conftest import make_machine, unique, wait_done
from .server import client
from .test_machines import code


def activity_machine(activity: str, **extra) -> dict:
    return {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True, **extra}}}


def test_activity_crud(sfn):
    name = unique("act")
    created = sfn.create_activity(name=name)
    assert created["activityArn"] == f"arn:aws:states:us-east-1:123456789012:activity:{name}"
    assert sfn.create_activity(name=name)["activityArn"] == created["activityArn"]  # idempotent
    described = sfn.describe_activity(activityArn=created["activityArn"])
    assert described["name"] == name
    listed = [a["activityArn"] for a in sfn.list_activities(maxResults=1000)["activities"]]
    assert created["activityArn"] in listed
    sfn.delete_activity(activityArn=created["activityArn"])
    with pytest.raises(ClientError) as error:
        sfn.describe_activity(activityArn=created["activityArn"])
    assert code(error) == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as error:
        sfn.get_activity_task(activityArn=created["activityArn"])
    assert code(error) == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as error:
        sfn.create_activity(name="bad/name")
    assert code(error) == "InvalidName"


def test_a_worker_gets_the_task_and_answers_it(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, activity_machine(activity)),
                              input='{"job": 1}')["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="w1")
    assert json.loads(task["input"]) == {"job": 1}
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
    assert json.loads(wait_done(sfn, run)["output"]) == {"done": True}
    events = sfn.get_execution_history(executionArn=run)["events"]
    types = [e["type"] for e in events]
    assert types.index("ActivityScheduled") < types.index("ActivityStarted") < types.index("ActivitySucceeded")
    started = next(e for e in events if e["type"] == "ActivityStarted")
    assert started["activityStartedEventDetails"]["workerName"] == "w1"
    with pytest.raises(ClientError) as error:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert code(error) == "TaskTimedOut"


def test_an_empty_long_poll_answers_without_a_token(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    started = time.monotonic()
    assert "taskToken" not in sfn.get_activity_task(activityArn=activity)
    assert time.monotonic() - started >= 0.9  # the test server polls for 1 s


def test_a_worker_failure_fails_the_execution(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, activity_machine(activity)))["executionArn"]
    token = sfn.get_activity_task(activityArn=activity)["taskToken"]
    sfn.send_task_failure(taskToken=token, error="Worker.Broke", cause="disk full")
    done = wait_done(sfn, run)
    assert (done["status"], done["error"], done["cause"]) == ("FAILED", "Worker.Broke", "disk full")


def test_heartbeat_timeout(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    definition = activity_machine(activity, HeartbeatSeconds=1)
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, definition))["executionArn"]
    done = wait_done(sfn, run)
    assert (done["status"], done["error"]) == ("FAILED", "States.HeartbeatTimeout")


def test_concurrent_answers_for_one_token_only_the_first_wins(sfn, server):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, activity_machine(activity)))["executionArn"]
    token = sfn.get_activity_task(activityArn=activity)["taskToken"]
    outcomes: list[str] = []
    lock = threading.Lock()

    def answer(index: int) -> None:
        own = client(server.endpoint)
        try:
            own.send_task_success(taskToken=token, output=json.dumps({"winner": index}))
            result = "ok"
        except ClientError as error:
            result = error.response["Error"]["Code"]
        finally:
            own.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "TaskTimedOut"}
    assert wait_done(sfn, run)["status"] == "SUCCEEDED"
    history = sfn.get_execution_history(executionArn=run)["events"]
    assert [e["type"] for e in history].count("TaskSucceeded") + \
        [e["type"] for e in history].count("ActivitySucceeded") == 1


@pytest.mark.parametrize("token, expected", [
    ("not-a-token", "InvalidToken"),
    ("00000000-0000-4000-8000-000000000000", "TaskDoesNotExist"),
])
def test_bad_tokens(sfn, token, expected):
    for call in (lambda: sfn.send_task_success(taskToken=token, output="{}"),
                 lambda: sfn.send_task_failure(taskToken=token),
                 lambda: sfn.send_task_heartbeat(taskToken=token)):
        with pytest.raises(ClientError) as error:
            call()
        assert code(error) == expected


def test_invalid_task_output(sfn):
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, activity_machine(activity)))["executionArn"]
    token = sfn.get_activity_task(activityArn=activity)["taskToken"]
    with pytest.raises(ClientError) as error:
        sfn.send_task_success(taskToken=token, output="{nope")
    assert code(error) == "InvalidOutput"
    sfn.stop_execution(executionArn=run)


def test_callbacks_with_wait_for_task_token(sfn, server):
    tokens: list[str] = []
    server.config.integrations.register("arn:test:notify", lambda params, context: tokens.append(params["token"]))
    definition = {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:test:notify.waitForTaskToken",
        "Parameters": {"token.$": "$$.Task.Token"}, "End": True}}}
    run = sfn.start_execution(stateMachineArn=make_machine(sfn, definition))["executionArn"]
    deadline = time.monotonic() + 10
    while not tokens and time.monotonic() < deadline:
        time.sleep(0.01)
    sfn.send_task_success(taskToken=tokens[0], output='"called back"')
    assert json.loads(wait_done(sfn, run)["output"]) == "called back"
