"""asl.states: Pass, Succeed, Fail, Choice and Wait, as AWS runs them."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.states import parse_timestamp
from statewright.asl.step import Execution, step
from statewright.asl.types import ExecutionStart, StartTimer
from statewright.integrations.runner import RunResult, run

T0 = 1_704_067_200.0  # 2024-01-01T00:00:00Z


def _run(states: dict[str, Any], execution_input: Any = None, **top: Any) -> RunResult:
    return run({"StartAt": next(iter(states)), "States": states, **top}, execution_input, now=T0)


def _wait_due(wait: dict[str, Any], execution_input: Any) -> float:
    definition = parse_definition({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": True, **wait}}})
    result = step(definition, Execution(), ExecutionStart(execution_input, {}), T0)
    timers = [c for c in result.commands if isinstance(c, StartTimer)]
    assert len(timers) == 1, result.commands
    return timers[0].due - T0


def _entered(name: str, event_id: int = 2) -> str:
    return f"An error occurred while executing the state '{name}' (entered at the event id #{event_id}). "


def _types(result: RunResult) -> list[str]:
    return [e["type"] for e in result.events]


# --- Pass -----------------------------------------------------------------------------------


def test_pass_without_result_passes_input() -> None:
    assert _run({"P": {"Type": "Pass", "End": True}}, {"a": 1}).output == {"a": 1}


def test_pass_result_replaces_input() -> None:
    assert _run({"P": {"Type": "Pass", "Result": [1, {"b": 2}], "End": True}}, {"a": 1}).output == [1, {"b": 2}]


def test_pass_result_with_result_path() -> None:
    result = _run({"P": {"Type": "Pass", "Result": "r", "ResultPath": "$.x.y", "End": True}}, {"a": 1})
    assert result.output == {"a": 1, "x": {"y": "r"}}


def test_pass_result_is_not_a_template() -> None:
    result = _run({"P": {"Type": "Pass", "Result": {"k.$": "$.a"}, "End": True}}, {"a": 1})
    assert result.output == {"k.$": "$.a"}


def test_pass_events_carry_input_and_output() -> None:
    result = _run({"P": {"Type": "Pass", "Result": 2, "End": True}}, {"a": 1})
    entered, exited = result.events[1], result.events[2]
    assert entered["stateEnteredEventDetails"] == {"name": "P", "input": '{"a":1}',
                                                   "inputDetails": {"truncated": False}}
    assert exited["stateExitedEventDetails"] == {"name": "P", "output": "2",
                                                 "outputDetails": {"truncated": False}}


def test_jsonata_pass_output() -> None:
    result = _run({"P": {"Type": "Pass", "Output": {"sum": "{% $states.input.a + 1 %}"}, "End": True}},
                  {"a": 1}, QueryLanguage="JSONata")
    assert result.output == {"sum": 2}


# --- Succeed --------------------------------------------------------------------------------


def test_succeed_with_input_and_output_path() -> None:
    result = _run({"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}, {"a": {"b": 3}})
    assert result.status == "SUCCEEDED"
    assert result.output == 3
    assert _types(result)[-3:] == ["SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]


# --- Fail -----------------------------------------------------------------------------------


def test_fail_error_and_cause() -> None:
    result = _run({"F": {"Type": "Fail", "Error": "Custom", "Cause": "because"}})
    assert (result.status, result.error, result.cause) == ("FAILED", "Custom", "because")
    assert _types(result) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert result.events[-1]["executionFailedEventDetails"] == {"error": "Custom", "cause": "because"}


def test_fail_without_error_or_cause() -> None:
    result = _run({"F": {"Type": "Fail"}})
    assert result.status == "FAILED"
    assert result.error is None and result.cause is None
    assert result.events[-1]["executionFailedEventDetails"] == {}


def test_fail_error_path_and_cause_path() -> None:
    result = _run({"F": {"Type": "Fail", "ErrorPath": "$.e.name", "CausePath": "$$.Execution.Name"}},
                  {"e": {"name": "FromInput"}})
    assert (result.error, result.cause) == ("FromInput", "local-execution")


def test_fail_paths_with_intrinsics() -> None:
    result = _run({"F": {"Type": "Fail", "ErrorPath": "States.Format('Err{}', $.code)",
                         "CausePath": "States.JsonToString($.detail)"}}, {"code": 42, "detail": {"a": [1]}})
    assert (result.error, result.cause) == ("Err42", '{"a":[1]}')


@pytest.mark.parametrize("field", ["ErrorPath", "CausePath"])
@pytest.mark.parametrize(("path", "applied_to"), [
    ("$.nope", '{"e":"x","list":[],"u":"é"}'), ("$.e.deeper", '{"e":"x","list":[],"u":"é"}'),
    ("$.list[5]", '{"e":"x","list":[],"u":"é"}'), ("$$.Execution.Nope", None), ("$other.nope", "1"),
])
def test_fail_path_that_selects_nothing_names_the_field_and_path(field: str, path: str, applied_to: Any) -> None:
    states = {"A": {"Type": "Pass", "Assign": {"other": 1}, "Next": "F"}, "F": {"Type": "Fail", field: path}}
    result = _run(states, {"e": "x", "list": [], "u": "é"})
    assert result.error == "States.Runtime"
    cause = result.cause or ""
    prefix = _entered("F", 4) + f"The JSONPath '{path}' specified for the field '{field}' could not be found in the input '"
    assert cause.startswith(prefix)
    if applied_to is not None:  # the context object's text holds times and ids; its start is enough
        assert cause == prefix + applied_to + "'"


@pytest.mark.parametrize("field", ["ErrorPath", "CausePath"])
def test_fail_path_inside_an_intrinsic_that_selects_nothing(field: str) -> None:
    result = _run({"F": {"Type": "Fail", field: "States.Format('{}', $.nope)"}}, {})
    assert (result.error, result.cause) == ("States.Runtime", _entered("F") + (
        f"The JSONPath '$.nope' specified for the field '{field}' could not be found in the input"))


@pytest.mark.parametrize("field", ["ErrorPath", "CausePath"])
@pytest.mark.parametrize(("value", "shown"), [
    (1, "1"), (1.5, "1.5"), (None, "null"), (True, "true"), ([], "[]"), ({"a": "b"}, '{"a":"b"}'), (1e20, "1.0E20"),
])
def test_fail_path_that_selects_no_string_names_the_field_and_value(field: str, value: Any, shown: str) -> None:
    result = _run({"F": {"Type": "Fail", field: "$.v"}}, {"v": value})
    assert (result.error, result.cause) == ("States.Runtime", _entered("F") + (
        f'The {field} field refers to value "{shown}" which is not a valid string: $.v'))


def test_fail_path_through_an_intrinsic_must_give_a_string() -> None:
    result = _run({"F": {"Type": "Fail", "ErrorPath": "States.ArrayGetItem($.xs, 0)"}}, {"xs": [7]})
    assert result.cause == _entered("F") + (
        'The ErrorPath field refers to value "7" which is not a valid string: States.ArrayGetItem($.xs, 0)')
    assert _run({"F": {"Type": "Fail", "ErrorPath": "States.ArrayGetItem($.xs, 0)"}}, {"xs": ["E"]}).error == "E"
    assert _run({"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}}, {"e": "", "c": ""}).cause == ""


def test_fail_reads_variables() -> None:
    result = _run({"A": {"Type": "Pass", "Assign": {"why": "saved"}, "Next": "F"},
                   "F": {"Type": "Fail", "Error": "E", "CausePath": "$why"}})
    assert result.cause == "saved"


def test_jsonata_fail() -> None:
    result = _run({"F": {"Type": "Fail", "Error": "{% 'E' & $string($states.input.n) %}",
                         "Cause": "{% $states.input.msg %}"}}, {"n": 7, "msg": "m"}, QueryLanguage="JSONata")
    assert (result.error, result.cause) == ("E7", "m")


# --- Choice ---------------------------------------------------------------------------------

CHOICE = {
    "C": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
        {"And": [{"Variable": "$.s", "IsPresent": True}, {"Variable": "$.s", "StringMatches": "a*"}],
         "Next": "A"}],
        "Default": "Other"},
    "Big": {"Type": "Pass", "Result": "big", "End": True},
    "A": {"Type": "Pass", "Result": "a", "End": True},
    "Other": {"Type": "Pass", "Result": "other", "End": True},
}


@pytest.mark.parametrize(("execution_input", "expected"), [
    ({"n": 11}, "big"), ({"n": 1, "s": "abc"}, "a"), ({"n": 1, "s": "xyz"}, "other"), ({"n": 11, "s": "a"}, "big"),
])
def test_choice_first_matching_rule_else_default(execution_input: Any, expected: str) -> None:
    assert _run(CHOICE, execution_input).output == expected


def test_choice_passes_its_input_through_with_input_and_output_path() -> None:
    states = {"C": {"Type": "Choice", "InputPath": "$.in", "OutputPath": "$.keep",
                    "Choices": [{"Variable": "$.v", "BooleanEquals": True, "Next": "P"}]},
              "P": {"Type": "Pass", "End": True}}
    assert _run(states, {"in": {"v": True, "keep": [1]}}).output == [1]


def test_no_choice_matched() -> None:
    states = {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "P"}]},
              "P": {"Type": "Pass", "End": True}}
    result = _run(states, {"n": 2})
    assert result.status == "FAILED"
    assert result.error == "States.NoChoiceMatched"
    assert _types(result) == ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"]


def test_jsonata_choice_condition_and_default() -> None:
    states = {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "P",
                                                   "Output": {"big": True}}],
                    "Default": "D"},
              "P": {"Type": "Pass", "End": True}, "D": {"Type": "Pass", "Output": "default", "End": True}}
    assert _run(states, {"n": 2}, QueryLanguage="JSONata").output == {"big": True}
    assert _run(states, {"n": 0}, QueryLanguage="JSONata").output == "default"



def test_jsonata_condition_not_boolean_is_query_evaluation_error() -> None:
    states = {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n %}", "Next": "P"}]},
              "P": {"Type": "Pass", "End": True}}
    result = _run(states, {"n": 2}, QueryLanguage="JSONata")
    assert result.error == "States.QueryEvaluationError"
    assert "Expected 'boolean'" in (result.cause or "")


# --- Wait -----------------------------------------------------------------------------------


def test_wait_seconds() -> None:
    assert _wait_due({"Seconds": 42}, {}) == 42


def test_wait_seconds_path() -> None:
    assert _wait_due({"SecondsPath": "$.s"}, {"s": 7}) == 7


def test_wait_timestamp() -> None:
    assert _wait_due({"Timestamp": "2024-01-01T00:01:00Z"}, {}) == 60


def test_wait_timestamp_path_with_offset_and_fraction() -> None:
    assert _wait_due({"TimestampPath": "$.t"}, {"t": "2024-01-01T01:00:30.5+01:00"}) == 30.5


def test_wait_timestamp_in_the_past_fires_now() -> None:
    assert _wait_due({"Timestamp": "2020-01-01T00:00:00Z"}, {}) == 0


def test_wait_advances_the_virtual_clock() -> None:
    result = _run({"W": {"Type": "Wait", "Seconds": 3600, "Next": "P"}, "P": {"Type": "Pass", "End": True}}, {"a": 1})
    assert result.output == {"a": 1}
    assert result.events[-1]["timestamp"] == T0 + 3600
    assert _types(result)[1:3] == ["WaitStateEntered", "WaitStateExited"]


_LONG = "The SecondsPath parameter cannot be parsed as a long value: $.s == "
_NEGATIVE = "The SecondsPath parameter references a negative value: $.s == "


@pytest.mark.parametrize(("value", "cause"), [
    (-1, _NEGATIVE + "-1"), (-(2**63), _NEGATIVE + "-9223372036854775808"),
    (1.5, _LONG + "1.5"), (0.5, _LONG + "0.5"), (-1.5, _LONG + "-1.5"), (-0.5, _LONG + "-0.5"),
    (1.0, _LONG + "1.0"), (1e20, _LONG + "1.0E20"), (2**63, _LONG + "9223372036854775808"),
    (-(2**63) - 1, _LONG + "-9223372036854775809"), ("10", _LONG + "10"), ("abc", _LONG + "abc"),
    ("", _LONG), (None, _LONG + "null"), (True, _LONG + "true"), ([1], _LONG + "[1]"),
    ({"a": 1.5}, _LONG + '{"a":1.5}'),
])
def test_wait_seconds_path_rejects_each_kind_of_bad_value(value: Any, cause: str) -> None:
    result = _run({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}, {"s": value})
    assert (result.error, result.cause) == ("States.Runtime", _entered("W") + cause)


@pytest.mark.parametrize("value", [0, 1, 59, 2**31 - 1])
def test_wait_seconds_path_accepts_whole_seconds_up_to_the_limit(value: int) -> None:
    assert _wait_due({"SecondsPath": "$.s"}, {"s": value}) == value


@pytest.mark.parametrize("value", [2**31, 2**40, 2**63 - 1])
def test_wait_seconds_path_past_the_limit_is_too_long(value: int) -> None:
    result = _run({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}, {"s": value})
    assert (result.error, result.cause) == ("States.Runtime", _entered("W") + "Wait state delay is too long.")


def test_wait_seconds_path_missing() -> None:
    result = _run({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}, {})
    assert result.error == "States.Runtime"
    assert "does not reference an input value: $.s" in (result.cause or "")


@pytest.mark.parametrize(("value", "shown"), [
    ("yesterday", "yesterday"), ("2024-01-01", "2024-01-01"), ("2024-01-01T00:00:00", "2024-01-01T00:00:00"),
    ("2024-01-01 00:00:00Z", "2024-01-01 00:00:00Z"), ("2024-13-01T00:00:00Z", "2024-13-01T00:00:00Z"),
    ("2024-01-01T25:00:00Z", "2024-01-01T25:00:00Z"), ("01-01-2024T00:00:00Z", "01-01-2024T00:00:00Z"),
    ("2024-02-30T00:00:00Z", "2024-02-30T00:00:00Z"), ("2024-01-01T00:00:00+25:00", "2024-01-01T00:00:00+25:00"),
    ("", ""), (5, "5"), (1.5, "1.5"), (None, "null"), (True, "true"), ({"t": "x"}, '{"t":"x"}'),
])
def test_wait_timestamp_path_invalid(value: Any, shown: str) -> None:
    result = _run({"W": {"Type": "Wait", "TimestampPath": "$.t", "End": True}}, {"t": value})
    assert (result.error, result.cause) == ("States.Runtime", _entered("W") + (
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format "
        f"string: $.t == {shown}"))


def test_wait_too_long_delay_is_runtime() -> None:
    result = _run({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}, {"s": 2**31})
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert "Wait state delay is too long" in (result.cause or "")


def test_jsonata_wait_seconds() -> None:
    definition = parse_definition({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": "{% $states.input.s * 2 %}", "End": True}}})
    result = step(definition, Execution(), ExecutionStart({"s": 4}, {}), T0)
    assert [c.due - T0 for c in result.commands if isinstance(c, StartTimer)] == [8]


def test_jsonata_wait_seconds_negative_is_query_evaluation_error() -> None:
    result = _run({"W": {"Type": "Wait", "Seconds": "{% -1 %}", "End": True}}, {}, QueryLanguage="JSONata")
    assert result.error == "States.QueryEvaluationError"


@pytest.mark.parametrize(("text", "ok"), [
    ("2024-01-01T00:00:00Z", True), ("2024-01-01T00:00:00.123456789Z", True), ("2024-01-01T00:00:00+05:30", True),
    ("2024-01-01 00:00:00Z", False), ("2024-01-01T00:00:00", False), ("2024-13-01T00:00:00Z", False), (None, False),
])
def test_parse_timestamp(text: Any, ok: bool) -> None:
    assert (parse_timestamp(text) is not None) == ok


def test_jsonata_wait_seconds_must_be_an_integer() -> None:
    result = _run({"W": {"Type": "Wait", "Seconds": "{% 1.5 %}", "End": True}}, {}, QueryLanguage="JSONata")
    assert result.status == "FAILED"
    assert result.error == "States.QueryEvaluationError"


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (1.5, "number", "1.5"), (-0.5, "number", "-0.5"), ("10", "string", '"10"'), (None, "null", "null"),
    (True, "boolean", "true"), ([1], "array", "[1]"), ({"a": 1}, "object", '{"a":1}'),
])
def test_jsonata_wait_seconds_names_the_json_type_it_got(value: Any, kind: str, shown: str) -> None:
    result = _run({"W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": True}}, {"s": value},
                  QueryLanguage="JSONata")
    assert (result.error, result.cause) == ("States.QueryEvaluationError", _entered("W") + (
        "The JSONata expression '$states.input.s' specified for the field 'Seconds' returned an unexpected "
        f"result type. Expected 'integer', but was '{kind}' for value: {shown}"))


@pytest.mark.parametrize("value", [0, 3, 3.0])
def test_jsonata_wait_seconds_takes_whole_numbers(value: Any) -> None:
    definition = parse_definition({"QueryLanguage": "JSONata", "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": True}}})
    result = step(definition, Execution(), ExecutionStart({"s": value}, {}), T0)
    assert [c.due - T0 for c in result.commands if isinstance(c, StartTimer)] == [value]
