"""Workflow variables (issue 3): Assign on every state that has it, scoping, and JSONata's $states."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statewright.asl.definition import DefinitionError
from statewright.integrations.runner import RunResult, run
from statewright.integrations.types import TaskError

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
T0 = 0.0


def _run(states: dict[str, Any], execution_input: Any = None, tasks: dict[str, Any] | None = None,
         **top: Any) -> RunResult:
    return run({"StartAt": next(iter(states)), "States": states, **top}, execution_input, tasks=tasks, now=T0)


def _exited(result: RunResult, name: str) -> dict[str, Any]:
    return next(e["stateExitedEventDetails"] for e in result.events
                if e["type"].endswith("StateExited") and e["stateExitedEventDetails"]["name"] == name)


def _show(expr: str = "$") -> dict[str, Any]:
    return {"Type": "Pass", "Parameters": {"v.$": expr}, "End": True}


def _raise(error: str) -> Any:
    def handler(_: Any) -> Any:
        raise TaskError(error, "why")
    return handler


# --- Assign on each state type (JSONPath) ---------------------------------------------------------


def test_pass_assign_constant_path_context_and_intrinsic() -> None:
    result = _run({"A": {"Type": "Pass", "Assign": {"c": 1, "p.$": "$.x", "n.$": "$$.State.Name",
                                                    "f.$": "States.Format('x={}', $.x)"}, "Next": "B"},
                   "B": _show("States.Array($c, $p, $n, $f)")}, {"x": 5})
    assert result.output == {"v": [1, 5, "A", "x=5"]}


def test_task_assign_sees_the_result() -> None:
    result = _run({"T": {"Type": "Task", "Resource": LAMBDA, "Assign": {"r.$": "$.value"}, "ResultPath": None,
                         "Next": "B"}, "B": _show("$r")}, {"in": 1}, tasks={"Work": lambda _: {"value": 9}})
    assert result.output == {"v": 9}


def test_task_assign_sees_the_result_after_result_selector() -> None:
    result = _run({"T": {"Type": "Task", "Resource": LAMBDA, "ResultSelector": {"sel.$": "$.value"},
                         "Assign": {"r.$": "$.sel"}, "Next": "B"}, "B": _show("$r")},
                  {}, tasks={"Work": lambda _: {"value": 9}})
    assert result.output == {"v": 9}


def test_map_and_parallel_assign_see_their_results() -> None:
    states = {
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
              "Assign": {"m.$": "$[1]"}, "ResultPath": None, "Next": "Par"},
        "Par": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Result": "x",
                                                                                   "End": True}}}],
                "Assign": {"p.$": "$[0]"}, "Next": "B"},
        "B": _show("States.Array($m, $p)")}
    assert _run(states, [10, 20]).output == {"v": [20, "x"]}


def test_choice_rule_assign_and_default_assign() -> None:
    states = {"C": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "B",
                                                   "Assign": {"via": "rule"}}],
                    "Default": "B", "Assign": {"via": "default"}},
              "B": _show("$via")}
    assert _run(states, {"go": True}).output == {"v": "rule"}
    assert _run(states, {"go": False}).output == {"v": "default"}


def test_wait_assign() -> None:
    states = {"W": {"Type": "Wait", "Seconds": 1, "Assign": {"w.$": "$.k"}, "Next": "B"}, "B": _show("$w")}
    assert _run(states, {"k": "kv"}).output == {"v": "kv"}


def test_catch_assign_sees_the_error_output() -> None:
    states = {"T": {"Type": "Task", "Resource": LAMBDA, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B", "Assign": {"e.$": "$.Error",
                                                                                     "c.$": "$.Cause"}}]},
              "B": _show("States.Array($e, $c)")}
    assert _run(states, {}, tasks={"Work": _raise("Broke")}).output == {"v": ["Broke", "why"]}


def test_variables_keep_their_values_across_states() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"x": 3}, "Next": "C"},
              "C": _show("States.Array($x, $y)")}
    assert _run(states).output == {"v": [3, 2]}


# --- "Assign and Output are evaluated in parallel" --------------------------------------------


def test_assign_members_see_old_values() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"x": 2, "old.$": "$x"}, "Next": "C"},
              "C": _show("States.Array($x, $old)")}
    assert _run(states).output == {"v": [2, 1]}


def test_jsonata_assign_and_output_see_old_values() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "y": "{% $x %}"},
                    "Output": {"seen": "{% $x %}"}, "Next": "C"},
              "C": {"Type": "Pass", "Output": {"in": "{% $states.input %}", "x": "{% $x %}", "y": "{% $y %}"},
                    "End": True}}
    assert _run(states, {}, QueryLanguage="JSONata").output == {"in": {"seen": 1}, "x": 2, "y": 1}


def test_jsonpath_output_path_sees_old_values() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
              "B": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "Assign": {"x": 2}, "Next": "C"},
              "C": {"Type": "Pass", "End": True}}
    assert _run(states).output == {"x": 1}


# --- scope ----------------------------------------------------------------------------------


def test_map_children_read_outer_variables() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "M"},
              "M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Parameters": {"item.$": "$", "factor.$": "$factor"}, "End": True}}},
                    "End": True}}
    assert _run(states, [1, 2]).output == [{"item": 1, "factor": 10}, {"item": 2, "factor": 10}]


def test_parallel_children_read_outer_variables_in_jsonata() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"base": 5}, "Next": "P"},
              "P": {"Type": "Parallel", "End": True, "Branches": [
                  {"StartAt": "X", "States": {"X": {"Type": "Pass", "Output": "{% $base + 1 %}", "End": True}}},
                  {"StartAt": "Y", "States": {"Y": {"Type": "Pass", "Output": "{% $base + 2 %}", "End": True}}}]}}
    assert _run(states, {}, QueryLanguage="JSONata").output == [6, 7]


def test_inner_assignments_are_not_visible_outside() -> None:
    states = {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Assign": {"inner": 1}, "End": True}}}, "Next": "Check"},
              "Check": _show("$inner")}
    result = _run(states, [1])
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"


def test_inner_assignments_are_per_iteration() -> None:
    processor = {"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "Read"},
        "Read": {"Type": "Pass", "Parameters": {"mine.$": "$mine"}, "End": True}}}
    states = {"M": {"Type": "Map", "ItemProcessor": processor, "MaxConcurrency": 0, "End": True}}
    assert _run(states, ["a", "b", "c"]).output == [{"mine": "a"}, {"mine": "b"}, {"mine": "c"}]


def test_map_item_selector_reads_variables() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"tag": "t"}, "Next": "M"},
              "M": {"Type": "Map", "ItemSelector": {"tag.$": "$tag", "v.$": "$$.Map.Item.Value"}, "End": True,
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}
    assert _run(states, [1]).output == [{"tag": "t", "v": 1}]


# --- JSONPath reads of variables --------------------------------------------------------------


def test_jsonpath_variable_paths_everywhere() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"cfg": {"items": [1, 2], "limit": 1, "ok": True, "wait": 2}},
                    "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$cfg.ok", "BooleanEquals": True, "Next": "W"}]},
              "W": {"Type": "Wait", "SecondsPath": "$cfg.wait", "Next": "M"},
              "M": {"Type": "Map", "ItemsPath": "$cfg.items", "MaxConcurrencyPath": "$cfg.limit",
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                    "Next": "O"},
              "O": {"Type": "Pass", "InputPath": "$cfg.items[1]", "End": True}}
    result = _run(states, {})
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == 2


def test_intrinsics_read_variables() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"xs": [1, 2, 2], "s": "a,b"}, "Next": "B"},
              "B": _show("States.Array(States.ArrayUnique($xs), States.StringSplit($s, ','), States.ArrayLength($xs))")}
    assert _run(states).output == {"v": [[1, 2], ["a", "b"], 3]}


def test_unknown_variable_in_a_path_is_runtime() -> None:
    result = _run({"B": _show("$nobody")})
    assert result.error == "States.Runtime"
    assert "$nobody" in (result.cause or "")


# --- history --------------------------------------------------------------------------------


def test_assigned_variables_in_exited_events() -> None:
    result = _run({"A": {"Type": "Pass", "Assign": {"n": 1, "s": "t", "o": {"k": [1]}}, "Next": "B"},
                   "B": {"Type": "Pass", "End": True}})
    exited = _exited(result, "A")
    assert exited["assignedVariables"] == {"n": "1", "s": '"t"', "o": '{"k":[1]}'}
    assert exited["assignedVariablesDetails"] == {"truncated": False}
    assert "assignedVariables" not in _exited(result, "B")


def test_assigned_variables_on_choice_and_task_exits() -> None:
    states = {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "T",
                                                   "Assign": {"chose": "T"}}]},
              "T": {"Type": "Task", "Resource": LAMBDA, "Assign": {"got.$": "$"}, "End": True}}
    result = _run(states, {"a": 1}, tasks={"Work": lambda _: 7})
    assert _exited(result, "C")["assignedVariables"] == {"chose": '"T"'}
    assert _exited(result, "T")["assignedVariables"] == {"got": "7"}


# --- JSONata $states --------------------------------------------------------------------------


def test_states_input_and_context_in_pass() -> None:
    result = _run({"P": {"Type": "Pass", "Output": {"in": "{% $states.input %}",
                                                    "name": "{% $states.context.State.Name %}",
                                                    "exec": "{% $states.context.Execution.Name %}"},
                         "End": True}}, {"a": 1}, QueryLanguage="JSONata")
    assert result.output == {"in": {"a": 1}, "name": "P", "exec": "local-execution"}


def test_states_result_in_task_output_and_assign_but_not_in_arguments() -> None:
    seen: list[Any] = []

    def handler(payload: Any) -> Any:
        seen.append(payload)
        return {"r": 1}
    states = {"T": {"Type": "Task", "Resource": LAMBDA,
                    "Arguments": {"has": "{% $exists($states.result) %}"},
                    "Output": {"out": "{% $states.result.r %}"}, "Assign": {"a": "{% $states.result.r %}"},
                    "End": True}}
    result = _run(states, {}, tasks={"Work": handler}, QueryLanguage="JSONata")
    assert seen == [{"has": False}]
    assert result.output == {"out": 1}


def test_states_error_output_only_in_catch() -> None:
    states = {"T": {"Type": "Task", "Resource": LAMBDA,
                    "Arguments": {"has": "{% $exists($states.errorOutput) %}"},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                               "Output": "{% $states.errorOutput %}"}], "End": True},
              "H": {"Type": "Pass", "Output": {"e": "{% $states.input %}",
                                               "has": "{% $exists($states.errorOutput) %}"}, "End": True}}
    seen: list[Any] = []

    def handler(payload: Any) -> Any:
        seen.append(payload)
        raise TaskError("E", "c")
    result = _run(states, {}, tasks={"Work": handler}, QueryLanguage="JSONata")
    assert seen == [{"has": False}]
    assert result.output == {"e": {"Error": "E", "Cause": "c"}, "has": False}


def test_map_and_parallel_result_in_jsonata() -> None:
    states = {"M": {"Type": "Map", "Items": "{% [1, 2, 3] %}", "Output": "{% $sum($states.result) %}",
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass",
                                                                       "Output": "{% $states.input * 2 %}",
                                                                       "End": True}}},
                    "End": True}}
    assert _run(states, {}, QueryLanguage="JSONata").output == 12


# --- mixed machines -------------------------------------------------------------------------


def test_mixed_jsonpath_and_jsonata_states_share_variables() -> None:
    states = {"A": {"Type": "Pass", "Assign": {"x.$": "$.n"}, "Next": "B"},
              "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"y": "{% $x * 2 %}"},
                    "Output": {"z": "{% $x %}"}, "Next": "C"},
              "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y", "z.$": "$.z"}, "End": True}}
    assert _run(states, {"n": 4}).output == {"x": 4, "y": 8, "z": 4}


def test_jsonata_top_level_refuses_a_jsonpath_state() -> None:
    # AWS: a state may opt into JSONata under a JSONPath machine, not the other way round.
    states = {"A": {"Type": "Pass", "Output": {"a": "{% 1 + 1 %}"}, "Next": "B"},
              "B": {"Type": "Pass", "QueryLanguage": "JSONPath", "Parameters": {"b.$": "$.a"}, "End": True}}
    with pytest.raises(DefinitionError, match="/States/B/QueryLanguage"):
        _run(states, {}, QueryLanguage="JSONata")


# --- errors ---------------------------------------------------------------------------------


def test_query_evaluation_error_cause_and_evaluation_failed_event() -> None:
    states = {"P": {"Type": "Pass", "Output": "{% $states.input.a.b + 'x' %}", "End": True}}
    result = _run(states, {"a": {"b": 1}}, QueryLanguage="JSONata")
    assert result.status == "FAILED"
    assert result.error == "States.QueryEvaluationError"
    assert (result.cause or "").startswith(
        "An error occurred while executing the state 'P' (entered at the event id #2).")
    failed = next(e for e in result.events if e["type"] == "EvaluationFailed")
    details = failed["evaluationFailedEventDetails"]
    assert details["error"] == "States.QueryEvaluationError"
    assert details["state"] == "P"
    assert details["cause"] == result.cause
    assert [e["type"] for e in result.events][-2:] == ["EvaluationFailed", "ExecutionFailed"]


def test_query_evaluation_error_is_catchable() -> None:
    states = {"T": {"Type": "Task", "Resource": LAMBDA, "Output": "{% $states.result.x + 'a' %}",
                    "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "H"}], "End": True},
              "H": {"Type": "Pass", "Output": "{% $states.input.Error %}", "End": True}}
    result = _run(states, {}, tasks={"Work": lambda _: {"x": 1}}, QueryLanguage="JSONata")
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == "States.QueryEvaluationError"


def test_jsonata_assign_failure_fails_the_state() -> None:
    states = {"P": {"Type": "Pass", "Assign": {"v": "{% $error('nope') %}"}, "End": True}}
    result = _run(states, {}, QueryLanguage="JSONata")
    assert result.error == "States.QueryEvaluationError"
    assert "nope" in (result.cause or "")


def test_assigned_values_are_json_text_in_events() -> None:
    result = _run({"A": {"Type": "Pass", "Assign": {"u": "é"}, "End": True}})
    assert json.loads(_exited(result, "A")["assignedVariables"]["u"]) == "é"


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
def test_empty_assign_records_nothing(language: str) -> None:
    result = _run({"A": {"Type": "Pass", "Assign": {}, "End": True}}, {"k": 1}, QueryLanguage=language)
    assert result.output == {"k": 1}
    assert "assignedVariables" not in _exited(result, "A")
