"""asl.history: AWS-shaped history events and their detail fields."""

from __future__ import annotations

import json

import pytest

from statewright.asl import history

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:Review"


def test_dumps_is_compact_and_keeps_non_ascii() -> None:
    assert history.dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'


def test_payload_details() -> None:
    assert history.payload_details("input", {"a": 1}) == {"input": '{"a":1}', "inputDetails": {"truncated": False}}


@pytest.mark.parametrize("kind", ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"])
def test_state_entered(kind: str) -> None:
    event_type, details = history.state_entered(kind, "S", {"x": None})
    assert event_type == f"{kind}StateEntered"
    assert details == {"stateEnteredEventDetails": {"name": "S", "input": '{"x":null}',
                                                    "inputDetails": {"truncated": False}}}


def test_fail_has_no_exited_event_type() -> None:
    assert "Fail" not in history.EXITED


def test_state_exited_with_and_without_variables() -> None:
    assert history.state_exited("Pass", "S", 1, None) == ("PassStateExited", {"stateExitedEventDetails": {
        "name": "S", "output": "1", "outputDetails": {"truncated": False}}})
    _, details = history.state_exited("Task", "S", 1, {"a": [1], "b": "s"})
    assert details["stateExitedEventDetails"]["assignedVariables"] == {"a": "[1]", "b": '"s"'}
    assert details["stateExitedEventDetails"]["assignedVariablesDetails"] == {"truncated": False}
    _, empty = history.state_exited("Task", "S", 1, {})
    assert "assignedVariables" not in empty["stateExitedEventDetails"]


def test_execution_events() -> None:
    assert history.execution_started({"a": 1}, "arn:role") == ("ExecutionStarted", {"executionStartedEventDetails": {
        "input": '{"a":1}', "inputDetails": {"truncated": False}, "roleArn": "arn:role"}})
    assert history.execution_succeeded(None) == ("ExecutionSucceeded", {"executionSucceededEventDetails": {
        "output": "null", "outputDetails": {"truncated": False}}})
    assert history.execution_ended("ExecutionFailed", "E", "c") == (
        "ExecutionFailed", {"executionFailedEventDetails": {"error": "E", "cause": "c"}})
    assert history.execution_ended("ExecutionTimedOut", "States.Timeout", None) == (
        "ExecutionTimedOut", {"executionTimedOutEventDetails": {"error": "States.Timeout"}})
    assert history.execution_ended("ExecutionAborted", None, None) == (
        "ExecutionAborted", {"executionAbortedEventDetails": {}})


def test_error_details_keep_empty_strings() -> None:
    assert history.error_details("", "") == {"error": "", "cause": ""}


def test_evaluation_failed() -> None:
    assert history.evaluation_failed("S", "States.QueryEvaluationError", "c", "Items") == (
        "EvaluationFailed", {"evaluationFailedEventDetails": {
            "error": "States.QueryEvaluationError", "cause": "c", "state": "S", "location": "Items"}})
    _, details = history.evaluation_failed("S", "E", "c", None)
    assert "location" not in details["evaluationFailedEventDetails"]


def test_map_events() -> None:
    assert history.map_started(3) == ("MapStateStarted", {"mapStateStartedEventDetails": {"length": 3}})
    for kind in ("Started", "Succeeded", "Failed", "Aborted"):
        assert history.map_iteration(kind, "M", 2) == (
            f"MapIteration{kind}", {f"mapIteration{kind}EventDetails": {"name": "M", "index": 2}})
    assert history.bare("ParallelStateStarted") == ("ParallelStateStarted", {})


@pytest.mark.parametrize(("resource", "expected"), [
    (LAMBDA, ("Lambda", "lambda", LAMBDA)),
    (LAMBDA + ":prod", ("Lambda", "lambda", LAMBDA + ":prod")),
    (ACTIVITY, ("Activity", "activity", ACTIVITY)),
    ("arn:aws:states:::lambda:invoke", ("Task", "lambda", "invoke")),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", ("Task", "sqs", "sendMessage.waitForTaskToken")),
    ("arn:aws:states:::aws-sdk:s3:getObject", ("Task", "aws-sdk", "s3:getObject")),
    ("arn:aws:states:::states:startExecution.sync:2", ("Task", "states", "startExecution.sync:2")),
])
def test_task_kind(resource: str, expected: tuple[str, str, str]) -> None:
    assert history.task_kind(resource) == expected


def test_lambda_task_events() -> None:
    event_type, details = history.task_scheduled(LAMBDA, "us-east-1", {"a": 1}, 30, None)
    assert event_type == "LambdaFunctionScheduled"
    assert details == {"lambdaFunctionScheduledEventDetails": {
        "resource": LAMBDA, "input": '{"a":1}', "inputDetails": {"truncated": False}, "timeoutInSeconds": 30}}
    assert history.task_started(LAMBDA) == ("LambdaFunctionStarted", {})
    assert history.task_succeeded(LAMBDA, 1)[0] == "LambdaFunctionSucceeded"
    assert history.task_failed(LAMBDA, "E", "c") == (
        "LambdaFunctionFailed", {"lambdaFunctionFailedEventDetails": {"error": "E", "cause": "c"}})
    assert history.task_failed(LAMBDA, "States.Timeout", "", timed_out=True)[0] == "LambdaFunctionTimedOut"


def test_activity_task_events() -> None:
    _, details = history.task_scheduled(ACTIVITY, "us-east-1", {}, 60, 10)
    assert details["activityScheduledEventDetails"] == {
        "resource": ACTIVITY, "input": "{}", "inputDetails": {"truncated": False},
        "timeoutInSeconds": 60, "heartbeatInSeconds": 10}
    assert history.task_started(ACTIVITY, "w1") == ("ActivityStarted", {"activityStartedEventDetails": {
        "workerName": "w1"}})
    assert history.task_failed(ACTIVITY, "States.HeartbeatTimeout", "", timed_out=True) == (
        "ActivityTimedOut", {"activityTimedOutEventDetails": {"error": "States.HeartbeatTimeout", "cause": ""}})


def test_service_task_events() -> None:
    resource = "arn:aws:states:::dynamodb:putItem"
    event_type, details = history.task_scheduled(resource, "eu-west-1", {"TableName": "t"}, 5.0, 2.0)
    assert event_type == "TaskScheduled"
    body = details["taskScheduledEventDetails"]
    assert body == {"resourceType": "dynamodb", "resource": "putItem", "region": "eu-west-1",
                    "parameters": '{"TableName":"t"}', "timeoutInSeconds": 5, "heartbeatInSeconds": 2}
    assert isinstance(body["timeoutInSeconds"], int)
    assert history.task_started(resource) == ("TaskStarted", {"taskStartedEventDetails": {
        "resourceType": "dynamodb", "resource": "putItem"}})
    event_type, details = history.task_succeeded(resource, {"ok": True})
    assert details["taskSucceededEventDetails"] == {"resourceType": "dynamodb", "resource": "putItem",
                                                    "output": '{"ok":true}', "outputDetails": {"truncated": False}}
    event_type, details = history.task_failed(resource, "E", "c", timed_out=True)
    assert event_type == "TaskTimedOut"
    assert details["taskTimedOutEventDetails"] == {"resourceType": "dynamodb", "resource": "putItem",
                                                   "error": "E", "cause": "c"}


def test_scheduled_without_timeouts_omits_them() -> None:
    _, details = history.task_scheduled("arn:aws:states:::sns:publish", "us-east-1", {}, None, None)
    body = details["taskScheduledEventDetails"]
    assert "timeoutInSeconds" not in body and "heartbeatInSeconds" not in body


def test_every_event_is_json() -> None:
    for event in (history.state_entered("Pass", "S", {"a": [1]}), history.task_scheduled(LAMBDA, "r", {}, 1, None),
                  history.map_started(0), history.execution_ended("ExecutionFailed", "E", None)):
        json.dumps(event)


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, None, True, {"é": "\u2028\"\\"}]}, "é", "\ud800", 10**30, 1e300, -0.0, float("nan"),
    [], {}, {1: 2, False: 3, None: 4, 1.5: 5}, "plain", 3, None])
def test_dumps_matches_json_dumps_with_the_same_settings(value) -> None:
    """The prebuilt encoder must write exactly what json.dumps writes with AWS's settings."""
    assert history.dumps(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_dumps_refuses_what_json_cannot_write() -> None:
    with pytest.raises(TypeError):
        history.dumps({"x": object()})


_BUILDS = [
    *[(history.state_entered, (kind, "S", {"x": 1}), {}) for kind in history.ENTERED],
    *[(history.state_exited, (kind, "S", 1, {"v": 1}), {}) for kind in history.EXITED],
    (history.execution_started, ({"a": 1}, "arn:role"), {}),
    (history.execution_succeeded, ({"a": 1},), {}),
    *[(history.execution_ended, (kind, "E", "c"), {})
      for kind in ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted")],
    (history.evaluation_failed, ("S", "States.QueryEvaluationError", "c", None), {}),
    (history.map_started, (3,), {}),
    *[(history.map_iteration, (kind, "M", 0), {}) for kind in ("Started", "Succeeded", "Failed", "Aborted")],
    (history.bare, ("ParallelStateFailed",), {}),
    *[(build, (resource, *rest), kwargs)
      for resource in (LAMBDA, ACTIVITY, "arn:aws:states:::dynamodb:putItem", "arn:aws:sqs:us-east-1:1:q")
      for build, rest, kwargs in ((history.task_scheduled, ("us-east-1", {}, 5, 2), {}),
                                  (history.task_started, ("worker",), {}),
                                  (history.task_succeeded, ({"ok": 1},), {}),
                                  (history.task_failed, ("E", "c"), {}),
                                  (history.task_failed, ("E", "c"), {"timed_out": True}),
                                  (history.task_failed, ("E", "c", True), {}))],
    (history.map_run_started, ("arn:map-run",), {}),
    (history.map_run_failed, ("E", "c"), {}),
    (history.map_run_redriven, ("arn:map-run", 1), {}),
    (history.execution_redriven, (1,), {}),
]


@pytest.mark.parametrize(("build", "args", "kwargs"), _BUILDS)
def test_event_type_names_what_the_builder_makes(build, args, kwargs) -> None:
    assert history.event_type(build, *args, **kwargs) == build(*args, **kwargs)[0]


def test_every_builder_has_an_event_type() -> None:
    builders = {value for name, value in vars(history).items()
                if callable(value) and getattr(value, "__module__", None) == history.__name__
                and not name.startswith("_") and name not in ("dumps", "payload_details", "error_details",
                                                              "task_kind", "event_type")}
    assert builders == {build for build, _, _ in _BUILDS}
