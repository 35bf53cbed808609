"""The seed workflow runs unchanged: Choice on TransactionType, two Lambda Task states.

The definition names its functions by `${...}` placeholders that the template's
DefinitionSubstitutions fill in (tests/template/test_examples.py checks that path); here they are
filled with plain function ARNs, as `sam deploy` would with its own names.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from statewright.asl.validate import validate
from statewright.integrations.runner import run

BASE = Path(__file__).resolve().parents[2] / "examples" / "transaction-processor"


def _handler(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda event: module.lambda_handler(event, None)


@pytest.fixture(scope="module")
def tasks():
    return {"ProcessPurchase": _handler(BASE / "functions" / "process_purchase.py"),
            "ProcessRefund": _handler(BASE / "functions" / "process_refund.py")}


SUBSTITUTIONS = {"ProcessPurchaseFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:ProcessPurchase",
                 "ProcessRefundFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:ProcessRefund"}


@pytest.fixture(scope="module")
def definition():
    text = (BASE / "statemachine.asl.json").read_text()
    for key, arn in SUBSTITUTIONS.items():
        text = text.replace("${" + key + "}", arn)
    assert "${" not in text
    return text


def test_definition_is_valid(definition):
    assert [d for d in validate(definition) if d.severity == "ERROR"] == []


@pytest.mark.parametrize("kind,function", [("PURCHASE", "ProcessPurchase"), ("REFUND", "ProcessRefund")])
def test_routes_to_the_right_lambda(definition, tasks, kind, function):
    result = run(definition, {"TransactionType": kind}, tasks=tasks)
    assert result.status == "SUCCEEDED"
    assert result.output["TransactionType"] == kind
    assert function in result.output["Message"]
    types = [e["type"] for e in result.events]
    assert types == ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "TaskStateEntered",
                     "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                     "TaskStateExited", "ExecutionSucceeded"]
    scheduled = next(e for e in result.events if e["type"] == "LambdaFunctionScheduled")
    assert scheduled["lambdaFunctionScheduledEventDetails"]["resource"].endswith(f":function:{function}")


def test_unknown_type_fails_with_no_choice_matched(definition, tasks):
    result = run(definition, {"TransactionType": "TRANSFER"}, tasks=tasks)
    assert result.status == "FAILED"
    assert result.error == "States.NoChoiceMatched"


def test_a_failing_handler_fails_the_execution(definition):
    def broken(event):
        raise ValueError("card declined")

    result = run(definition, {"TransactionType": "PURCHASE"}, tasks={"ProcessPurchase": broken})
    assert (result.status, result.error) == ("FAILED", "ValueError")
    assert json.loads(result.cause)["errorMessage"] == "card declined"  # Lambda's error answer
    assert "LambdaFunctionFailed" in [e["type"] for e in result.events]
