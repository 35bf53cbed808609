"""The fused fast paths (no history kept) must decide exactly what the general path decides."""

from __future__ import annotations

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.fastpath import compile_fast
from statewright.integrations.runner import run

CHAIN = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.r.x, 41)", "keep.$": "$.k"},
          "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.sum", "NumericEquals": 42, "Next": "D"}],
          "Default": "E"},
    "D": {"Type": "Pass", "InputPath": "$.keep", "OutputPath": "$.v", "End": True},
    "E": {"Type": "Fail", "Error": "Wrong"},
}}


def _both(definition, data):
    parsed = parse_definition(definition)
    return run(parsed, data, now=0.0, record=True), run(parsed, data, now=0.0, record=False)


def test_states_that_read_only_their_input_are_compiled():
    machine = parse_definition(CHAIN).root
    assert set(machine.fast) == {"A", "B", "C", "D"}


@pytest.mark.parametrize("data", [{"k": {"v": 7}}, {"k": {"v": [1, 2]}}, {"k": {}}, {}])
def test_fast_and_general_paths_agree(data):
    recorded, fast = _both(CHAIN, data)
    assert (fast.status, fast.output, fast.error, fast.cause) == (
        recorded.status, recorded.output, recorded.error, recorded.cause)
    assert fast.transitions == recorded.transitions


def test_a_missing_path_falls_back_to_the_general_error():
    recorded, fast = _both(CHAIN, {"k": 1})
    assert fast.status == recorded.status == "FAILED"
    assert fast.cause == recorded.cause
    assert "(entered at the event id #8)" in fast.cause


def test_no_choice_matched_comes_from_the_general_path():
    definition = {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericEquals": 1, "Next": "Z"}]}, "Z": {"Type": "Succeed"}}}
    recorded, fast = _both(definition, {"n": 2})
    assert fast.error == recorded.error == "States.NoChoiceMatched"


def test_the_payload_limit_holds_on_the_fast_path():
    big = "x" * 200_000
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": big, "ResultPath": "$.one", "Next": "B"},
        "B": {"Type": "Pass", "Result": big, "ResultPath": "$.two", "End": True}}}
    recorded, fast = _both(definition, {})
    assert fast.status == recorded.status == "FAILED"
    assert fast.error == recorded.error == "States.DataLimitExceeded"
    assert "'B'" in fast.cause


def test_states_with_context_variables_or_assign_are_not_compiled():
    for state in ({"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "End": True},
                  {"Type": "Pass", "Parameters": {"v.$": "$var"}, "End": True},
                  {"Type": "Pass", "Assign": {"a": 1}, "End": True},
                  {"Type": "Pass", "Parameters": {"u.$": "States.UUID()"}, "End": True},
                  {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "S",
                                                  "Assign": {"seen": True}}], "Default": "S"}):
        parsed = parse_definition({"StartAt": "S", "States": {"S": state}}, check=False)
        assert compile_fast(parsed.root.states["S"]) is None


def test_a_choice_rule_that_assigns_keeps_its_variables_without_history():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "Out",
                                             "Assign": {"seen": "yes"}}], "Default": "Out"},
        "Out": {"Type": "Pass", "Parameters": {"seen.$": "$seen"}, "End": True}}}
    recorded, fast = _both(definition, {"a": 1})
    assert fast.output == recorded.output == {"seen": "yes"}


@pytest.mark.parametrize("fields", [{"Parameters": {"i.$": "States.Format('{}', $.n)"}},
                                    {"InputPath": "$.missing"}, {"Parameters": {"i.$": "$.n"}}])
def test_a_result_does_not_skip_the_input_fields_it_replaces(fields):
    # Found by tests/asl/test_step_keep.py: the general path applies InputPath and Parameters
    # before a Result replaces them, so a path they cannot resolve fails the state either way.
    definition = {"StartAt": "S", "States": {"S": {"Type": "Pass", "Result": {"r": 1}, **fields, "End": True}}}
    recorded, fast = _both(definition, {})
    assert (fast.status, fast.error) == (recorded.status, recorded.error) == ("FAILED", "States.Runtime")
    passing, fast_passing = _both(definition, {"n": 1, "missing": {}})
    assert fast_passing.output == passing.output == {"r": 1}
