"""The 18 intrinsic functions: results, AWS's argument rules, and the recorded AWS cases."""

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from statewright.asl.errors import StatesError
from statewright.asl.intrinsics import FAILURE_ERROR, evaluate, parse
from statewright.asl.paths import PathNotFound, compile_path, set_path

CASES = Path(__file__).parents[3].parent / "shared/conformance/cases.jsonl"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def resolver(data: Any, context: Any = None, variables: dict[str, Any] | None = None):
    def resolve(text: str) -> Any:
        path = compile_path(text)
        if path.root == "$$":
            doc = context
        elif path.variable is not None:
            doc = (variables or {})[path.variable]
        else:
            doc = data
        return path.get(doc)

    return resolve


def run(text: str, data: Any = None, seed: int = 7, **kw: Any) -> Any:
    return evaluate(parse(text), resolver(data, **kw), random.Random(seed))


def fails(text: str, data: Any = None) -> StatesError:
    with pytest.raises(StatesError) as info:
        run(text, data)
    return info.value


# --- States.Format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("", ""), ("x", "x"), (None, "null"), (1, "1"), (1.1, "1.1"), (True, "true"),
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"), ([1, "a", None], "[1, a, null]"),
    ],
)
def test_format_renders_each_json_type(value, text):
    assert run("States.Format('<{}>', $.v)", {"v": value}) == f"<{text}>"


def test_format_escaped_braces_and_quotes_are_literal():
    assert run(r"States.Format('\{\} \'{}\' \\', 'a')") == "{} 'a' \\"


def test_format_template_from_a_path():
    assert run("States.Format($.t, $.n)", {"t": "Hello {}", "n": "Ada"}) == "Hello Ada"


@pytest.mark.parametrize(
    "text",
    [
        "States.Format('{} {}', 'a')",
        "States.Format('{}', 'a', 'b')",
        "States.Format('Hello {', 'a')",
        "States.Format('}')",
        "States.Format('Hello {{}}', 'a')",
        "States.Format(1)",
        "States.Format()",
    ],
)
def test_format_rejects_bad_templates_and_counts(text):
    err = fails(text)
    assert (err.error, err.cause) == (FAILURE_ERROR, "Invalid arguments in States.Format")


# --- JSON ------------------------------------------------------------------------------------


def test_string_to_json_keeps_int_and_float_apart():
    assert run("States.StringToJson($.s)", {"s": '{"a": 1, "b": 1.0, "c": [null]}'}) == {
        "a": 1, "b": 1.0, "c": [None]}
    assert isinstance(run("States.StringToJson('1.0')"), float)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No JSON value at all: the Java reader gives none, and AWS returns null.
        ("", None), (" ", None), ("\t\n\r ", None), (None, None),
        # JSON scalars, each kept as its own type.
        ("null", None), ("-0", 0), ("0", 0), ("1", 1), ("-1.5", -1.5), ("1e2", 100.0), ("true", True),
        ("false", False), ('"HelloWorld"', "HelloWorld"), ('""', ""), (' "padded" ', "padded"),
        # Containers, and escapes inside them at every depth.
        ("[1, 2, \"HelloWorld\"]", [1, 2, "HelloWorld"]), ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
        ('"a\\"b"', 'a"b'), ('{"s": "{\\"in\\": \\"\\\\u00e9\\"}"}', {"s": '{"in": "\\u00e9"}'}),
        ('["\\u00e9\\n\\t\\/"]', ["é\n\t/"]),
    ],
)
def test_string_to_json_over_its_input_space(text, expected):
    result = run("States.StringToJson($.s)", {"s": text})
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("text", ["{", "NaN", "Infinity", "'a'", "[1,]", "\u00a0", "{\"a\" 1}", "nul", "1 2"])
def test_string_to_json_rejects_text_that_is_not_json(text):
    assert fails("States.StringToJson($.s)", {"s": text}).cause == "Invalid arguments in States.StringToJson"


@pytest.mark.parametrize("text", ["States.StringToJson(1)", "States.StringToJson($.o)", "States.StringToJson($.a)",
                                  "States.StringToJson(true)", "States.StringToJson('a', 'b')",
                                  "States.StringToJson()"])
def test_string_to_json_rejects_arguments_that_are_not_text(text):
    assert fails(text, {"o": {}, "a": []}).cause == "Invalid arguments in States.StringToJson"


@pytest.mark.parametrize(
    "value", [None, 0, -0.0, 1.5, True, "", " ", 'q"uote\\', "é\u2028", [], {}, {"a": {"b": ['x"y', None]}}],
)
def test_json_to_string_then_string_to_json_round_trips(value):
    assert run("States.StringToJson(States.JsonToString($.v))", {"v": value}) == value


def test_json_to_string_is_compact_and_keeps_unicode():
    assert run("States.JsonToString($.o)", {"o": {"a": [1, 2.5, "é"]}}) == '{"a":[1,2.5,"é"]}'


def test_json_merge_is_shallow():
    merged = run("States.JsonMerge($.a, $.b, false)", {"a": {"x": {"p": 1}, "y": 1}, "b": {"x": {"q": 2}}})
    assert merged == {"x": {"q": 2}, "y": 1}


@pytest.mark.parametrize("text", ["States.JsonMerge($.a, $.b, true)", "States.JsonMerge($.a, 1, false)",
                                  "States.JsonMerge($.a, $.b)", "States.JsonMerge($.a, $.b, 0)"])
def test_json_merge_rejects(text):
    assert fails(text, {"a": {}, "b": {}}).cause == "Invalid arguments in States.JsonMerge"


# --- arrays ----------------------------------------------------------------------------------


def test_array_collects_any_arguments():
    assert run("States.Array()") == []
    assert run("States.Array('a', 1, $.o, States.Array())", {"o": {"k": None}}) == ["a", 1, {"k": None}, []]


def test_array_partition_rounds_chunk_size():
    assert run("States.ArrayPartition($.a, 2.5)", {"a": [1, 2, 3, 4, 5]}) == [[1, 2, 3], [4, 5]]
    assert run("States.ArrayPartition($.a, 2.49)", {"a": [1, 2, 3, 4, 5]}) == [[1, 2], [3, 4], [5]]


@pytest.mark.parametrize("size", ["0", "0.49", "-1", "'2'", "true"])
def test_array_partition_rejects_non_positive_sizes(size):
    assert fails(f"States.ArrayPartition($.a, {size})", {"a": [1]}).cause == (
        "Invalid arguments in States.ArrayPartition")


def test_array_contains_uses_json_equality():
    data = {"a": [1, {"x": [1]}, "s", True]}
    assert run("States.ArrayContains($.a, $.v)", {**data, "v": {"x": [1]}}) is True
    assert run("States.ArrayContains($.a, 's')", data) is True
    assert run("States.ArrayContains($.a, 2)", data) is False
    assert run("States.ArrayContains($.a, States.Array())", data) is False
    assert fails("States.ArrayContains('a', 'a')").cause == "Invalid arguments in States.ArrayContains"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("1, 9, 2", [1, 3, 5, 7, 9]), ("0, 10, 3", [0, 3, 6, 9]), ("5, 1, -2", [5, 3, 1]),
        ("3, 3, -1", [3]), ("5, 1, 1", []), ("1, 5, -1", []), ("1.6, 1.4, 1", []),
        ("1.4, 1.6, 1", [1, 2]), ("5.4, -0.6, -2.4", [5, 3, 1, -1]), ("-2.5, 0.5, 1.5", [-3, -1, 1]),
    ],
)
def test_array_range(args, expected):
    assert run(f"States.ArrayRange({args})") == expected


def test_array_range_limit_is_1000_items():
    assert len(run("States.ArrayRange(1, 1000, 1)")) == 1000
    assert len(run("States.ArrayRange(1000, 1, -1)")) == 1000
    for args in ("1, 1001, 1", "1001, 1, -1", "1, 10, 0", "1, 10, 0.49", "'a', 5, 1", "1, 5"):
        assert fails(f"States.ArrayRange({args})").cause == "Invalid arguments in States.ArrayRange"


def test_array_get_item():
    data = {"a": [10, 20, 30], "e": []}
    assert run("States.ArrayGetItem($.a, 1)", data) == 20
    assert run("States.ArrayGetItem($.a, 1.2)", data) == 20
    assert run("States.ArrayGetItem($.a, 1.5)", data) == 30
    assert fails("States.ArrayGetItem($.a, -0.5)", data).cause == "Invalid arguments in States.ArrayGetItem"
    # Recorded AWS behaviour: an empty array gives null rather than failing.
    assert run("States.ArrayGetItem($.e, 999)", data) is None
    for args in ("$.a, 3", "$.a, -1", "$.a, '1'", "'x', 0", "$.a"):
        assert fails(f"States.ArrayGetItem({args})", data).cause == "Invalid arguments in States.ArrayGetItem"


def test_array_length_and_unique():
    data = {"a": [1, 2, 2, 1.0, True, {"k": 1}, {"k": 1}, None, None]}
    assert run("States.ArrayLength($.a)", data) == 9
    assert run("States.ArrayUnique($.a)", data) == [1, 2, 1.0, True, {"k": 1}, None]
    assert fails("States.ArrayLength('abc')").cause == "Invalid arguments in States.ArrayLength"
    assert fails("States.ArrayUnique($.o)", {"o": {}}).cause == "Invalid arguments in States.ArrayUnique"


# --- encoding and hashing --------------------------------------------------------------------


def test_base64_round_trip_and_unicode():
    assert run("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU="
    assert run("States.Base64Decode('4pyT')") == "✓"
    assert run("States.Base64Decode(States.Base64Encode($.s))", {"s": "こんにちは"}) == "こんにちは"


def test_base64_decode_is_lenient_like_aws():
    assert run("States.Base64Decode(' YWJjZA== ')") == "abcd"
    assert run("States.Base64Decode('YWJjZA')") == "abcd"
    assert run("States.Base64Decode('ab==cd')") == "i"
    assert isinstance(run("States.Base64Decode('!!!invalid!!!')"), str)


def test_base64_limits_and_types():
    assert len(run("States.Base64Encode($.s)", {"s": "a" * 10_000})) > 10_000
    for text in ("States.Base64Encode($.s)", "States.Base64Decode($.s)"):
        name = text.split("(")[0]
        assert fails(text, {"s": "A" * 10_001}).cause == f"Invalid arguments in {name}"
        assert fails(text, {"s": 1}).cause == f"Invalid arguments in {name}"


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "5d41402abc4b2a76b9719d911017c592"),
        ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
        ("SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        ("SHA-384", "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90"
                    "125a3c79f90397bdf5f6a13de828684f"),
        ("SHA-512", "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                    "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"),
    ],
)
def test_hash_algorithms(algorithm, digest):
    assert run(f"States.Hash('hello', '{algorithm}')") == digest


def test_hash_rules():
    assert len(run("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64
    assert len(run("States.Hash(123, 'MD5')")) == 32  # AWS hashes numbers by their text
    for args in ("$.long, 'SHA-256'", "'x', 'sha-256'", "'x', 'SHA256'", "'x', 123", "'x'", "'x', 'MD5', 1"):
        assert fails(f"States.Hash({args})", {"long": "a" * 10_001}).cause == "Invalid arguments in States.Hash"


# --- math, strings, identifiers --------------------------------------------------------------


def test_math_add():
    assert run("States.MathAdd(1, -2)") == -1
    assert run("States.MathAdd($.a, 1.9)", {"a": 2}) == 4
    for args in ("1, 'a'", "1", "1, true", "2147483648, 0", "1, null"):
        assert fails(f"States.MathAdd({args})").cause == "Invalid arguments in States.MathAdd"


def test_math_random_uses_the_injected_rng():
    values = {run("States.MathRandom(1, 5)", seed=s) for s in range(50)}
    assert values == {1, 2, 3, 4}
    assert run("States.MathRandom(1, 1000)", seed=3) == run("States.MathRandom(1, 1000)", seed=3)


def test_math_random_seed_is_repeatable_and_leaves_the_rng_alone():
    rng = random.Random(1)
    call = parse("States.Array(States.MathRandom(1, 100, 42), States.MathRandom(1, 100, 42))")
    first, second = evaluate(call, resolver(None), rng)
    assert first == second
    assert rng.random() == random.Random(1).random()


def test_math_random_rejects():
    for args in ("1, 1", "10, 5", "1.5, 1.6", "'a', 10", "1, 10, 'seed'", "1, 10, null", "1", "1, 2, 3, 4"):
        assert fails(f"States.MathRandom({args})").cause == "Invalid arguments in States.MathRandom"


@pytest.mark.parametrize(
    ("text", "delimiter", "expected"),
    [
        ("1,2,3", ",", ["1", "2", "3"]),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("a,,b,", ",", ["a", "b"]),
        ("", ",", []),
        ("abc", "", ["abc"]),
    ],
)
def test_string_split(text, delimiter, expected):
    assert run("States.StringSplit($.s, $.d)", {"s": text, "d": delimiter}) == expected


def test_string_split_rejects_non_strings():
    assert fails("States.StringSplit(1, ',')").cause == "Invalid arguments in States.StringSplit"


def test_uuid_is_a_v4_uuid_drawn_from_the_rng():
    value = run("States.UUID()", seed=5)
    assert UUID4.match(value)
    assert value == run("States.UUID()", seed=5)
    assert value != run("States.UUID()", seed=6)
    assert fails("States.UUID(1)").cause == "Invalid arguments in States.UUID"


def test_paths_to_context_and_variables():
    context = {"StateMachine": {"Name": "sm-one-two"}}
    text = ("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
            "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))")
    assert run(text, {}, context=context) == "two"
    assert run("States.MathAdd($x, $y.z)", {}, variables={"x": 1, "y": {"z": 2}}) == 3


def test_resolver_errors_propagate():
    with pytest.raises(PathNotFound):
        run("States.ArrayLength($.missing)", {})


# --- recorded AWS behaviour ------------------------------------------------------------------


def _intrinsic_cases() -> list[Any]:
    if not CASES.exists():
        return []
    cases = []
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        if "intrinsic_functions" not in case["test_id"] or case.get("kind") != "execution":
            continue
        states = list(case["definition"]["States"].values())
        if len(states) == 1 and states[0].get("Type") == "Pass" and "Parameters" in states[0]:
            cases.append(pytest.param(case, id=case["test_id"].split("::")[-1]))
    return cases


def _pass_state(state: dict[str, Any], data: Any, context: Any) -> Any:
    resolve = resolver(data, context)
    result: dict[str, Any] = {}
    for key, value in state["Parameters"].items():
        if key.endswith(".$"):
            value = run_parsed(value, resolve) if value.startswith("States.") else resolve(value)
            key = key[:-2]
        result[key] = value
    if "ResultPath" in state:
        result = set_path(data, compile_path(state["ResultPath"]), result)
    if "OutputPath" in state:
        result = compile_path(state["OutputPath"]).get(result)
    return result


def run_parsed(text: str, resolve: Any) -> Any:
    return evaluate(parse(text), resolve, random.Random(0))


@pytest.mark.parametrize("case", _intrinsic_cases())
def test_recorded_aws_case(case):
    expected = case["expected"]
    assert expected["status"] == "SUCCEEDED"
    data = case["input"]
    context = {"StateMachine": {"Name": "<ArnPart_0idx>"}, "Execution": {"Input": data}}
    state = next(iter(case["definition"]["States"].values()))
    output = _pass_state(state, data, context)
    if expected["output"] == {"FunctionResult": "generated-uuid"}:
        assert UUID4.match(output["FunctionResult"])
        return
    # json text comparison so that 1 and 1.0 (or 1 and true) must match exactly
    assert json.dumps(output, sort_keys=True) == json.dumps(expected["output"], sort_keys=True)


def test_recorded_cases_are_found():
    if not CASES.exists():
        pytest.skip("conformance cases not present")
    assert len(_intrinsic_cases()) >= 60


# --- the one numeric rule: the nearest integer, halves away from zero (Java's HALF_UP) ----------

# value -> its HALF_UP rounding, the rule every integer argument follows (numbers.java_round,
# tested over its whole range in tests/asl/test_numbers.py). AWS's MathAdd(-2.5, 0) is not -2.
JAVA_ROUND = [
    (0.0, 0), (-0.0, 0), (0.49, 0), (0.5, 1), (0.51, 1), (1.49, 1), (1.5, 2), (2.5, 3), (3.5, 4),
    (-0.49, 0), (-0.5, -1), (-0.51, -1), (-1.49, -1), (-1.5, -2), (-1.51, -2), (-2.5, -3), (-3.5, -4),
]


@pytest.mark.parametrize(("value", "expected"), JAVA_ROUND)
def test_every_integer_argument_takes_fractions_by_java_round(value, expected):
    data = {"v": value, "a": list(range(-5, 100))}
    assert run("States.MathAdd($.v, 0)", data) == expected
    assert run("States.MathAdd(0, $.v)", data) == expected
    assert run("States.MathAdd($.v, $.v)", data) == 2 * expected
    assert run("States.ArrayRange($.v, $.v, 1)", data) == [expected]
    assert run("States.ArrayGetItem($.a, States.MathAdd($.v, 5))", data) == expected
    if expected > 0:
        assert len(run("States.ArrayPartition($.a, $.v)", data)[0]) == expected
    else:
        assert fails("States.ArrayPartition($.a, $.v)", data).cause == "Invalid arguments in States.ArrayPartition"
    assert run("States.MathRandom($.v, States.MathAdd($.v, 1))", data) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1.49, 1.5, 3), (1.5, 1.51, 4), (-1.49, -1.5, -3), (-1.5, -1.51, -4), (1.49, -1.49, 0),
        (-0.5, 0.5, 0), (-2.5, 0, -3), (2.5, 0, 3), (-9, 3, -6), (2147483647, 0, 2147483647),
        (-2147483648, 0, -2147483648), (2147483646.5, 0, 2147483647), (-2147483647.5, 0, -2147483648),
    ],
)
def test_math_add_rounds_each_argument(a, b, expected):
    assert run("States.MathAdd($.a, $.b)", {"a": a, "b": b}) == expected


@pytest.mark.parametrize(
    "value", ["2147483647.5", "2147483648", "-2147483649", "-2147483648.51", "1e300", "'1'", "null", "true",
              "$.missing_array"],
)
def test_math_add_rejects_what_is_no_java_int(value):
    data = {"missing_array": []}
    assert fails(f"States.MathAdd({value}, 0)", data).cause == "Invalid arguments in States.MathAdd"
