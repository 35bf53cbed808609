"""Tests for asl/jsonata.py; expected values and causes come from recordings of real AWS."""

from __future__ import annotations

import copy
import gc
import hashlib
import pickle
import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statewright.asl.errors import QUERY_EVALUATION_ERROR, StatesError
from statewright.asl.jsonata import (
    UNDEFINED,
    JsonataSyntaxError,
    compile_expression,
    evaluate_template,
    expect_type,
    is_expression,
    json_type_name,
    undefined_error,
)


def bindings(state_input: Any = None, **variables: Any) -> dict[str, Any]:
    return {"states": {"input": state_input, "context": {"Execution": {"Id": "arn"}}}, **variables}


def evaluate(text: str, state_input: Any = None, field: str = "Output", **variables: Any) -> Any:
    return compile_expression(text).evaluate(bindings(state_input, **variables), random.Random(7), field)


def cause_of(text: str, state_input: Any = None, field: str = "Output", **variables: Any) -> str:
    with pytest.raises(StatesError) as caught:
        evaluate(text, state_input, field, **variables)
    assert caught.value.error == QUERY_EVALUATION_ERROR
    return caught.value.cause


# --- recognising and compiling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% $states.input %}", True),
        ("{%1%}", True),
        (" {% states.input %} ", False),  # recorded: leading/trailing space makes it a literal
        ("{% x", False),
        ("$states.input", False),
        ("{%}", False),
        (1, False),
        (None, False),
        (["{% 1 %}"], False),
    ],
)
def test_is_expression(value: object, expected: bool) -> None:
    assert is_expression(value) is expected


def test_source_is_the_inner_text_stripped() -> None:
    assert compile_expression("{%   'string'  %}").source == "'string'"


def test_compile_is_cached_by_text() -> None:
    assert compile_expression("{% 1 + 2 %}") is compile_expression("{% 1 + 2 %}")


@pytest.mark.parametrize("text", ["{% 1 + %}", "{% [1, 2 %}", "{%  %}", "not wrapped"])
def test_syntax_errors_raise_jsonata_syntax_error(text: str) -> None:
    with pytest.raises(JsonataSyntaxError) as caught:
        compile_expression(text)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value)


# --- values: undefined, null, numbers ----------------------------------------------------------------


def test_undefined_is_distinct_from_null() -> None:
    assert evaluate("{% $states.input.absent %}", {"present": None}) is UNDEFINED
    assert evaluate("{% $states.input.present %}", {"present": None}) is None
    assert evaluate("{% null %}") is None


def test_undefined_sentinel_survives_copy_and_pickle() -> None:
    assert copy.deepcopy(UNDEFINED) is UNDEFINED
    assert pickle.loads(pickle.dumps(UNDEFINED)) is UNDEFINED
    assert not UNDEFINED
    assert repr(UNDEFINED) == "UNDEFINED"


def test_integers_stay_integers_and_fractions_stay_floats() -> None:
    result = evaluate("{% $states.input.a + 1 %}", {"a": 1})
    assert result == 2 and type(result) is int
    assert evaluate("{% $sum($states.input) %}", [1, 2, 3]) == 6
    assert type(evaluate("{% $sum($states.input) %}", [1, 2, 3])) is int
    assert evaluate("{% 0.1 + 0.2 %}") == pytest.approx(0.3)
    assert evaluate("{% $states.input %}", {"f": 0.1}) == {"f": 0.1}


def test_integers_past_64_bits_become_doubles_instead_of_failing() -> None:
    assert evaluate("{% $x %}", x=10**20) == 1e20


@pytest.mark.parametrize(("text", "expected"), [("{% 1/0 %}", "Infinity"), ("{% -1/0 %}", "-Infinity")])
def test_non_finite_numbers_are_named_as_aws_writes_them(text: str, expected: str) -> None:
    assert evaluate(text) == expected


def test_top_level_dollar_is_not_the_state_input() -> None:
    assert evaluate("{% $exists($) %}", {"a": 1}) is False


# Recorded: TestArgumentsBase::test_base_cases[BASE_EXPR], evaluated standalone.
def test_states_input_context_and_variables_are_bound() -> None:
    state_input = {"input_value": "string literal", "input_values": [1, 2, 3]}
    template = {
        "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
        "ja_states_input": "{% $states.input %}",
        "ja_states_context": "{% $states.context %}",
        "ja_var_access": "{% $var_input_value %}",
    }
    variables = {"var_constant_1": 1, "var_input_value": "string literal"}
    result = evaluate_template(template, bindings(state_input, **variables), random.Random(0), "Output")
    assert result == {
        "ja_expr": 7,
        "ja_states_input": state_input,
        "ja_states_context": {"Execution": {"Id": "arn"}},
        "ja_var_access": "string literal",
    }


# Recorded: test_base_jsonata_regular_expressions and test_escape_sequence_parsing.
@pytest.mark.parametrize(
    ("text", "state_input", "expected"),
    [
        ('{% $contains("hello$world", /^hello\\$/) %}', {}, True),
        ('{% $contains("hello$world", /^hello\\ /) %}', {}, False),
        ("{% $contains('hello$world', /^hello\\$/) %}", {}, True),
        ("{% $states.input = '\"' %}", '"', True),
        ("{% $states.input.type = 'Public' %}", {"type": "Public", "value": 22}, True),
        ("{% $not($states.input.result.done) %}", {"result": {"done": True}}, False),
    ],
)
def test_recorded_expressions(text: str, state_input: Any, expected: Any) -> None:
    assert evaluate(text, state_input) == expected


# --- templates ---------------------------------------------------------------------------------------


# Recorded: TestArgumentsBase::test_base_output_any_non_dict[LIST_RICH] and [BASE_LITERALS].
def test_template_replaces_expressions_at_any_depth_and_keeps_literals() -> None:
    template = [
        None,
        0,
        0.1,
        True,
        "string",
        [],
        "$nosuchvar",
        "$.no.such.path",
        "{% $states.input %}",
        {"key": "{% true %}", " {% states.input %} ": " {% states.input %} "},
    ]
    state_input = {"input_value": "stringliteral"}
    result = evaluate_template(template, bindings(state_input), random.Random(0), "Output")
    assert result == [
        None,
        0,
        0.1,
        True,
        "string",
        [],
        "$nosuchvar",
        "$.no.such.path",
        state_input,
        {"key": True, " {% states.input %} ": " {% states.input %} "},
    ]


def test_template_does_not_mutate_the_definition() -> None:
    template = {"a": ["{% 1 %}"]}
    evaluate_template(template, bindings(), random.Random(0), "Output")
    assert template == {"a": ["{% 1 %}"]}


def test_top_level_undefined_is_returned_to_the_caller() -> None:
    assert evaluate_template("{% $states.input.x %}", bindings({}), random.Random(0), "Output") is UNDEFINED


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ({"v": "{% $states.input.absent %}"}, "Output/v"),
        ({"a": {"b": ["{% 1 %}", "{% $states.input.absent %}"]}}, "Output/a/b[1]"),
        (["{% $states.input.absent %}"], "Output[0]"),
    ],
)
def test_nested_undefined_fails_naming_the_field(template: Any, field: str) -> None:
    with pytest.raises(StatesError) as caught:
        evaluate_template(template, bindings({}), random.Random(0), "Output")
    assert caught.value.error == QUERY_EVALUATION_ERROR
    assert caught.value.cause == (
        f"The JSONata expression '$states.input.absent' specified for the field '{field}' "
        "returned nothing (undefined)."
    )


def test_nested_null_is_kept() -> None:
    template = {"v": "{% $states.input.bar %}", "w": ["{% null %}"]}
    assert evaluate_template(template, bindings({"bar": None}), random.Random(0), "Output") == {
        "v": None,
        "w": [None],
    }


# --- errors ------------------------------------------------------------------------------------------


# Recorded: TestMathOperationsJSONata::test_math_random_seeded (AWS has no $randomSeeded).
def test_calling_an_unknown_function_is_aws_t1006() -> None:
    cause = cause_of(
        "{% $randomSeeded($states.input.FunctionInput.fst) %}",
        {"FunctionInput": "fst"},
        field="Output/FunctionResult",
    )
    assert cause == (
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field "
        "'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )


def test_eval_is_unavailable() -> None:
    assert cause_of("{% $eval('1 + 1') %}").endswith("T1006: Attempted to invoke a non-function")


def test_library_errors_keep_their_code() -> None:
    assert cause_of("{% 'a' + 1 %}").endswith(
        "threw an error during evaluation. T2001: The left side of the + operator must evaluate to a number"
    )


def test_infinite_loops_are_stopped() -> None:
    assert "D1012" in cause_of("{% ($f := function(){$f()}; $f()) %}")


# Recorded: test_map_state_items_eval_jsonata_fail[function].
def test_a_function_result_is_an_unsupported_result_type() -> None:
    assert cause_of("{% $fn := function($x){$x} %}", field="Items") == (
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' "
        "returned an unsupported result type."
    )


# Recorded: test_map_state_items_eval_jsonata_fail[*] and test_map_state_items_variable_sampling[*].
@pytest.mark.parametrize(
    ("text", "variables", "message"),
    [
        ("{% 1 %}", {}, "Expected 'array', but was 'number' for value: 1"),
        ("{% 'string' %}", {}, "Expected 'array', but was 'string' for value: \"string\""),
        ("{% true %}", {}, "Expected 'array', but was 'boolean' for value: true"),
        ("{% {'foo': 'bar'} %}", {}, "Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"),
        ("{% null %}", {}, "Expected 'array', but was 'null' for value: null"),
        (
            "{% $ItemsVar %}",
            {"ItemsVar": {"foo": "bar"}},
            "Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}",
        ),
    ],
)
def test_expect_type_reports_the_recorded_cause(text: str, variables: dict[str, Any], message: str) -> None:
    expression = compile_expression(text)
    value = expression.evaluate(bindings({}, **variables), random.Random(0), "Items")
    with pytest.raises(StatesError) as caught:
        expect_type(value, "array", expression.source, "Items")
    assert caught.value.error == QUERY_EVALUATION_ERROR
    assert caught.value.cause == (
        f"The JSONata expression '{expression.source}' specified for the field 'Items' "
        f"returned an unexpected result type. {message}"
    )


def test_expect_type_passes_matching_values_through() -> None:
    assert expect_type([1, "two", 3], "array", "[1, 'two', 3]", "Items") == [1, "two", 3]
    assert expect_type(3, "integer", "3", "MaxConcurrency") == 3
    with pytest.raises(StatesError):
        expect_type(True, "integer", "true", "MaxConcurrency")
    with pytest.raises(StatesError) as caught:
        expect_type(UNDEFINED, "array", "$x", "Items")
    assert caught.value.cause == undefined_error("$x", "Items").cause


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (1, "number"),
        (1.5, "number"),
        ("s", "string"),
        ([], "array"),
        ({}, "object"),
    ],
)
def test_json_type_name(value: Any, name: str) -> None:
    assert json_type_name(value) == name


# --- AWS's functions ---------------------------------------------------------------------------------

PARTITION = "{% $partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd) %}"


# Recorded: TestArrayJSONata::test_array_partition, all twenty cases.
@pytest.mark.parametrize("length", [1, 2, 3, 4])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_partition(length: int, size: int) -> None:
    items = list(range(length))
    expected = [items[i : i + size] for i in range(0, length, size)]
    assert evaluate(PARTITION, {"FunctionInput": {"fst": items, "snd": size}}) == expected


def test_partition_edge_cases() -> None:
    assert evaluate("{% $partition([1, 2, 3], 2.9) %}") == [[1, 2], [3]]
    assert evaluate("{% $partition([], 2) %}") is UNDEFINED
    assert evaluate("{% $partition([1], 0) %}") is UNDEFINED
    assert "T0410" in cause_of("{% $partition('abc', 2) %}")


RANGE = "{% $range($states.input.f.fst, $states.input.f.snd, $states.input.f.trd) %}"


# Recorded: TestArrayJSONata::test_array_range.
@pytest.mark.parametrize(
    ("args", "expected"),
    [((0, 9, 3), [0, 3, 6, 9]), ((0, 10, 3), [0, 3, 6, 9]), ((1, 9, 9), 1), ((1, 9, 2), [1, 3, 5, 7, 9])],
)
def test_range(args: tuple[int, int, int], expected: Any) -> None:
    fst, snd, trd = args
    assert evaluate(RANGE, {"f": {"fst": fst, "snd": snd, "trd": trd}}) == expected


def test_range_edge_cases() -> None:
    assert evaluate("{% $range(10, 0, -5) %}") == [10, 5, 0]
    assert evaluate("{% $range(-1.7, 2, 1) %}") == [-1, 0, 1, 2]
    assert evaluate("{% $range(0, 10) %}") is UNDEFINED
    assert evaluate("{% $range(0, 10, -1) %}") is UNDEFINED
    assert evaluate("{% $range(0, 10, 0) %}") is UNDEFINED
    assert "memory limit" in cause_of("{% $range(1, 1000000, 1) %}")


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"])
def test_hash(algorithm: str) -> None:
    digest = hashlib.new(algorithm.replace("-", "").lower(), b"input data").hexdigest()
    assert evaluate(f"{{% $hash('input data', '{algorithm}') %}}") == digest


def test_hash_edge_cases() -> None:
    assert evaluate("{% $hash('x') %}") is UNDEFINED
    assert "not supported" in cause_of("{% $hash('x', 'sha-256') %}")


# Recorded: TestJsonManipulationJSONata::test_parse.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-0", 0),
        ("1", 1),
        ("1.1", 1.1),
        ("true", True),
        ('"HelloWorld"', "HelloWorld"),
        ('[1, 2, "HelloWorld"]', [1, 2, "HelloWorld"]),
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
        ("null", None),
    ],
)
def test_parse(text: str, expected: Any) -> None:
    result = evaluate("{% $parse($states.input.FunctionInput) %}", {"FunctionInput": text})
    assert result == expected and type(result) is type(expected)


def test_parse_rejects_bad_json() -> None:
    assert "not valid JSON" in cause_of("{% $parse('{') %}")


def test_random_seeded_is_the_same_everywhere() -> None:
    first = compile_expression("{% $random(42) %}").evaluate(bindings(), random.Random(1), "Output")
    second = compile_expression("{% $random(42) %}").evaluate(bindings(), random.Random(2), "Output")
    assert first == second and 0 <= first < 1
    assert evaluate("{% $random(1) %}") != evaluate("{% $random(2) %}")


def test_random_and_uuid_unseeded_come_from_the_injected_rng() -> None:
    expression = compile_expression("{% [$random(), $uuid()] %}")
    one = expression.evaluate(bindings(), random.Random(5), "Output")
    two = expression.evaluate(bindings(), random.Random(5), "Output")
    other = expression.evaluate(bindings(), random.Random(6), "Output")
    assert one == two != other
    assert 0 <= one[0] < 1
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", one[1])


def test_user_bindings_may_shadow_aws_function_names() -> None:
    assert evaluate("{% ($range := function($a){$a * 2}; $range(4)) %}") == 8


# --- determinism -------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)

EXPRESSIONS = [
    "{% $states.input %}",
    "{% $type($states.input) %}",
    "{% $string($states.input) %}",
    "{% [$random(), $uuid(), $states.input] %}",
    "{% $count($states.input) %}",
    "{% $exists($states.input) ? $random(7) : $uuid() %}",
    "{% {'in': $states.input, 'v': $v} %}",
]


@settings(max_examples=60, deadline=None)
@given(state_input=json_values, variable=json_values, seed=st.integers(0, 2**32), index=st.integers(0, 6))
def test_same_expression_same_bindings_same_seed_same_result(
    state_input: Any, variable: Any, seed: int, index: int
) -> None:
    expression = compile_expression(EXPRESSIONS[index])
    first = expression.evaluate(bindings(state_input, v=variable), random.Random(seed), "Output")
    second = expression.evaluate(bindings(state_input, v=variable), random.Random(seed), "Output")
    assert first == second or (first is UNDEFINED and second is UNDEFINED)


# --- any thread may evaluate: jsonatapy's one-thread rule stays inside asl.jsonata ---------------


def _on_a_thread(work: Any) -> Any:
    """Run `work` on a new thread; return its result or raise what it raised."""
    answer: list[Any] = []

    def run() -> None:
        try:
            answer.append(("ok", work()))
        except BaseException as error:  # noqa: BLE001 - carried to the test's thread; pyo3 panics included
            answer.append(("error", error))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    kind, value = answer[0]
    if kind == "error":
        raise value
    return value


def test_an_expression_compiled_on_one_thread_evaluates_on_another() -> None:
    expression = compile_expression("{% $x + 1 %}")
    assert _on_a_thread(lambda: expression.evaluate({"x": 1}, random.Random(0))) == 2
    assert expression.evaluate({"x": 2}, random.Random(0)) == 3


def test_an_expression_made_on_an_ended_thread_is_usable_and_released_here() -> None:
    made = _on_a_thread(lambda: compile_expression("{% $x * 3 %}"))
    assert made.evaluate({"x": 2}, random.Random(0)) == 6
    del made  # holding no library object, it is released here without a cross-thread drop
    gc.collect()


def test_many_threads_evaluate_one_expression_at_once() -> None:
    expression = compile_expression("{% $sum($map([1..$n], function($v){ $v * 2 })) %}")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: expression.evaluate({"n": n}, random.Random(0)), range(1, 65)))
    assert results == [n * (n + 1) for n in range(1, 65)]


# --- guardrails: heavy work is refused before it is done ------------------------------------


def test_a_sequence_past_the_limit_is_never_built() -> None:
    from statewright.asl.jsonata import MAX_SEQUENCE_LENGTH

    assert "D2015" in cause_of(f"{{% $count([1..{MAX_SEQUENCE_LENGTH + 1}]) %}}")
    assert "D2015" in cause_of("{% $count([1..10000000]) %}")
    assert evaluate("{% $count([1..100000]) %}") == 100_000


@pytest.mark.parametrize("text", ["{% [1..1000000] %}", "{% $pad('', 300000) %}",
                                  "{% $merge([1..30000].{$string($): $}) %}"])
def test_a_result_larger_than_a_payload_fails_before_it_is_converted(text: str) -> None:
    with pytest.raises(StatesError) as caught:
        evaluate(text, field="Items")
    assert caught.value.error == "States.DataLimitExceeded"
    assert "specified for the field 'Items'" in (caught.value.cause or "")


def test_results_up_to_a_payload_are_returned_whole() -> None:
    assert len(evaluate("{% [1..131071].(0) %}")) == 131_071  # 262,143 characters of JSON
    assert len(evaluate("{% $pad('', 262144) %}")) == 262_144


def test_only_the_bindings_an_expression_names_are_handed_to_the_library() -> None:
    # A value the library cannot convert shows whether a binding was handed over at all.
    unconvertible = object()
    states = {"input": unconvertible, "context": {"Map": {"Item": {"Value": 3}}}}
    rng = random.Random(1)
    expression = compile_expression("{% $states.context.Map.Item.Value + $n %}")
    assert expression.evaluate({"states": states, "n": 1, "other": unconvertible}, rng, "ItemSelector") == 4
    with pytest.raises(Exception):  # noqa: B017 - whichever error the library raises for it
        compile_expression("{% $states.input %}").evaluate({"states": states}, rng, "Output")
    whole = compile_expression("{% $keys($states) %}").evaluate({"states": {"input": 1, "context": {}}}, rng, "Output")
    assert sorted(whole) == ["context", "input"]


def test_jsonata_regular_expressions_do_not_backtrack() -> None:
    # jsonatapy's regular expressions are linear-time too; a backtracking engine takes ~2^40 steps here.
    assert evaluate("{% $contains($states.input, /(a+)+$/) %}", "a" * 40 + "!") is False
