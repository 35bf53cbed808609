"""integrations.inprocess: Python callables as Lambda functions, answering as Lambda's Invoke does."""

from __future__ import annotations

import json

import pytest

from statewright.integrations.inprocess import PythonFunctions, function_name
from statewright.integrations.types import TaskError
from statewright.services.common import AwsError, RequestContext

CONTEXT = RequestContext(region="ap-south-1", account="999988887777", request_id="req-1")


@pytest.mark.parametrize("text", ["Work", "Work:live", "999988887777:function:Work",
                                  "arn:aws:lambda:ap-south-1:999988887777:function:Work:7"])
def test_function_name_from_every_form(text: str) -> None:
    assert function_name(text) == "Work"


def test_result_is_the_json_payload() -> None:
    result = PythonFunctions({"Work": lambda event: {"twice": event["n"] * 2}}).invoke(
        "Work", b'{"n": 4}', CONTEXT)
    assert (result.status_code, json.loads(result.payload), result.function_error) == (200, {"twice": 8}, None)


def test_an_exception_is_lambdas_unhandled_error() -> None:
    def handler(event: object) -> object:
        raise RuntimeError("boom")

    result = PythonFunctions({"Work": handler}).invoke("Work", b"{}", CONTEXT)
    body = json.loads(result.payload)
    assert result.function_error == "Unhandled"
    assert (body["errorType"], body["errorMessage"], body["requestId"]) == ("RuntimeError", "boom", "req-1")


def test_a_result_that_is_not_json_is_a_marshal_error() -> None:
    result = PythonFunctions({"Work": lambda event: object()}).invoke("Work", b"{}", CONTEXT)
    assert json.loads(result.payload)["errorType"] == "Runtime.MarshalError"


def test_task_error_passes_through_to_choose_error_and_cause() -> None:
    def handler(event: object) -> object:
        raise TaskError("Custom", "chosen")

    with pytest.raises(TaskError):
        PythonFunctions({"Work": handler}).invoke("Work", b"{}", CONTEXT)


def test_unknown_function_and_invocation_types() -> None:
    functions = PythonFunctions({"Work": lambda event: 1})
    with pytest.raises(AwsError) as missing:
        functions.invoke("Other", b"{}", CONTEXT)
    assert missing.value.code == "ResourceNotFoundException" and missing.value.status == 404
    assert "arn:aws:lambda:ap-south-1:999988887777:function:Other" in missing.value.message
    assert functions.invoke("Work", b"{}", CONTEXT, invocation_type="Event").status_code == 202
    assert functions.invoke("Work", b"{}", CONTEXT, invocation_type="DryRun").status_code == 204
