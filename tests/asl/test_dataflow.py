"""asl.dataflow: InputPath → Parameters → ResultSelector → ResultPath → OutputPath, and the Scope."""

from __future__ import annotations

import random
from typing import Any

import pytest

from statewright.asl.dataflow import (
    Scope,
    effective_input,
    jsonpath_output,
    place_result,
    select,
)
from statewright.asl.definition import parse_definition
from statewright.asl.errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError
from statewright.asl.model import ABSENT, State
from statewright.asl.paths import PathNotFound, compile_path
from statewright.integrations.runner import run

INPUT = {"a": {"b": 1, "c": [1, 2]}, "keep": "me"}


def _state(body: dict[str, Any]) -> State:
    body = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "End": True,
            **body}
    return parse_definition({"StartAt": "S", "States": {"S": body}}).root.states["S"]


def _scope(data: Any = None, variables: dict[str, Any] | None = None) -> Scope:
    return Scope(data, {"Execution": {"Name": "e"}}, [variables or {}], random.Random(0))


# --- Scope ----------------------------------------------------------------------------------


def test_scope_resolves_data_context_and_variables() -> None:
    sc = _scope({"x": 1}, {"v": {"w": 2}})
    assert sc.resolve_text("$.x") == 1
    assert sc.resolve_text("$$.Execution.Name") == "e"
    assert sc.resolve_text("$v.w") == 2


def test_inner_variable_scopes_shadow_outer_ones() -> None:
    sc = Scope(None, {}, [{"v": "inner"}, {"v": "outer", "o": 1}], random.Random(0))
    assert sc.variable("v") == "inner"
    assert sc.variable("o") == 1
    assert sc.all_variables() == {"v": "inner", "o": 1}
    with pytest.raises(PathNotFound):
        sc.variable("missing")


# --- InputPath / OutputPath -------------------------------------------------------------------


def test_select_absent_keeps_the_document() -> None:
    assert select(ABSENT, INPUT, _scope()) is INPUT


def test_select_null_gives_an_empty_object() -> None:
    assert select(None, INPUT, _scope()) == {}


def test_select_path() -> None:
    assert select(compile_path("$.a.c"), INPUT, _scope()) == [1, 2]


def test_select_missing_path_is_runtime_with_aws_cause() -> None:
    with pytest.raises(StatesError) as info:
        select(compile_path("$.a.zz"), INPUT, _scope())
    assert info.value.error == RUNTIME
    assert info.value.cause == "Invalid path '$.a.zz' : No results for path: $['a']['zz']"


def test_effective_input_applies_input_path_then_parameters() -> None:
    state = _state({"InputPath": "$.a", "Parameters": {"first.$": "$.c[0]", "b.$": "$.b", "k": "v"}})
    assert effective_input(state, INPUT, _scope(INPUT)) == {"first": 1, "b": 1, "k": "v"}


def test_parameters_see_context_and_variables() -> None:
    state = _state({"Parameters": {"name.$": "$$.Execution.Name", "v.$": "$v"}})
    assert effective_input(state, INPUT, _scope(INPUT, {"v": 7})) == {"name": "e", "v": 7}


# --- ResultPath -----------------------------------------------------------------------------


def test_result_path_absent_replaces_input() -> None:
    assert place_result(ABSENT, INPUT, {"r": 1}) == {"r": 1}


def test_result_path_null_discards_result() -> None:
    assert place_result(None, INPUT, {"r": 1}) == INPUT


def test_result_path_root_replaces_input() -> None:
    assert place_result(compile_path("$"), INPUT, 5) == 5


def test_result_path_merges_into_input_without_mutating_it() -> None:
    before = {"a": {"b": 1, "c": [1, 2]}, "keep": "me"}
    out = place_result(compile_path("$.a.result"), INPUT, "r")
    assert out == {"a": {"b": 1, "c": [1, 2], "result": "r"}, "keep": "me"}
    assert before == INPUT


def test_result_path_creates_missing_keys() -> None:
    out = place_result(compile_path("$.new.deeper"), INPUT, [1])
    assert out["new"] == {"deeper": [1]}
    assert out["keep"] == "me"


@pytest.mark.parametrize(("path", "doc"), [("$.keep.x", INPUT), ("$.a.c[5]", INPUT), ("$.x", [1, 2]),
                                          ("$.x", "text")])
def test_result_path_match_failure(path: str, doc: Any) -> None:
    with pytest.raises(StatesError) as info:
        place_result(compile_path(path), doc, 1)
    assert info.value.error == RESULT_PATH_MATCH_FAILURE
    assert info.value.cause is not None and f'Unable to apply ResultPath "{path}" to input' in info.value.cause


# --- the full JSONPath chain ------------------------------------------------------------------


def test_result_selector_then_result_path_then_output_path() -> None:
    state = _state({"ResultSelector": {"val.$": "$.payload.value", "fixed": 1},
                    "ResultPath": "$.task", "OutputPath": "$.task"})
    out = jsonpath_output(state, INPUT, {"payload": {"value": 42}, "noise": True}, _scope())
    assert out == {"val": 42, "fixed": 1}


def test_output_path_null_gives_empty_object() -> None:
    state = _state({"OutputPath": None})
    assert jsonpath_output(state, INPUT, {"r": 1}, _scope()) == {}


def test_selector_can_be_skipped() -> None:
    state = _state({"ResultSelector": {"x.$": "$.nope"}, "ResultPath": "$.r"})
    assert jsonpath_output(state, {}, 3, _scope(), selector=False) == {"r": 3}


def test_result_selector_missing_path_is_runtime() -> None:
    state = _state({"ResultSelector": {"x.$": "$.nope"}})
    with pytest.raises(StatesError) as info:
        jsonpath_output(state, INPUT, {"other": 1}, _scope())
    assert info.value.error == RUNTIME


# --- through an execution (Pass states) --------------------------------------------------------


def _pass(body: dict[str, Any], execution_input: Any) -> Any:
    result = run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, **body}}},
                 execution_input, now=0.0)
    return result


def test_pass_all_five_fields() -> None:
    result = _pass({"InputPath": "$.a", "Parameters": {"b.$": "$.b", "lit": "x"},
                    "ResultPath": "$.a.out", "OutputPath": "$.a"}, INPUT)
    assert result.status == "SUCCEEDED"
    # ResultPath applies to the *raw* state input, not to the InputPath selection.
    assert result.output == {"b": 1, "c": [1, 2], "out": {"b": 1, "lit": "x"}}


def test_pass_result_path_null_passes_input_through() -> None:
    result = _pass({"Result": {"ignored": True}, "ResultPath": None}, INPUT)
    assert result.output == INPUT


def test_pass_input_path_null_gives_empty_effective_input() -> None:
    result = _pass({"InputPath": None, "ResultPath": "$.got"}, INPUT)
    assert result.output == {**INPUT, "got": {}}


def test_result_path_match_failure_fails_the_execution() -> None:
    result = _pass({"Result": 1, "ResultPath": "$.keep.deeper"}, INPUT)
    assert result.status == "FAILED"
    assert result.error == RESULT_PATH_MATCH_FAILURE


def test_result_path_match_failure_is_catchable_on_a_task() -> None:
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F",
              "ResultPath": "$.keep.deeper",
              "Catch": [{"ErrorEquals": ["States.ResultPathMatchFailure"], "Next": "Caught",
                         "ResultPath": "$.err"}], "End": True},
        "Caught": {"Type": "Pass", "End": True}}}
    result = run(definition, INPUT, tasks={"F": lambda _: 1}, now=0.0)
    assert result.status == "SUCCEEDED"
    assert result.output["err"]["Error"] == RESULT_PATH_MATCH_FAILURE
    assert result.output["keep"] == "me"


def test_input_path_missing_fails_with_runtime() -> None:
    result = _pass({"InputPath": "$.nope"}, INPUT)
    assert result.status == "FAILED"
    assert result.error == RUNTIME
    assert "Invalid path '$.nope'" in (result.cause or "")


# --- JSONata fields that must have a value ---------------------------------------------------------

_NOTHING = "{% $states.input.nope %}"
_SUCCEED = {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}


def _jsonata_run(states: dict[str, Any]) -> Any:
    from statewright.integrations.runner import run

    return run({"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states}, {"a": 1}, now=0.0)


# (states, the failing state, its entered event id, the field's location)
_UNDEFINED_CASES = [
    ({"P": {"Type": "Pass", "Output": _NOTHING, "End": True}}, "P", 2, "Output"),
    ({"P": {"Type": "Pass", "Output": {"result": _NOTHING}, "End": True}}, "P", 2, "Output/result"),
    ({"P": {"Type": "Pass", "Output": {"a": {"b": ["x", _NOTHING]}}, "End": True}}, "P", 2, "Output/a/b[1]"),
    ({"P": {"Type": "Pass", "Output": [_NOTHING], "End": True}}, "P", 2, "Output[0]"),
    ({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "P"},
      "P": {"Type": "Pass", "Output": {"result": _NOTHING}, "End": True}}, "P", 6, "Output/result"),
    ({"S": {"Type": "Succeed", "Output": _NOTHING}}, "S", 2, "Output"),
    ({"W": {"Type": "Wait", "Seconds": 0, "Output": {"r": _NOTHING}, "End": True}}, "W", 2, "Output/r"),
    ({"C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "S", "Output": _NOTHING}]},
      "S": {"Type": "Succeed"}}, "C", 2, "Output"),
    ({"C": {"Type": "Choice", "Choices": [{"Condition": "{% false %}", "Next": "S"}], "Default": "S",
            "Output": {"d": _NOTHING}}, "S": {"Type": "Succeed"}}, "C", 2, "Output/d"),
    ({"P": {"Type": "Parallel", "Arguments": _NOTHING, "Branches": [_SUCCEED], "End": True}}, "P", 2, "Arguments"),
    ({"P": {"Type": "Parallel", "Arguments": {"r": _NOTHING}, "Branches": [_SUCCEED], "End": True}}, "P", 2,
     "Arguments/r"),
    ({"P": {"Type": "Parallel", "Output": {"r": _NOTHING}, "Branches": [_SUCCEED], "End": True}}, "P", 2, "Output/r"),
    ({"M": {"Type": "Map", "Items": [1], "ItemSelector": _NOTHING, "ItemProcessor": _SUCCEED, "End": True}}, "M",
     2, "ItemSelector"),
    ({"M": {"Type": "Map", "Items": [1], "Output": _NOTHING, "ItemProcessor": _SUCCEED, "End": True}}, "M", 2,
     "Output"),
    ({"F": {"Type": "Fail", "Error": _NOTHING}}, "F", 2, "Error"),
    ({"F": {"Type": "Fail", "Error": "E", "Cause": _NOTHING}}, "F", 2, "Cause"),
]


@pytest.mark.parametrize(("states", "name", "entered", "location"), _UNDEFINED_CASES)
def test_a_jsonata_field_that_yields_nothing_fails_with_its_location(
        states: dict[str, Any], name: str, entered: int, location: str) -> None:
    result = _jsonata_run(states)
    cause = (f"An error occurred while executing the state '{name}' (entered at the event id #{entered}). "
             f"The JSONata expression '$states.input.nope' specified for the field '{location}' returned "
             "nothing (undefined).")
    assert (result.status, result.error, result.cause) == ("FAILED", "States.QueryEvaluationError", cause)
    failed = [e for e in result.events if e["type"] == "EvaluationFailed"]
    assert [e["evaluationFailedEventDetails"] for e in failed] == [
        {"error": "States.QueryEvaluationError", "cause": cause, "location": location, "state": name}]


@pytest.mark.parametrize("output", [None, {"r": None}, "{% null %}", {"r": "{% null %}"}, "{% [] %}", "{% {} %}"])
def test_null_and_empty_values_are_values(output: Any) -> None:
    result = _jsonata_run({"P": {"Type": "Pass", "Output": output, "End": True}})
    assert result.status == "SUCCEEDED"


def test_the_location_of_a_thrown_error_and_a_wrong_type_is_the_field() -> None:
    thrown = _jsonata_run({"P": {"Type": "Pass", "Output": {"x": "{% $nosuch() %}"}, "End": True}})
    wrong = _jsonata_run({"W": {"Type": "Wait", "Seconds": "{% 'x' %}", "End": True}})
    stamp = _jsonata_run({"W": {"Type": "Wait", "Timestamp": "{% 'x' %}", "End": True}})
    for result, location in ((thrown, "Output/x"), (wrong, "Seconds"), (stamp, "Timestamp")):
        failed = [e for e in result.events if e["type"] == "EvaluationFailed"]
        assert failed[0]["evaluationFailedEventDetails"]["location"] == location
