"""integrations.runner: the in-memory runner — handlers, failures, callbacks, the virtual clock, context."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.drive import execution_context
from statewright.asl.types import RunTask, StepInput, TaskFailed
from statewright.integrations.runner import RunResult, local_registry, run, task_caller
from statewright.integrations.types import TaskError

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"


def _task_machine(resource: str = LAMBDA, **fields: Any) -> dict[str, Any]:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **fields}}}


def test_run_returns_a_run_result() -> None:
    result = run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {"a": 1}, now=0.0)
    assert isinstance(result, RunResult)
    assert (result.status, result.output, result.error, result.cause) == ("SUCCEEDED", {"a": 1}, None, None)
    assert result.transitions == 1


def test_default_input_is_an_empty_object() -> None:
    assert run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, now=0.0).output == {}


def test_definition_as_text_dict_or_parsed() -> None:
    text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}}'
    assert run(text, now=0.0).output == 1
    assert run(parse_definition(text), now=0.0).output == 1


def test_invalid_definition_raises_definition_error() -> None:
    with pytest.raises(DefinitionError):
        run({"StartAt": "Missing", "States": {"P": {"Type": "Pass", "End": True}}}, now=0.0)


def test_handler_exception_becomes_task_failed_with_its_type_name() -> None:
    def handler(_: Any) -> Any:
        raise ValueError("bad value")
    result = run(_task_machine(), {}, tasks={"Work": handler}, now=0.0)
    assert (result.status, result.error) == ("FAILED", "ValueError")
    cause = json.loads(result.cause or "")  # Lambda's error answer, as Step Functions records it
    assert (cause["errorType"], cause["errorMessage"]) == ("ValueError", "bad value")
    assert isinstance(cause["stackTrace"], list) and cause["requestId"]


def test_task_error_chooses_error_and_cause() -> None:
    def handler(_: Any) -> Any:
        raise TaskError("Custom.Error", "details")
    result = run(_task_machine(), {}, tasks={"Work": handler}, now=0.0)
    assert (result.error, result.cause) == ("Custom.Error", "details")


def test_unknown_resource_is_a_clear_failure() -> None:
    result = run(_task_machine("arn:aws:states:::glue:startJobRun.sync"), {}, tasks={}, now=0.0)
    assert result.status == "FAILED"
    assert result.error == "States.TaskFailed"
    assert result.cause == ("Statewright has no integration for the resource "
                            "'arn:aws:states:::glue:startJobRun.sync'.")


def test_a_function_no_one_deployed_is_lambdas_resource_not_found() -> None:
    result = run(_task_machine(), {}, tasks={}, now=0.0)
    assert result.error == "Lambda.ResourceNotFoundException"
    assert result.cause.startswith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Work")


def test_handlers_by_function_name_or_full_resource() -> None:
    assert run(_task_machine(), {}, tasks={"Work": lambda _: 1}, now=0.0).output == 1
    assert run(_task_machine(), {}, tasks={LAMBDA: lambda _: 2}, now=0.0).output == 2
    alias = LAMBDA + ":live"
    assert run(_task_machine(alias), {}, tasks={"Work": lambda _: 3}, now=0.0).output == 3
    service = "arn:aws:states:::dynamodb:putItem"
    assert run(_task_machine(service), {}, tasks={service: lambda _: 4}, now=0.0).output == 4


def test_sync_suffix_is_stripped_for_lookup() -> None:
    resource = "arn:aws:states:::ecs:runTask.sync"
    result = run(_task_machine(resource), {}, tasks={"arn:aws:states:::ecs:runTask": lambda _: "done"}, now=0.0)
    assert result.output == "done"


def test_running_when_waiting_for_a_callback_no_one_answers() -> None:
    definition = _task_machine("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                               Parameters={"token.$": "$$.Task.Token"})
    sent: list[Any] = []

    def handler(payload: Any) -> Any:
        sent.append(payload)
        return {"MessageId": "m"}  # the send's own answer; the callback never comes
    result = run(definition, {}, tasks={"arn:aws:states:::sqs:sendMessage": handler}, now=0.0)
    assert result.status == "RUNNING"
    assert result.output is None
    assert len(sent) == 1 and len(sent[0]["token"]) == 36
    assert [e["type"] for e in result.events][-2:] == ["TaskScheduled", "TaskStarted"]


def _call(tasks: dict[str, Any], command: RunTask) -> StepInput | None:
    later: list[StepInput] = []
    answer = task_caller(local_registry(tasks), "arn:aws:states:us-east-1:123456789012:execution:m:e")(
        command, later.append)
    assert later == []  # nothing here answers later
    return answer


def test_wait_for_task_token_lambda_invoke_calls_the_function_and_waits() -> None:
    command = RunTask("k1", "arn:aws:states:::lambda:invoke.waitForTaskToken",
                      {"FunctionName": "Work", "Payload": {"t": "tok"}}, "T", token="tok")
    calls = []
    assert _call({"Work": lambda p: calls.append(p)}, command) is None  # the token completes it
    assert calls == [{"t": "tok"}]


def test_call_failure_shapes() -> None:
    command = RunTask("k9", "arn:test:nothing", {}, "T")
    assert _call({}, command) == TaskFailed(
        "k9", "States.TaskFailed", "Statewright has no integration for the resource 'arn:test:nothing'.")
    failed = _call({"Work": lambda _: 1 / 0}, RunTask("k9", LAMBDA, {}, "T"))
    assert isinstance(failed, TaskFailed) and failed.error == "ZeroDivisionError"
    assert json.loads(failed.cause)["errorMessage"] == "division by zero"


def test_virtual_clock_does_not_sleep() -> None:
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400 * 365, "End": True}}}
    result = run(definition, {}, now=100.0)
    assert result.status == "SUCCEEDED"
    assert result.events[-1]["timestamp"] == 100.0 + 86400 * 365


def test_execution_timeout_on_the_virtual_clock() -> None:
    definition = {"TimeoutSeconds": 10, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}
    result = run(definition, {}, now=0.0)
    assert result.status == "TIMED_OUT"
    assert result.events[-1]["timestamp"] == 10


def test_record_false_returns_no_events() -> None:
    result = run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {}, record=False, now=0.0)
    assert result.events == []
    assert result.status == "SUCCEEDED"


def test_context_object_from_run_arguments() -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": True}}}
    result = run(definition, {"i": 1}, now=0.0, name="exec-1", state_machine="Orders",
                 role_arn="arn:aws:iam::123456789012:role/R")
    context = result.output["c"]
    assert context["Execution"] == {
        "Id": "arn:aws:states:us-east-1:123456789012:execution:Orders:exec-1", "Input": {"i": 1},
        "Name": "exec-1", "RoleArn": "arn:aws:iam::123456789012:role/R", "StartTime": "1970-01-01T00:00:00.000Z",
        "RedriveCount": 0}
    assert context["StateMachine"] == {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders",
                                       "Name": "Orders"}


def test_express_context_has_express_arn_and_no_redrive_count() -> None:
    context = execution_context("Orders", "e", {}, 0.0, "r", "EXPRESS")
    assert context["Execution"]["Id"].startswith("arn:aws:states:us-east-1:123456789012:express:Orders:e:")
    assert "RedriveCount" not in context["Execution"]


def test_seed_makes_random_intrinsics_reproducible() -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {
        "r.$": "States.MathRandom(0, 1000000)", "u.$": "States.UUID()"}, "End": True}}}
    first = run(definition, {}, now=0.0, seed=5).output
    assert run(definition, {}, now=0.0, seed=5).output == first
    assert run(definition, {}, now=0.0, seed=6).output != first


def test_max_steps_bounds_the_run() -> None:
    definition = {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 1, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
              "Default": "W"},
        "Done": {"Type": "Succeed"}}}
    result = run(definition, {}, now=0.0, max_steps=50)
    assert result.status == "RUNNING"
    assert result.transitions > 10


def test_seed_workflow_runs() -> None:
    definition = {"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.TransactionType", "StringEquals": "PURCHASE", "Next": "Purchase"},
            {"Variable": "$.TransactionType", "StringEquals": "REFUND", "Next": "Refund"}]},
        "Purchase": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ProcessPurchase",
                     "End": True},
        "Refund": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ProcessRefund",
                   "End": True}}}
    tasks = {"ProcessPurchase": lambda e: {"kind": "purchase", **e},
             "ProcessRefund": lambda e: {"kind": "refund", **e}}
    assert run(definition, {"TransactionType": "REFUND"}, tasks=tasks, now=0.0).output["kind"] == "refund"
    assert run(definition, {"TransactionType": "PURCHASE"}, tasks=tasks, now=0.0).output["kind"] == "purchase"
    assert run(definition, {"TransactionType": "OTHER"}, tasks=tasks, now=0.0).error == "States.NoChoiceMatched"
