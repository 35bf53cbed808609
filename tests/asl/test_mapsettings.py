"""asl.mapsettings: a Map's numeric settings over their whole input space, and batching."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.asl.errors import StatesError
from statewright.asl.mapsettings import batch, check_range, from_jsonata, from_path
from statewright.integrations.runner import run

INTEGER_FIELDS = ["MaxConcurrency", "ToleratedFailureCount", "MaxItemsPerBatch", "MaxInputBytesPerBatch"]
PCT = "ToleratedFailurePercentage"

# Values that are no integer, each shown in the cause the way AWS (Java) prints it.
NOT_INTEGERS = [
    ({}, "{}"), ([], "[]"), ("NoNumber", "NoNumber"), ("", ""), (" 1", " 1"), ("1.0", "1.0"), ("1e2", "1e2"),
    (1.5, "1.5"), (-0.5, "-0.5"), (1.0, "1.0"), (1e20, "1.0E20"), (2**31, "2147483648"), (-(2**31) - 1, "-2147483649"),
    (None, "null"), (True, "true"), ({"a": [1, "x"]}, '{"a":[1,"x"]}'), ("2147483648", "2147483648"),
]
NOT_FLOATS = [({}, "{}"), ([], "[]"), ("NoNumber", "NoNumber"), ("", ""), (None, "null"), (True, "true"),
              ("NaN", "NaN"), ("Infinity", "Infinity"), ("1,5", "1,5")]


def _cause(call: Any, *args: Any) -> tuple[str, str | None]:
    with pytest.raises(StatesError) as info:
        call(*args)
    return info.value.error, info.value.cause


@pytest.mark.parametrize("field", INTEGER_FIELDS)
@pytest.mark.parametrize(("value", "shown"), NOT_INTEGERS)
def test_integer_settings_refuse_what_is_no_java_int(field: str, value: Any, shown: str) -> None:
    assert _cause(from_path, field, "$.v", value) == (
        "States.Runtime", f'The {field}Path field refers to value "{shown}" which is not a valid integer: $.v')


@pytest.mark.parametrize(("value", "number"), [(0, 0), (1, 1), ("7", 7), ("+7", 7), ("-0", 0), ("007", 7),
                                               (2**31 - 1, 2**31 - 1), ("2147483647", 2**31 - 1)])
def test_integer_settings_take_ints_and_int_strings(value: Any, number: int) -> None:
    assert from_path("MaxConcurrency", "$.v", value) == number
    assert from_path("ToleratedFailureCount", "$.v", value) == number


@pytest.mark.parametrize(("field", "value", "cause"), [
    ("MaxConcurrency", -1, "Expected non-negative integer for MaxConcurrency, got '-1' instead."),
    ("MaxConcurrency", "-5", "Expected non-negative integer for MaxConcurrency, got '-5' instead."),
    ("ToleratedFailureCount", -1, "ToleratedFailureCount cannot be negative."),
    ("ToleratedFailureCount", -(2**31), "ToleratedFailureCount cannot be negative."),
    ("MaxItemsPerBatch", 0, "Expected positive integer for MaxItemsPerBatch, got '0' instead."),
    ("MaxInputBytesPerBatch", -3, "Expected positive integer for MaxInputBytesPerBatch, got '-3' instead."),
])
def test_integer_settings_out_of_range(field: str, value: Any, cause: str) -> None:
    assert _cause(from_path, field, "$.v", value) == ("States.Runtime", cause)


@pytest.mark.parametrize(("value", "shown"), NOT_FLOATS)
def test_percentage_refuses_what_is_no_double(value: Any, shown: str) -> None:
    assert _cause(from_path, PCT, "$.p", value) == (
        "States.Runtime", f'The {PCT}Path field refers to value "{shown}" which is not a valid float: $.p')


@pytest.mark.parametrize(("value", "number"), [
    (0, 0.0), (100, 100.0), (0.5, 0.5), (99.99, 99.99), ("50", 50.0), ("12.5", 12.5), (" 1e1 ", 10.0), ("5d", 5.0),
])
def test_percentage_takes_numbers_and_number_strings(value: Any, number: float) -> None:
    assert from_path(PCT, "$.p", value) == number


@pytest.mark.parametrize("value", [-1, -0.01, 100.01, 101, 1e20, "-1", "100.5"])
def test_percentage_out_of_range(value: Any) -> None:
    assert _cause(from_path, PCT, "$.p", value) == ("States.Runtime", f"{PCT} must be between 0 and 100.")


def test_literals_and_jsonata_results_meet_the_same_ranges() -> None:
    assert _cause(check_range, PCT, 100.5)[1] == f"{PCT} must be between 0 and 100."
    assert _cause(from_jsonata, "ToleratedFailureCount", "$x", -2)[1] == "ToleratedFailureCount cannot be negative."
    assert from_jsonata("MaxConcurrency", "$x", 3.0) == 3
    assert from_jsonata(PCT, "$x", 12.5) == 12.5
    error, cause = _cause(from_jsonata, "MaxConcurrency", "$x", 1.5)
    assert error == "States.QueryEvaluationError"
    assert cause == ("The JSONata expression '$x' specified for the field 'MaxConcurrency' returned an unexpected "
                     "result type. Expected 'integer', but was 'number' for value: 1.5")
    assert _cause(from_jsonata, PCT, "$x", "5")[0] == "States.QueryEvaluationError"


# --- through a run ---------------------------------------------------------------------------------


def _map(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, **fields}}}


@pytest.mark.parametrize(("field", "value", "cause"), [
    ("MaxConcurrencyPath", 1.5, 'The MaxConcurrencyPath field refers to value "1.5" which is not a valid integer: $.v'),
    ("ToleratedFailureCountPath", "x", 'The ToleratedFailureCountPath field refers to value "x" which is not a valid '
                                       "integer: $.v"),
    ("ToleratedFailurePercentagePath", 101, f"{PCT} must be between 0 and 100."),
    ("ToleratedFailurePercentagePath", {}, f'The {PCT}Path field refers to value "{{}}" which is not a valid float: $.v'),
    ("MaxConcurrencyPath", -1, "Expected non-negative integer for MaxConcurrency, got '-1' instead."),
])
def test_a_bad_setting_fails_the_execution(field: str, value: Any, cause: str) -> None:
    result = run(_map(**{field: "$.v"}), {"items": [1], "v": value})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == f"An error occurred while executing the state 'M' (entered at the event id #2). {cause}"


@pytest.mark.parametrize(("field", "value"), [("MaxConcurrencyPath", "2"), ("ToleratedFailureCountPath", 0),
                                              ("ToleratedFailurePercentagePath", "12.5"),
                                              ("ToleratedFailurePercentagePath", 100)])
def test_a_good_setting_runs(field: str, value: Any) -> None:
    result = run(_map(**{field: "$.v"}), {"items": [1, 2], "v": value})
    assert (result.status, result.output) == ("SUCCEEDED", [1, 2])


def test_item_batcher_paths_split_the_items() -> None:
    definition = _map(ItemBatcher={"MaxItemsPerBatchPath": "$.n", "BatchInput": {"b": 1}})
    definition["States"]["M"]["ItemProcessor"]["ProcessorConfig"] = {"Mode": "DISTRIBUTED",
                                                                     "ExecutionType": "STANDARD"}
    result = run(definition, {"items": [1, 2, 3], "n": "2"})
    assert result.output == [{"Items": [1, 2], "BatchInput": {"b": 1}}, {"Items": [3], "BatchInput": {"b": 1}}]
    failed = run(definition, {"items": [1], "n": 0.5})
    assert failed.error == "States.Runtime"
    assert failed.cause is not None and failed.cause.endswith(
        'The MaxItemsPerBatchPath field refers to value "0.5" which is not a valid integer: $.n')


@pytest.mark.parametrize(("items", "max_items", "max_bytes", "sizes"), [
    ([1, 2, 3, 4, 5], 2, None, [2, 2, 1]),
    (["aaaa", "bbbb", "cccc"], None, 14, [1, 1, 1]),  # ["aaaa","bbbb"] is 15 bytes; one string is 8
    (["aaaa", "bbbb", "cccc"], None, 15, [2, 1]),
    (["x" * 50, "y"], None, 10, [1, 1]),  # an item over the limit travels alone
    ([1, 2, 3], 5, 1000, [3]),
    ([], 2, None, []),
])
def test_batch_sizes(items: list[Any], max_items: int | None, max_bytes: int | None, sizes: list[int]) -> None:
    assert [len(b["Items"]) for b in batch(items, max_items, max_bytes, None, False)] == sizes
