"""asl.teststate: one state in isolation, as the TestState API runs it."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.asl import teststate  # not `from … import test_state`: pytest would collect it
from statewright.integrations.runner import local_registry, task_caller
from statewright.integrations.types import TaskError

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"


def _test(definition: Any, state_input: Any, tasks: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """TestState with `tasks` run as in-process Lambda functions, through the integrations."""
    call_task = task_caller(local_registry(tasks), "arn:aws:states:us-east-1:123456789012:execution:TestState:t")
    return teststate.test_state(definition, state_input, now=0.0, call_task=call_task, **kwargs)


def test_pass_state_output_and_next_state() -> None:
    response = _test({"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.r", "Next": "Later"}, {"in": 1})
    assert response == {"status": "SUCCEEDED", "output": {"in": 1, "r": {"a": 1}}, "nextState": "Later"}


def test_end_state_has_no_next_state() -> None:
    response = _test({"Type": "Pass", "End": True}, {"in": 1})
    assert response == {"status": "SUCCEEDED", "output": {"in": 1}}


def test_debug_inspection_data_for_pass_with_result() -> None:
    response = _test({"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.r", "End": True}, {"in": 1},
                     inspection_level="DEBUG")
    assert response["inspectionData"] == {"input": {"in": 1}, "result": {"a": 1}, "afterResultSelector": {"a": 1},
                                          "afterResultPath": {"in": 1, "r": {"a": 1}}}


def test_debug_inspection_data_for_input_path_and_parameters() -> None:
    response = _test({"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.b"}, "End": True},
                     {"a": {"b": 2}}, inspection_level="DEBUG")
    data = response["inspectionData"]
    assert data["afterInputPath"] == {"b": 2}
    assert data["afterParameters"] == {"b": 2}


def test_info_level_has_no_inspection_data() -> None:
    assert "inspectionData" not in _test({"Type": "Pass", "End": True}, {})


def test_task_runs_through_handlers() -> None:
    response = _test({"Type": "Task", "Resource": LAMBDA, "End": True}, {"x": 1},
                     tasks={"Work": lambda p: {"got": p}})
    assert response == {"status": "SUCCEEDED", "output": {"got": {"x": 1}}}


def test_failing_task_without_handlers() -> None:
    def handler(_: Any) -> Any:
        raise TaskError("Bad", "c")
    response = _test({"Type": "Task", "Resource": LAMBDA, "End": True}, {}, tasks={"Work": handler})
    assert response == {"status": "FAILED", "error": "Bad", "cause": "c"}


def test_fail_state() -> None:
    assert _test({"Type": "Fail", "Error": "E", "Cause": "c"}, {}) == {"status": "FAILED", "error": "E", "cause": "c"}


def test_choice_next_state() -> None:
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "Yes"}], "Default": "No"}
    assert _test(choice, {"a": 1})["nextState"] == "Yes"
    assert _test(choice, {"a": 2})["nextState"] == "No"


def test_wait_does_not_block_and_reports_next_state() -> None:
    assert _test({"Type": "Wait", "Seconds": 3600, "Next": "X"}, {"k": 1}) == {
        "status": "SUCCEEDED", "output": {"k": 1}, "nextState": "X"}


def test_state_of_a_whole_machine_by_name() -> None:
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                          "B": {"Type": "Pass", "Result": 2, "Next": "C"},
                                          "C": {"Type": "Succeed"}}}
    assert _test(machine, {}, state_name="B") == {"status": "SUCCEEDED", "output": 2, "nextState": "C"}


def test_state_nested_in_a_map_processor() -> None:
    machine = {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Result": "in", "End": True}}}}}}
    assert _test(machine, {}, state_name="Inner")["output"] == "in"


def test_whole_machine_needs_a_state_name() -> None:
    with pytest.raises(ValueError, match="stateName"):
        _test({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, {})


def test_unknown_state_name() -> None:
    with pytest.raises(ValueError, match="Nope"):
        _test({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, {}, state_name="Nope")


def test_variables_are_visible() -> None:
    response = _test({"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $v + 1 %}", "End": True}, {},
                     variables={"v": 3})
    assert response["output"] == 4


def test_parallel_runs_its_branches() -> None:
    state = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": True}}}]}
    assert _test(state, {})["output"] == [1, 2]


def test_json_text_definition() -> None:
    assert _test('{"Type": "Pass", "Result": 5, "End": true}', {})["output"] == 5


def test_retriable_status_when_a_retrier_matches() -> None:
    def handler(_: Any) -> Any:
        raise TaskError("Flaky", "")
    state = {"Type": "Task", "Resource": LAMBDA, "End": True, "Retry": [{"ErrorEquals": ["Flaky"]}]}
    assert _test(state, {}, tasks={"Work": handler})["status"] == "RETRIABLE"


def test_caught_error_status_when_a_catcher_matches() -> None:
    def handler(_: Any) -> Any:
        raise TaskError("Bad", "c")
    state = {"Type": "Task", "Resource": LAMBDA, "End": True, "Catch": [{"ErrorEquals": ["Bad"], "Next": "H"}]}
    response = _test(state, {}, tasks={"Work": handler})
    assert response["status"] == "CAUGHT_ERROR"
    assert response["nextState"] == "H"


# --- the context object and variables a tested state sees -------------------------------------------

_CONTEXT_OUT = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.context %}", "End": True}


@pytest.mark.parametrize("role_arn", [None, "arn:aws:iam::123456789012:role/Tester"])
def test_context_object_of_a_tested_state(role_arn: str | None) -> None:
    context = _test(_CONTEXT_OUT, {"in": 1}, role_arn=role_arn)["output"]
    assert set(context) == {"Execution", "StateMachine", "State"}
    assert context["Execution"]["Input"] == {"in": 1}
    assert context["Execution"]["RoleArn"] == role_arn  # null without a roleArn, as AWS leaves it
    assert context["Execution"]["StartTime"] == "1970-01-01T00:00:00.000Z"
    assert context["Execution"]["Id"].startswith("arn:aws:states:") and context["Execution"]["Name"]
    assert set(context["StateMachine"]) == {"Id", "Name"}
    assert context["State"] == {"EnteredTime": "1970-01-01T00:00:00.000Z", "Name": "StateName"}


def test_context_object_is_the_same_in_jsonpath_and_for_a_state_picked_by_name() -> None:
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                          "B": {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": True}}}
    by_name = _test(machine, {"x": 1}, state_name="B")["output"]["c"]
    single = _test(_CONTEXT_OUT, {"x": 1})["output"]
    assert by_name == single


@pytest.mark.parametrize("level", ["INFO", "DEBUG", "TRACE"])
@pytest.mark.parametrize(("given", "assign", "after"), [
    (None, None, None),
    ({"v": 1}, None, {"v": 1}),
    (None, {"w": 2}, {"w": 2}),
    ({"v": 1, "w": 0}, {"w": "{% $v + 1 %}"}, {"v": 1, "w": 2}),
])
def test_variables_at_each_inspection_level(level: str, given: Any, assign: Any, after: Any) -> None:
    state: dict[str, Any] = {"Type": "Pass", "QueryLanguage": "JSONata", "End": True}
    if assign is not None:
        state["Assign"] = assign
    response = _test(state, {"in": 1}, inspection_level=level, variables=given)
    if level == "INFO":
        assert "inspectionData" not in response
    elif after is None:
        assert "variables" not in response["inspectionData"]
    else:
        assert response["inspectionData"]["variables"] == after


@pytest.mark.parametrize("level", ["DEBUG", "TRACE"])
def test_inspection_fields_survive_variables(level: str) -> None:
    state = {"Type": "Pass", "InputPath": "$.a", "Parameters": {"fromVar.$": "$v", "fromInput.$": "$.b",
                                                                 "state.$": "$$.State.Name"},
             "ResultPath": "$.r", "Assign": {"seen.$": "$v"}, "End": True}
    response = _test(state, {"a": {"b": 2}}, inspection_level=level, variables={"v": "V"})
    data = response["inspectionData"]
    parameters = {"fromVar": "V", "fromInput": 2, "state": "StateName"}
    assert data == {"input": {"a": {"b": 2}}, "afterInputPath": {"b": 2}, "afterParameters": parameters,
                    "afterResultSelector": parameters, "afterResultPath": {"a": {"b": 2}, "r": parameters},
                    "variables": {"v": "V", "seen": "V"}}
    assert response["output"] == {"a": {"b": 2}, "r": parameters}


def test_jsonata_task_shows_its_arguments() -> None:
    state = {"Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA, "End": True,
             "Arguments": {"p": "{% $v & $states.input.s %}"}}
    response = _test(state, {"s": "!"}, inspection_level="DEBUG", variables={"v": "hi"},
                     tasks={"Work": lambda p: p})
    assert response["inspectionData"]["afterArguments"] == {"p": "hi!"}
    assert response["output"] == {"p": "hi!"}
