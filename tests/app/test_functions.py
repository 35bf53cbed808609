"""The deployed entry points (`app/functions/*/app.py`): boto3 clients from the environment, no endpoint."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from .conftest import APP, BUCKET, TABLE, request


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"function_{name}", APP / "functions" / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop(f"function_{name}", None)
    return module


@pytest.fixture
def environment(aws, monkeypatch):
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("BUCKET_NAME", BUCKET)
    monkeypatch.setenv("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:Nope")
    monkeypatch.setenv("APPROVAL_THRESHOLD", "100.00")


def test_the_api_function_answers_from_its_environment(environment, capsys):
    api = _load("api")
    answer = api.lambda_handler(request("POST", "/tasks", body={"type": "PURCHASE", "amount": "5.00", "currency": "USD"}),
                                None)
    # moto has no such state machine: the task is recorded and FAILED with the reason, not a crash.
    task = json.loads(answer["body"])
    assert answer["statusCode"] == 201 and task["status"] == "FAILED"
    assert "could not start" in task["failureReason"]
    listed = api.lambda_handler(request("GET", "/tasks"), None)
    assert [t["taskId"] for t in json.loads(listed["body"])["items"]] == [task["taskId"]]
    assert '"action":"WorkflowStartFailed"' in capsys.readouterr().out


def test_the_workflow_and_payments_functions(environment, monkeypatch):
    monkeypatch.setenv("PAYMENT_DECLINE_AMOUNTS", "13.13")
    payments = _load("payments")
    assert payments.lambda_handler({"operation": "charge", "taskId": "t", "amount": "1.00", "currency": "USD"},
                                   None)["paymentId"].startswith("pay_")
    with pytest.raises(Exception, match="declined") as declined:
        payments.lambda_handler({"operation": "charge", "taskId": "t", "amount": "13.13", "currency": "USD"}, None)
    assert type(declined.value).__name__ == "PaymentDeclined"  # the errorType the workflow catches
    workflow = _load("workflow")
    with pytest.raises(Exception) as missing:
        workflow.lambda_handler({"step": "start", "taskId": "01J99999999999999999999999"}, None)
    assert type(missing.value).__name__ == "TaskNotFound"
