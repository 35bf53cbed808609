"""Attribute values: AWS's validation texts and the item size."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError
from statewright.services.dynamodb import values


def _error(value) -> str:
    with pytest.raises(AwsError) as raised:
        values.normalize_value(value)
    return raised.value.message


def test_empty_sets_are_rejected_with_aws_texts():
    # Recorded texts, double space included (nubo-db/dynamodb-conformance putItem.test.ts).
    assert _error({"SS": []}) == "One or more parameter values were invalid: An string set  may not be empty"
    assert _error({"NS": []}) == "One or more parameter values were invalid: An number set  may not be empty"
    assert "Binary sets should not be empty" in _error({"BS": []})


def test_duplicates_in_sets_are_rejected():
    message = _error({"SS": ["a", "a"]})
    assert message.startswith("One or more parameter values were invalid: Input collection")
    assert "contains duplicates" in message
    assert "contains duplicates" in _error({"NS": ["1", "1.0"]})  # equal as numbers


def test_empty_strings_in_sets_and_values_are_allowed():
    # AWS accepts [""] in a string set (paritysuite/dynamodb-conformance#82, verified on AWS).
    assert values.normalize_value({"SS": [""]}) == {"SS": [""]}
    assert values.normalize_value({"S": ""}) == {"S": ""}


def test_null_false_is_stored_as_null_true():
    # Recorded 2026-06-08, eu-west-2 (nubo-db/dynamodb-conformance putItem.test.ts).
    assert values.normalize_value({"NULL": False}) == {"NULL": True}


def test_value_shape_errors():
    assert _error({}) == ("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    assert "more than one datatypes" in _error({"S": "a", "N": "1"})


def test_nesting_deeper_than_32_levels_is_rejected():
    value = {"S": "leaf"}
    for _ in range(31):
        value = {"L": [value]}
    values.normalize_value(value)  # 32 levels: the limit (AWS developer guide, Service quotas)
    assert _error({"M": {"deeper": value}}) == "Nesting Levels have exceeded supported limits"


def test_item_size_counts_names_and_values():
    item = {"pk": {"S": "abc"}, "n": {"N": "3.14159"}, "b": {"B": "AAEC"}, "t": {"BOOL": True},
            "l": {"L": [{"S": "x"}, {"NULL": True}]}, "m": {"M": {"k": {"S": "vv"}}}}
    # 2+3, 1+5, 1+3, 1+1, 1+(3+ (1+1) + (1+1)), 1+(3 + 1 + 1 + 2)
    assert values.item_size(item) == 5 + 6 + 4 + 2 + 8 + 8


def test_the_400kb_gate_is_inclusive():
    # "409,600 accepted, 409,601 refused" (nubo-db/dynamodb-conformance src/item-size.ts).
    name_and_key = len("pk") + 1 + len("p")
    at_limit = {"pk": {"S": "k"}, "p": {"S": "x" * (409_600 - name_and_key)}}
    assert values.check_item_size(at_limit) == 409_600
    over = {"pk": {"S": "k"}, "p": {"S": "x" * (409_601 - name_and_key)}}
    with pytest.raises(AwsError, match="Item size has exceeded the maximum allowed size"):
        values.check_item_size(over)
