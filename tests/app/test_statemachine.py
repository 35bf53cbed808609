"""The entry workflow, run by Statewright's in-memory runner with the real step handlers on moto.

The definition is the file the template ships, with its DefinitionSubstitutions filled in as
`sam deploy` fills them; the Lambda tasks call the same cores the deployed functions call.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from taskapp import payments, workflow

from statewright.asl.validate import validate
from statewright.integrations.runner import run

from .conftest import APP
from .helpers import completed_purchase, create, refund

ARNS = {"WorkflowFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:Workflow",
        "PaymentsFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:Payments"}


def definition() -> str:
    text = (APP / "statemachines" / "transactions.asl.json").read_text()
    for key, arn in ARNS.items():
        text = text.replace("${" + key + "}", arn)
    assert "${" not in text
    return text


def test_the_substituted_definition_is_valid():
    assert [d for d in validate(definition()) if d.severity == "ERROR"] == []


def test_the_definition_keeps_the_seed_shape():
    states = json.loads(definition())["States"]
    choice = states["ProcessTransaction"]
    assert choice["Type"] == "Choice" and choice["Default"]
    assert {(c["StringEquals"], c["Next"]) for c in choice["Choices"]} == {
        ("PURCHASE", "ProcessPurchase"), ("REFUND", "ProcessRefund")}
    jitter = [r for s in states.values() for r in s.get("Retry", [])]
    assert jitter and all(r["JitterStrategy"] == "FULL" for r in jitter)


def test_the_validate_command_accepts_a_substituted_copy(tmp_path: Path):
    from click.testing import CliRunner

    from statewright.cli import main

    path = tmp_path / "transactions.asl.json"
    path.write_text(definition())
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def _tasks(context, gateway):
    def step(event):
        return workflow.run_step(context, event)

    return {"Workflow": step, "Payments": lambda event: payments.run_operation(gateway, event)}


def _run(context, task, gateway=None):
    gateway = gateway or payments.SimulatedGateway()
    return run(definition(), {"TransactionType": task["type"], "taskId": task["taskId"]},
               tasks=_tasks(context, gateway), name=task["taskId"])


def test_a_purchase_completes(context):
    task = create(context, amount="42.00")[1]
    result = _run(context, task)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    stored = context.store.get(task["taskId"])
    assert stored["status"] == "COMPLETED" and stored["paymentId"].startswith("pay_")


def test_a_declined_purchase_fails_with_the_reason(context):
    task = create(context, amount="13.13")[1]
    result = _run(context, task, payments.SimulatedGateway(decline_amounts=frozenset({Decimal("13.13")})))
    assert (result.status, result.error) == ("FAILED", "PaymentDeclined")
    stored = context.store.get(task["taskId"])
    assert stored["status"] == "FAILED" and "declined" in stored["failureReason"]


def test_transient_payment_failures_are_retried(context):
    answers = iter([0.0, 0.0, 0.9])  # fail, fail, then succeed
    gateway = payments.SimulatedGateway(transient_failure_rate=0.5, random_fraction=lambda: next(answers))
    task = create(context)[1]
    result = _run(context, task, gateway)
    assert result.status == "SUCCEEDED"
    retried = [e for e in result.events if e["type"] == "LambdaFunctionFailed"]
    assert len(retried) == 2


def test_a_small_refund_completes_and_refunds_the_purchase(context):
    purchase = completed_purchase(context, "100.00")
    task = refund(context, purchase["taskId"], "100.00")[1]
    result = _run(context, task)
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    assert context.store.get(task["taskId"])["status"] == "COMPLETED"
    assert context.store.get(purchase["taskId"])["status"] == "REFUNDED"


def test_a_large_refund_waits_for_approval_and_expires(context):
    purchase = completed_purchase(context, "1000.00")
    task = refund(context, purchase["taskId"], "900.00")[1]
    result = _run(context, task)
    # The runner's virtual clock passes the approval timeout: nobody answered.
    assert result.status == "SUCCEEDED", (result.error, result.cause)
    states = [e["stateEnteredEventDetails"]["name"] for e in result.events if e["type"].endswith("StateEntered")]
    assert states[-3:] == ["AwaitApproval", "ExpireApproval", "Closed"]
    stored = context.store.get(task["taskId"])
    assert stored["status"] == "REJECTED" and stored["failureReason"] == "approval expired after 3600 seconds"
    assert context.store.get(purchase["taskId"])["refundableRemaining"] == 1000


def test_an_unknown_type_takes_the_default_branch(context):
    task = create(context)[1]
    result = run(definition(), {"TransactionType": "TRANSFER", "taskId": task["taskId"]},
                 tasks=_tasks(context, payments.SimulatedGateway()))
    assert (result.status, result.error) == ("FAILED", "UnknownTransactionType")
    stored = context.store.get(task["taskId"])
    assert stored["status"] == "FAILED" and "TRANSFER" in stored["failureReason"]


@pytest.mark.parametrize("broken", ["complete-purchase"])
def test_a_failure_after_the_charge_voids_it(context, broken):
    calls = []
    gateway = payments.SimulatedGateway()

    def step(event):
        if event["step"] == broken:
            raise RuntimeError("table unavailable")
        return workflow.run_step(context, event)

    def pay(event):
        calls.append(event["operation"])
        return payments.run_operation(gateway, event)

    task = create(context)[1]
    result = run(definition(), {"TransactionType": "PURCHASE", "taskId": task["taskId"]},
                 tasks={"Workflow": step, "Payments": pay})
    assert result.status == "FAILED"
    assert calls == ["charge", "void"]
    stored = context.store.get(task["taskId"])
    assert stored["status"] == "FAILED" and "table unavailable" in stored["failureReason"]
