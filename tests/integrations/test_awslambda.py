"""integrations.awslambda: function ARNs, lambda:invoke and aws-sdk:lambda:invoke, and Lambda's failures."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from statewright.asl.types import StepInput, TaskFailed, TaskSucceeded
from statewright.engine.types import TaskRequest
from statewright.integrations.awslambda import LambdaIntegration
from statewright.integrations.inprocess import PythonFunctions
from statewright.integrations.registry import Registry
from statewright.services.common import AwsError, InvokeResult, RequestContext

EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:m:e"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:Work"
INVOKE = "arn:aws:states:::lambda:invoke"
SDK_INVOKE = "arn:aws:states:::aws-sdk:lambda:invoke"


class Scripted:
    """A FunctionInvoker that answers what the test scripted (Lambda's side of the wire), recording calls."""

    def __init__(self, answer: InvokeResult | AwsError) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def invoke(self, function: str, payload: bytes, context: RequestContext, *, qualifier: str | None = None,
               invocation_type: str = "RequestResponse", log_tail: bool = False) -> InvokeResult:
        self.calls.append({"function": function, "payload": json.loads(payload), "region": context.region,
                           "qualifier": qualifier, "invocation_type": invocation_type, "log_tail": log_tail})
        if isinstance(self.answer, AwsError):
            raise self.answer
        return self.answer


def _run(invoker: Any, resource: str, parameters: Any = None) -> StepInput | None:
    registry = Registry()
    registry.register_service("lambda", LambdaIntegration(invoker))
    return registry.run_task(TaskRequest(EXECUTION, "S", "k1", resource, parameters, "tok"), lambda event: None)


def _functions(**handlers: Any) -> PythonFunctions:
    return PythonFunctions(handlers)


def test_a_function_arn_gives_the_raw_result() -> None:
    answer = _run(_functions(Work=lambda event: {"got": event}), FUNCTION, {"a": 1})
    assert answer == TaskSucceeded("k1", {"got": {"a": 1}})


def test_a_qualified_function_arn_is_invoked_as_written() -> None:
    invoker = Scripted(InvokeResult(200, b"1", executed_version="7"))
    assert _run(invoker, FUNCTION + ":live", {}) == TaskSucceeded("k1", 1)
    assert invoker.calls[0]["function"] == FUNCTION + ":live"
    assert invoker.calls[0]["region"] == "eu-west-1"


def test_lambda_invoke_wraps_the_result() -> None:
    invoker = Scripted(InvokeResult(200, b'{"ok": true}', executed_version="3"))
    answer = _run(invoker, INVOKE, {"FunctionName": "Work", "Payload": {"in": 1}, "Qualifier": "3"})
    assert isinstance(answer, TaskSucceeded)
    output = answer.output
    assert list(output) == ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"]
    assert (output["ExecutedVersion"], output["Payload"], output["StatusCode"]) == ("3", {"ok": True}, 200)
    metadata = output["SdkHttpMetadata"]
    assert metadata["HttpStatusCode"] == 200
    assert metadata["HttpHeaders"]["X-Amz-Executed-Version"] == "3"
    assert metadata["HttpHeaders"]["Content-Length"] == str(len(b'{"ok": true}'))
    assert metadata["AllHttpHeaders"]["Content-Type"] == ["application/json"]
    assert output["SdkResponseMetadata"]["RequestId"] == metadata["HttpHeaders"]["x-amzn-RequestId"]
    assert invoker.calls == [{"function": "Work", "payload": {"in": 1}, "region": "eu-west-1", "qualifier": "3",
                              "invocation_type": "RequestResponse", "log_tail": False}]


def test_lambda_invoke_with_log_tail_and_event_invocation() -> None:
    invoker = Scripted(InvokeResult(200, b"null", log_tail="START\nEND\n"))
    output = _run(invoker, INVOKE, {"FunctionName": "Work", "LogType": "Tail"}).output
    assert base64.b64decode(output["LogResult"]).decode() == "START\nEND\n"
    assert invoker.calls[0]["payload"] == {} and invoker.calls[0]["log_tail"] is True
    queued = _run(_functions(Work=lambda event: 1), INVOKE, {"FunctionName": "Work", "InvocationType": "Event"})
    assert (queued.output["StatusCode"], queued.output["Payload"]) == (202, "")


def test_lambda_invoke_wait_for_task_token_calls_the_function_and_waits() -> None:
    seen: list[Any] = []
    answer = _run(_functions(Work=seen.append), INVOKE + ".waitForTaskToken",
                  {"FunctionName": "Work", "Payload": {"token": "tok"}})
    assert answer is None
    assert seen == [{"token": "tok"}]


def test_lambda_invoke_needs_a_function_name() -> None:
    answer = _run(_functions(), INVOKE, {"Payload": {}})
    assert isinstance(answer, TaskFailed) and answer.error == "States.Runtime"
    assert "FunctionName" in answer.cause


def test_sdk_invoke_gives_the_sdk_answer_and_keeps_a_function_error_as_data() -> None:
    error = json.dumps({"errorMessage": "no", "errorType": "ValueError"}).encode()
    output = _run(Scripted(InvokeResult(200, error, function_error="Unhandled")), SDK_INVOKE,
                  {"FunctionName": "Work"}).output
    assert output == {"ExecutedVersion": "$LATEST", "FunctionError": "Unhandled",
                      "Payload": {"errorMessage": "no", "errorType": "ValueError"}, "StatusCode": 200}


@pytest.mark.parametrize("resource,parameters", [(FUNCTION, {}), (INVOKE, {"FunctionName": "Work"})])
def test_a_handlers_error_type_is_the_error_and_lambdas_error_json_the_cause(resource: str,
                                                                           parameters: Any) -> None:
    def handler(event: Any) -> Any:
        raise KeyError("order")

    answer = _run(_functions(Work=handler), resource, parameters)
    assert isinstance(answer, TaskFailed) and answer.error == "KeyError"
    cause = json.loads(answer.cause)
    assert (cause["errorType"], cause["errorMessage"]) == ("KeyError", "'order'")
    assert "in handler" in cause["stackTrace"][-1]


@pytest.mark.parametrize("payload", [
    {"errorType": "Runtime.ExitError", "errorMessage": "RequestId: 1 Error: Runtime exited with error: signal: killed"},
    {"errorMessage": "2024-01-01T00:00:00Z 1 Task timed out after 3.00 seconds"},
])
def test_a_function_that_reported_no_error_type_is_lambda_unknown(payload: dict[str, Any]) -> None:
    text = json.dumps(payload).encode()
    answer = _run(Scripted(InvokeResult(200, text, function_error="Unhandled")), FUNCTION, {})
    assert answer == TaskFailed("k1", "Lambda.Unknown",
                                "The cause could not be determined because Lambda did not return an error type. "
                                f"Returned payload: {text.decode()}")


@pytest.mark.parametrize("code,status,sender", [("TooManyRequestsException", 429, True),
                                               ("ServiceException", 500, False),
                                               ("ResourceNotFoundException", 404, True)])
def test_lambdas_own_errors_are_lambda_dot_code(code: str, status: int, sender: bool) -> None:
    answer = _run(Scripted(AwsError(code, "it said no", status, sender_fault=sender)), INVOKE,
                  {"FunctionName": "Work"})
    assert isinstance(answer, TaskFailed) and answer.error == f"Lambda.{code}"
    assert answer.cause.startswith(f"it said no (Service: AWSLambda; Status Code: {status}; Error Code: {code};")
    sdk = _run(Scripted(AwsError(code, "it said no", status, sender_fault=sender)), SDK_INVOKE,
               {"FunctionName": "Work"})
    assert sdk.error == f"Lambda.{code}" and "(Service: Lambda;" in sdk.cause


def test_a_function_nobody_deployed() -> None:
    answer = _run(_functions(), FUNCTION, {})
    assert answer.error == "Lambda.ResourceNotFoundException"
    assert answer.cause.startswith("Function not found: arn:aws:lambda:eu-west-1:123456789012:function:Work")


def test_other_lambda_actions_are_refused_naming_the_resource() -> None:
    answer = _run(_functions(), "arn:aws:states:::aws-sdk:lambda:listFunctions", {})
    assert answer.error == "States.Runtime" and "listFunctions" in answer.cause
