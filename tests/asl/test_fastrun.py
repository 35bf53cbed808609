"""The fast-state loops (asl/fastrun.py) must write exactly what the general path writes:
the same history events, output, error and cause, with and without history kept."""

from __future__ import annotations

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.step import MAX_HISTORY_EVENTS, Stepper
from statewright.integrations.runner import run

CHAIN = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "B"},
    "B": {"Type": "Pass", "Result": 7, "ResultPath": "$.n", "Next": "C"},
    "C": {"Type": "Pass", "Parameters": {
        "sum.$": "States.MathAdd($.r.x, 41)", "label.$": "States.Format('n is {}', $.n)",
        "has.$": "States.ArrayContains(States.Array(1, 2, $.n), 7)", "keep.$": "$.k", "n.$": "$.n"},
        "Next": "D"},
    "D": {"Type": "Choice", "Choices": [{"Variable": "$.sum", "NumericEquals": 42, "Next": "E"}],
          "Default": "F"},
    "E": {"Type": "Pass", "InputPath": "$.keep", "OutputPath": "$.v", "End": True},
    "F": {"Type": "Fail", "Error": "Wrong"},
}}

# A Choice loop of fused states: 25,000 events come long before it would end.
LOOP = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 100_000, "Next": "Add"}],
              "Default": "Done"},
    "Add": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}


def _outcome(result):
    return result.status, result.output, result.error, result.cause, result.transitions, result.events


def _general_and_fast(monkeypatch, definition, data, record):
    parsed = parse_definition(definition)
    fast = run(parsed, data, now=0.0, record=record)
    with monkeypatch.context() as patch:
        patch.setattr(Stepper, "FAST_PATHS", False)
        general = run(parsed, data, now=0.0, record=record)
    return general, fast


@pytest.mark.parametrize("record", [True, False])
@pytest.mark.parametrize("data", [{"k": {"v": 7}}, {"k": {"v": [1, "é"]}}, {"k": {}}, {}, {"k": 1}, [1], "text",
                                  None])
def test_fused_states_write_what_the_general_path_writes(monkeypatch, data, record):
    general, fast = _general_and_fast(monkeypatch, CHAIN, data, record)
    assert _outcome(fast) == _outcome(general)


def test_the_history_quota_ends_a_fused_loop_where_the_general_path_ends_it(monkeypatch):
    general, fast = _general_and_fast(monkeypatch, LOOP, {}, True)
    assert _outcome(fast) == _outcome(general)
    assert fast.status == "FAILED" and len(fast.events) == MAX_HISTORY_EVENTS


def test_a_fused_state_whose_output_passes_the_payload_limit_fails_as_in_the_general_path(monkeypatch):
    big = "x" * 200_000
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": big, "ResultPath": "$.one", "Next": "B"},
        "B": {"Type": "Pass", "Result": big, "ResultPath": "$.two", "End": True}}}
    general, fast = _general_and_fast(monkeypatch, definition, {}, True)
    assert _outcome(fast) == _outcome(general)
    assert fast.error == "States.DataLimitExceeded"


def test_a_fixed_result_with_an_input_path_still_fails_on_a_missing_input_path(monkeypatch):
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "InputPath": "$.missing", "Result": 1, "ResultPath": "$.n", "End": True}}}
    for record in (True, False):
        general, fast = _general_and_fast(monkeypatch, definition, {}, record)
        assert _outcome(fast) == _outcome(general)
        assert fast.status == "FAILED" and fast.error == "States.Runtime"
