"""The examples' SAM templates load, and the transaction processor runs from its template's definition."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from statewright.integrations.runner import run
from statewright.template import load_stack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transaction-processor"


@pytest.fixture(scope="module")
def stack():
    return load_stack(EXAMPLE / "template.yaml")


def _handler(code: Path, handler: str):
    module_name, function = handler.rsplit(".", 1)
    spec = importlib.util.spec_from_file_location(module_name, code / f"{module_name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda event: getattr(module, function)(event, None)


def test_the_template_declares_two_functions_and_the_state_machine(stack):
    functions = stack.of_type("AWS::Lambda::Function")
    assert {f.logical_id for f in functions} == {"ProcessPurchaseFunction", "ProcessRefundFunction"}
    for function in functions:
        assert function.properties["Runtime"] == "python3.12"
        assert Path(function.properties["Code"]) == EXAMPLE / "functions"
    assert stack.not_emulated() == []
    assert stack.warnings == ()
    outputs = stack.output_values()
    assert outputs["TransactionProcessorStateMachineArn"] == stack.resource("TransactionProcessorStateMachine").physical_id


@pytest.mark.parametrize("kind,function", [("PURCHASE", "ProcessPurchaseFunction"),
                                           ("REFUND", "ProcessRefundFunction")])
def test_the_final_definition_routes_to_the_template_functions(stack, kind, function):
    tasks = {f.physical_id: _handler(Path(f.properties["Code"]), f.properties["Handler"])
             for f in stack.of_type("AWS::Lambda::Function")}
    definition = stack.resource("TransactionProcessorStateMachine").properties["DefinitionString"]
    result = run(definition, {"TransactionType": kind}, tasks=tasks)
    assert result.status == "SUCCEEDED"
    scheduled = next(e for e in result.events if e["type"] == "LambdaFunctionScheduled")
    assert scheduled["lambdaFunctionScheduledEventDetails"]["resource"] == stack.resource(function).attributes["Arn"]
    assert json.loads(definition)["States"]["ProcessPurchase"]["Resource"] == \
        stack.resource("ProcessPurchaseFunction").attributes["Arn"]
