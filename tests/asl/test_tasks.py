"""asl.tasks: the Task state through the in-memory runner (and `step()` where time must pass)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.step import Execution, step
from statewright.asl.types import ExecutionStart, RunTask, StartTimer, TaskFailed, TimerFired
from statewright.integrations.runner import RunResult, run
from statewright.integrations.types import TaskError

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
INVOKE = "arn:aws:states:::lambda:invoke"
T0 = 1_000.0


def _machine(task: dict[str, Any], *extra: tuple[str, dict[str, Any]], top: dict[str, Any] | None = None,
             ) -> dict[str, Any]:
    body = {"Type": "Task", "Resource": LAMBDA, **task}
    if "Next" not in body:
        body["End"] = True
    return {"StartAt": "T", "States": {"T": body, **dict(extra)}, **(top or {})}


def _types(result: RunResult) -> list[str]:
    return [e["type"] for e in result.events]


def _events(result: RunResult, kind: str) -> list[dict[str, Any]]:
    return [e for e in result.events if e["type"] == kind]


def _failing(*errors: str, then: Any = "ok") -> Callable[[Any], Any]:
    """A handler that raises TaskError for each name in `errors`, then returns `then`."""
    left = list(errors)

    def handler(_: Any) -> Any:
        if left:
            raise TaskError(left.pop(0), "cause text")
        return then
    return handler


# --- resources and their events ---------------------------------------------------------------


def test_lambda_function_arn_events_and_details() -> None:
    result = run(_machine({"Parameters": {"x.$": "$.x"}, "TimeoutSeconds": 20}), {"x": 1},
                 tasks={"Work": lambda p: {"doubled": p["x"] * 2}}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == {"doubled": 2}
    assert _types(result) == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                              "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                              "ExecutionSucceeded"]
    scheduled = _events(result, "LambdaFunctionScheduled")[0]["lambdaFunctionScheduledEventDetails"]
    assert scheduled == {"resource": LAMBDA, "input": '{"x":1}', "inputDetails": {"truncated": False},
                         "timeoutInSeconds": 20}
    succeeded = _events(result, "LambdaFunctionSucceeded")[0]["lambdaFunctionSucceededEventDetails"]
    assert succeeded == {"output": '{"doubled":2}', "outputDetails": {"truncated": False}}


def test_lambda_invoke_integration_wraps_payload() -> None:
    seen: list[Any] = []

    def handler(payload: Any) -> Any:
        seen.append(payload)
        return {"echo": payload}
    definition = _machine({"Resource": INVOKE, "Parameters": {"FunctionName": LAMBDA, "Payload.$": "$"}})
    result = run(definition, {"a": 1}, tasks={"Work": handler}, now=T0)
    assert seen == [{"a": 1}]
    assert result.output["Payload"] == {"echo": {"a": 1}}
    assert result.output["StatusCode"] == 200
    assert _types(result)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = _events(result, "TaskScheduled")[0]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "lambda"
    assert scheduled["resource"] == "invoke"
    assert scheduled["region"] == "us-east-1"
    assert json.loads(scheduled["parameters"]) == {"FunctionName": LAMBDA, "Payload": {"a": 1}}
    started = _events(result, "TaskStarted")[0]["taskStartedEventDetails"]
    assert started == {"resourceType": "lambda", "resource": "invoke"}
    done = _events(result, "TaskSucceeded")[0]["taskSucceededEventDetails"]
    assert done["resourceType"] == "lambda" and json.loads(done["output"])["Payload"] == {"echo": {"a": 1}}


def test_lambda_invoke_by_function_name_only() -> None:
    definition = _machine({"Resource": INVOKE, "Parameters": {"FunctionName": "Work", "Payload": {"k": 1}}})
    result = run(definition, {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.output["Payload"] == {"k": 1}


def test_lambda_invoke_failure_events() -> None:
    definition = _machine({"Resource": INVOKE, "Parameters": {"FunctionName": LAMBDA, "Payload": {}}})
    result = run(definition, {}, tasks={"Work": _failing("Bad")}, now=T0)
    assert result.status == "FAILED"
    failed = _events(result, "TaskFailed")[0]["taskFailedEventDetails"]
    assert failed == {"resourceType": "lambda", "resource": "invoke", "error": "Bad", "cause": "cause text"}


def test_lambda_function_failure_events() -> None:
    result = run(_machine({}), {}, tasks={"Work": _failing("Bad")}, now=T0)
    assert _events(result, "LambdaFunctionFailed")[0]["lambdaFunctionFailedEventDetails"] == {
        "error": "Bad", "cause": "cause text"}
    assert (result.error, result.cause) == ("Bad", "cause text")


def test_activity_resource_events() -> None:
    arn = "arn:aws:states:us-east-1:123456789012:activity:Review"
    result = run(_machine({"Resource": arn, "HeartbeatSeconds": 30}), {"a": 1},
                 tasks={arn: lambda p: {"ok": p}}, now=T0)
    assert result.status == "SUCCEEDED"
    assert _types(result)[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    details = _events(result, "ActivityScheduled")[0]["activityScheduledEventDetails"]
    assert details["resource"] == arn and details["heartbeatInSeconds"] == 30


def test_result_selector_shapes_the_task_result() -> None:
    definition = _machine({"ResultSelector": {"id.$": "$.body.id", "count.$": "States.ArrayLength($.body.list)"},
                           "ResultPath": "$.res"})
    result = run(definition, {"keep": 1}, tasks={"Work": lambda _: {"body": {"id": "x", "list": [1, 2]}}}, now=T0)
    assert result.output == {"keep": 1, "res": {"id": "x", "count": 2}}
    # The event shows the raw result; the exited event shows the output.
    assert json.loads(_events(result, "LambdaFunctionSucceeded")[0]["lambdaFunctionSucceededEventDetails"]
                      ["output"]) == {"body": {"id": "x", "list": [1, 2]}}


# --- Retry ----------------------------------------------------------------------------------


def _scheduled_times(result: RunResult) -> list[float]:
    return [e["timestamp"] - T0 for e in result.events if e["type"] == "LambdaFunctionScheduled"]


def test_retry_interval_and_backoff() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 3,
                                      "MaxAttempts": 3}]})
    result = run(definition, {}, tasks={"Work": _failing("E", "E", "E")}, now=T0)
    assert result.status == "SUCCEEDED"
    assert _scheduled_times(result) == [0, 2, 8, 26]


def test_retry_defaults_are_one_second_three_attempts_rate_two() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"]}]})
    result = run(definition, {}, tasks={"Work": _failing("E", "E", "E", "E")}, now=T0)
    assert result.status == "FAILED"
    assert _scheduled_times(result) == [0, 1, 3, 7]


def test_max_delay_seconds_caps_the_backoff() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 5, "BackoffRate": 4,
                                      "MaxAttempts": 4, "MaxDelaySeconds": 30}]})
    result = run(definition, {}, tasks={"Work": _failing("E", "E", "E", "E")}, now=T0)
    gaps = [b - a for a, b in zip(_scheduled_times(result), _scheduled_times(result)[1:], strict=False)]
    assert gaps == [5, 20, 30, 30]


def test_max_attempts_zero_never_retries() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 0}]})
    result = run(definition, {}, tasks={"Work": _failing("E")}, now=T0)
    assert result.status == "FAILED"
    assert len(_scheduled_times(result)) == 1


@pytest.mark.parametrize("seed", range(8))
def test_full_jitter_stays_within_zero_and_the_backoff(seed: int) -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 10, "BackoffRate": 2,
                                      "MaxAttempts": 3, "JitterStrategy": "FULL"}]})
    result = run(definition, {}, tasks={"Work": _failing("E", "E", "E")}, now=T0, seed=seed)
    times = _scheduled_times(result)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3
    for gap, ceiling in zip(gaps, (10, 20, 40), strict=True):
        assert 0 <= gap <= ceiling


def test_full_jitter_is_random_but_reproducible() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 100, "MaxAttempts": 1,
                                      "JitterStrategy": "FULL"}]})
    delays = [_scheduled_times(run(definition, {}, tasks={"Work": _failing("E")}, now=T0, seed=s))[1]
              for s in (1, 1, 2, 3, 4)]
    assert delays[0] == delays[1]
    assert len(set(delays[1:])) > 1


def test_retry_count_in_context_and_in_events() -> None:
    seen: list[Any] = []

    def handler(payload: Any) -> Any:
        seen.append(payload)
        if len(seen) < 3:
            raise TaskError("E", "")
        return "ok"
    count = "{% $exists($states.context.State.RetryCount) ? $states.context.State.RetryCount : -1 %}"
    definition = _machine({"Arguments": {"count": count},
                           "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1}]},
                          top={"QueryLanguage": "JSONata"})
    result = run(definition, {}, tasks={"Work": handler}, now=T0)
    assert result.status == "SUCCEEDED", result.cause
    assert [p["count"] for p in seen[1:]] == [1, 2]
    assert len(_events(result, "LambdaFunctionFailed")) == 2
    assert len(_events(result, "TaskStateEntered")) == 1


def test_retry_count_is_zero_on_the_first_attempt() -> None:
    definition = _machine({"Parameters": {"count.$": "$$.State.RetryCount"}})
    result = run(definition, {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == {"count": 0}


def test_first_matching_retrier_wins_and_each_counts_alone() -> None:
    definition = _machine({"Retry": [
        {"ErrorEquals": ["A"], "MaxAttempts": 1, "IntervalSeconds": 1},
        {"ErrorEquals": ["A", "B"], "MaxAttempts": 5, "IntervalSeconds": 10, "BackoffRate": 1}]})
    result = run(definition, {}, tasks={"Work": _failing("B", "A", "B", "A")}, now=T0)
    # B → retrier 2 (+10); A → retrier 1 (+1); B → retrier 2 (+10); A → retrier 1 exhausted → fail.
    assert result.status == "FAILED"
    assert result.error == "A"
    assert _scheduled_times(result) == [0, 10, 11, 21]


def test_states_all_retries_any_error() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}]})
    result = run(definition, {}, tasks={"Work": _failing("Anything", "States.Permissions")}, now=T0)
    assert result.status == "SUCCEEDED"


def test_specific_names_do_not_match_other_errors() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["Other"], "IntervalSeconds": 1}]})
    result = run(definition, {}, tasks={"Work": _failing("Mine")}, now=T0)
    assert result.status == "FAILED"
    assert len(_scheduled_times(result)) == 1


def test_states_task_failed_matches_a_handler_error() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1}]})
    result = run(definition, {}, tasks={"Work": _failing("CustomError")}, now=T0)
    assert result.status == "SUCCEEDED"


def test_handler_exception_is_retried_by_its_type_name() -> None:
    calls: list[int] = []

    def handler(_: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("k")
        return "fine"
    definition = _machine({"Retry": [{"ErrorEquals": ["KeyError"], "IntervalSeconds": 1}]})
    assert run(definition, {}, tasks={"Work": handler}, now=T0).output == "fine"


# --- Catch ----------------------------------------------------------------------------------


def test_catch_with_result_path_and_next() -> None:
    definition = _machine({"Catch": [{"ErrorEquals": ["Nope"], "Next": "Other"},
                                     {"ErrorEquals": ["Bad"], "ResultPath": "$.error", "Next": "Handle"}]},
                          ("Handle", {"Type": "Pass", "End": True}), ("Other", {"Type": "Fail"}))
    result = run(definition, {"keep": 1}, tasks={"Work": _failing("Bad")}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == {"keep": 1, "error": {"Error": "Bad", "Cause": "cause text"}}
    assert _types(result)[4:7] == ["LambdaFunctionFailed", "TaskStateExited", "PassStateEntered"]


def test_catch_without_result_path_replaces_the_input() -> None:
    definition = _machine({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]}, ("H", {"Type": "Pass", "End": True}))
    result = run(definition, {"keep": 1}, tasks={"Work": _failing("Bad")}, now=T0)
    assert result.output == {"Error": "Bad", "Cause": "cause text"}


def test_catch_result_path_null_keeps_the_input() -> None:
    definition = _machine({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": None}]},
                          ("H", {"Type": "Pass", "End": True}))
    result = run(definition, {"keep": 1}, tasks={"Work": _failing("Bad")}, now=T0)
    assert result.output == {"keep": 1}


def test_retry_then_catch() -> None:
    definition = _machine({"Retry": [{"ErrorEquals": ["Bad"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                           "Catch": [{"ErrorEquals": ["Bad"], "Next": "H"}]}, ("H", {"Type": "Pass", "End": True}))
    result = run(definition, {}, tasks={"Work": _failing("Bad", "Bad", "Bad")}, now=T0)
    assert result.status == "SUCCEEDED"
    assert len(_scheduled_times(result)) == 3


def test_catch_on_task_parameter_runtime_error_does_not_apply() -> None:
    definition = _machine({"Parameters": {"x.$": "$.missing"},
                           "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]},
                          ("H", {"Type": "Pass", "End": True}))
    result = run(definition, {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"


# --- timeouts and heartbeats (time must pass: drive step()) ---------------------------------------


def _drive_to_timeout(task: dict[str, Any], extra: dict[str, Any] | None = None,
                      execution_input: Any = None) -> tuple[Execution, list[Any], list[dict[str, Any]]]:
    """Start the machine; never answer tasks; fire every timer in due order."""
    definition = parse_definition(_machine(task, *(extra or {}).items()))
    execution = Execution()
    result = step(definition, execution, ExecutionStart({} if execution_input is None else execution_input,
                                                          {}), T0)
    commands, events = list(result.commands), list(result.events)
    pending = [c for c in result.commands if isinstance(c, StartTimer)]
    while pending and execution.status == "RUNNING":
        pending.sort(key=lambda t: t.due)
        timer = pending.pop(0)
        result = step(definition, execution, TimerFired(timer.timer_id), timer.due)
        commands += result.commands
        events += result.events
        pending += [c for c in result.commands if isinstance(c, StartTimer)]
    return execution, commands, events


def test_timeout_seconds_gives_states_timeout() -> None:
    execution, commands, events = _drive_to_timeout({"TimeoutSeconds": 15})
    assert execution.status == "FAILED"
    assert execution.error == "States.Timeout"
    timed_out = [e for e in events if e["type"] == "LambdaFunctionTimedOut"]
    assert len(timed_out) == 1 and timed_out[0]["timestamp"] == T0 + 15
    assert timed_out[0]["lambdaFunctionTimedOutEventDetails"]["error"] == "States.Timeout"


def test_timeout_seconds_path() -> None:
    execution, _, events = _drive_to_timeout({"TimeoutSecondsPath": "$.limit"}, execution_input={"limit": 7})
    assert execution.error == "States.Timeout"
    assert events[-1]["timestamp"] == T0 + 7


def test_service_integration_timeout_event() -> None:
    execution, _, events = _drive_to_timeout({"Resource": INVOKE, "TimeoutSeconds": 3,
                                              "Parameters": {"FunctionName": "f"}})
    assert [e["type"] for e in events][-2:] == ["TaskTimedOut", "ExecutionFailed"]
    details = events[-2]["taskTimedOutEventDetails"]
    assert details["error"] == "States.Timeout" and details["resourceType"] == "lambda"


@pytest.mark.parametrize("value", [0, -1, "10", 1.5, None])
def test_timeout_seconds_path_invalid_values_are_runtime_errors(value: Any) -> None:
    result = run(_machine({"TimeoutSecondsPath": "$.t"}), {"t": value}, tasks={"Work": lambda p: p}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert "TimeoutSecondsPath" in (result.cause or "")


def test_timeout_seconds_path_missing_is_runtime() -> None:
    result = run(_machine({"TimeoutSecondsPath": "$.t"}), {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.error == "States.Runtime"
    assert "does not reference an input value: $.t" in (result.cause or "")


def test_heartbeat_seconds_gives_heartbeat_timeout() -> None:
    execution, _, events = _drive_to_timeout({"HeartbeatSeconds": 5, "TimeoutSeconds": 60})
    assert execution.error == "States.HeartbeatTimeout"
    assert events[-1]["timestamp"] == T0 + 5


def test_states_timeout_is_retried_by_name_and_by_states_all() -> None:
    for names in (["States.Timeout"], ["States.ALL"]):
        execution, commands, _ = _drive_to_timeout(
            {"TimeoutSeconds": 5, "Retry": [{"ErrorEquals": names, "MaxAttempts": 2, "IntervalSeconds": 1}]})
        assert execution.error == "States.Timeout"
        assert len([c for c in commands if isinstance(c, RunTask)]) == 3


def test_states_task_failed_does_not_match_states_timeout() -> None:
    execution, commands, _ = _drive_to_timeout(
        {"TimeoutSeconds": 5, "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1}],
         "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "H"}]},
        {"H": {"Type": "Pass", "End": True}})
    assert execution.status == "FAILED"
    assert execution.error == "States.Timeout"
    assert len([c for c in commands if isinstance(c, RunTask)]) == 1


def test_states_timeout_is_catchable() -> None:
    execution, _, _ = _drive_to_timeout(
        {"TimeoutSeconds": 5, "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "H"}]},
        {"H": {"Type": "Pass", "End": True}})
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"Error": "States.Timeout", "Cause": ""}


def test_heartbeat_timeout_is_caught_by_its_name() -> None:
    execution, _, _ = _drive_to_timeout(
        {"HeartbeatSeconds": 2, "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "H",
                                           "ResultPath": "$.e"}]},
        {"H": {"Type": "Pass", "End": True}}, execution_input={"k": 1})
    assert execution.status == "SUCCEEDED"
    assert execution.output["e"]["Error"] == "States.HeartbeatTimeout"


def test_task_failed_answer_after_retry_timer() -> None:
    definition = parse_definition(_machine({"Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4}]}))
    execution = Execution()
    first = step(definition, execution, ExecutionStart({}, {}), T0)
    run_task = next(c for c in first.commands if isinstance(c, RunTask))
    failed = step(definition, execution, TaskFailed(run_task.task_id, "E"), T0 + 1)
    timer = next(c for c in failed.commands if isinstance(c, StartTimer))
    assert timer.due == T0 + 5


# --- JSONata tasks --------------------------------------------------------------------------


def test_jsonata_task_arguments_output_and_assign() -> None:
    definition = _machine(
        {"Arguments": {"n": "{% $states.input.n + 1 %}", "state": "{% $states.context.State.Name %}"},
         "Output": {"r": "{% $states.result.v %}", "input": "{% $states.input %}"},
         "Assign": {"saved": "{% $states.result.v %}"}, "Next": "After"},
        ("After", {"Type": "Pass", "Output": {"saved": "{% $saved %}"}, "End": True}),
        top={"QueryLanguage": "JSONata"})
    seen: list[Any] = []

    def handler(payload: Any) -> Any:
        seen.append(payload)
        return {"v": payload["n"] * 10}
    result = run(definition, {"n": 1}, tasks={"Work": handler}, now=T0)
    assert result.status == "SUCCEEDED", result.cause
    assert seen == [{"n": 2, "state": "T"}]
    exited = _events(result, "TaskStateExited")[0]["stateExitedEventDetails"]
    assert json.loads(exited["output"]) == {"r": 20, "input": {"n": 1}}
    assert exited["assignedVariables"] == {"saved": "20"}
    assert result.output == {"saved": 20}


def test_jsonata_task_without_output_returns_the_result() -> None:
    definition = _machine({}, top={"QueryLanguage": "JSONata"})
    result = run(definition, {"n": 1}, tasks={"Work": lambda p: {"got": p}}, now=T0)
    assert result.output == {"got": {"n": 1}}


def test_jsonata_timeout_seconds_expression() -> None:
    definition = parse_definition(_machine({"TimeoutSeconds": "{% $states.input.t * 2 %}"},
                                           top={"QueryLanguage": "JSONata"}))
    execution = Execution()
    result = step(definition, execution, ExecutionStart({"t": 4}, {}), T0)
    assert next(c for c in result.commands if isinstance(c, RunTask)).timeout_seconds == 8


def test_jsonata_timeout_seconds_non_integer_is_query_evaluation_error() -> None:
    definition = _machine({"TimeoutSeconds": "{% 'soon' %}"}, top={"QueryLanguage": "JSONata"})
    result = run(definition, {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.QueryEvaluationError"
    assert "TimeoutSeconds" in (result.cause or "")


def test_jsonata_catch_error_output_and_assign() -> None:
    definition = _machine(
        {"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                    "Output": {"err": "{% $states.errorOutput.Error %}", "in": "{% $states.input.k %}"},
                    "Assign": {"why": "{% $states.errorOutput.Cause %}"}}]},
        ("H", {"Type": "Pass", "Output": {"o": "{% $states.input %}", "why": "{% $why %}"}, "End": True}),
        top={"QueryLanguage": "JSONata"})
    result = run(definition, {"k": 5}, tasks={"Work": _failing("Bad")}, now=T0)
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == {"o": {"err": "Bad", "in": 5}, "why": "cause text"}


def test_credentials_are_passed_to_the_run_task_command() -> None:
    definition = parse_definition(_machine({"Credentials": {"RoleArn": "arn:aws:iam::1:role/x"}}))
    execution = Execution()
    result = step(definition, execution, ExecutionStart({}, {}), T0)
    assert next(c for c in result.commands if isinstance(c, RunTask)).credentials == {
        "RoleArn": "arn:aws:iam::1:role/x"}


def test_credentials_role_arn_path_is_evaluated() -> None:
    definition = parse_definition(_machine({"Credentials": {"RoleArn.$": "$.role"}}))
    execution = Execution()
    result = step(definition, execution, ExecutionStart({"role": "arn:aws:iam::1:role/x"}, {}), T0)
    assert next(c for c in result.commands if isinstance(c, RunTask)).credentials == {
        "RoleArn": "arn:aws:iam::1:role/x"}


def test_task_result_over_256_kib_is_data_limit_exceeded() -> None:
    result = run(_machine({"ResultPath": None}), {}, tasks={"Work": lambda _: "x" * 300_000}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"


def test_task_parameters_over_256_kib_is_data_limit_exceeded() -> None:
    definition = _machine({"Parameters": {"a.$": "$.s", "b.$": "$.s"}, "ResultPath": None})
    result = run(definition, {"s": "y" * 150_000}, tasks={"Work": lambda _: 1}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"


def test_output_over_256_kib_is_not_caught_by_states_all() -> None:
    definition = _machine({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]},
                          ("H", {"Type": "Pass", "End": True}))
    result = run(definition, {}, tasks={"Work": lambda _: "x" * 300_000}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"


@pytest.mark.parametrize(("expression", "kind", "shown"), [
    ("'soon'", "string", '"soon"'), ("1.5", "number", "1.5"), ("0", "number", "0"), ("-3", "number", "-3"),
    ("null", "null", "null"), ("true", "boolean", "true"), ("[1]", "array", "[1]"),
])
def test_jsonata_timeout_seconds_names_the_json_type_and_value(expression: str, kind: str, shown: str) -> None:
    definition = _machine({"TimeoutSeconds": f"{{% {expression} %}}"}, top={"QueryLanguage": "JSONata"})
    result = run(definition, {}, tasks={"Work": lambda p: p}, now=T0)
    assert result.error == "States.QueryEvaluationError"
    assert (result.cause or "").endswith(
        f"The JSONata expression '{expression}' specified for the field 'TimeoutSeconds' returned an unexpected "
        f"result type. Expected 'integer', but was '{kind}' for value: {shown}")
    failed = [e for e in result.events if e["type"] == "EvaluationFailed"]
    assert failed[0]["evaluationFailedEventDetails"]["location"] == "TimeoutSeconds"


def test_jsonata_timeout_seconds_takes_a_whole_double() -> None:
    definition = parse_definition(_machine({"TimeoutSeconds": "{% 3.0 %}"}, top={"QueryLanguage": "JSONata"}))
    result = step(definition, Execution(), ExecutionStart({}, {}), T0)
    assert next(c for c in result.commands if isinstance(c, RunTask)).timeout_seconds == 3
