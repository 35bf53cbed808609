"""asl.limits: payload sizes never fail on odd text, and deep nesting is AWS's error, never RecursionError."""

from __future__ import annotations

import json

import pytest

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.limits import MAX_NESTING_DEPTH, TooDeep, load_limited, payload_size, too_deep
from statewright.asl.step import Execution, step
from statewright.asl.teststate import test_state as run_test_state
from statewright.asl.types import ExecutionStart, Finished, RunTask, TaskSucceeded
from statewright.asl.validate import validate

CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:e1", "Name": "e1"},
           "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"}}


def nested(levels: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def nested_text(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def test_a_lone_surrogate_is_measured_as_java_writes_it():
    assert payload_size("\ud800") == payload_size("?")
    assert payload_size({"k": "é\ud800"}) == len('{"k":"é?"}'.encode())


def test_too_deep_counts_levels_of_objects_and_arrays():
    assert not too_deep(nested(MAX_NESTING_DEPTH))
    assert not too_deep([nested(MAX_NESTING_DEPTH - 1)])
    assert too_deep([nested(MAX_NESTING_DEPTH)])
    assert too_deep(nested(MAX_NESTING_DEPTH + 1))
    assert too_deep(nested(100_000))  # iterative: any depth


@pytest.mark.parametrize("levels", [MAX_NESTING_DEPTH + 1, 5_000, 200_000])
def test_load_limited_refuses_deep_text_at_any_depth(levels):
    with pytest.raises(TooDeep, match="execution input"):
        load_limited(nested_text(levels), "execution input")
    assert load_limited(nested_text(MAX_NESTING_DEPTH), "x") == json.loads(nested_text(MAX_NESTING_DEPTH))


@pytest.mark.parametrize("levels", [MAX_NESTING_DEPTH + 1, 5_000])
def test_deep_definitions_are_invalid_definitions(levels):
    text = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    text = text[:-1] + ',"Comment2":' + nested_text(levels) + "}"
    diagnostics = validate(text)
    assert [d.code for d in diagnostics] == ["SCHEMA_VALIDATION_FAILED"]
    with pytest.raises(DefinitionError):
        parse_definition(text)
    with pytest.raises(DefinitionError):
        run_test_state(text, {})


def test_intrinsics_nested_within_intrinsics_are_an_invalid_definition_not_a_crash():
    call = "$.x"
    for _ in range(2_000):
        call = f"States.Format('{{}}', {call})"
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": call}, "End": True}}}
    assert any(d.severity == "ERROR" for d in validate(definition))
    with pytest.raises(DefinitionError):
        run_test_state(definition["States"]["P"], {"x": 1})


def test_teststate_names_deep_input_and_variables():
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    with pytest.raises(TooDeep, match="input"):
        run_test_state(definition, nested(MAX_NESTING_DEPTH + 5))
    with pytest.raises(TooDeep, match="variables"):
        run_test_state(definition, {}, variables={"v": nested(MAX_NESTING_DEPTH + 5)})


def test_a_task_answer_nested_beyond_the_stack_fails_the_execution_with_states_runtime():
    definition = parse_definition({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "End": True}}})
    execution = Execution()
    started = step(definition, execution, ExecutionStart({}, CONTEXT), 0.0)
    task = next(c for c in started.commands if isinstance(c, RunTask))
    result = step(definition, execution, TaskSucceeded(task.task_id, nested(50_000)), 1.0)
    finished = next(c for c in result.commands if isinstance(c, Finished))
    assert (finished.status, finished.error) == ("FAILED", "States.Runtime")
    assert result.events[-1]["type"] == "ExecutionFailed"
