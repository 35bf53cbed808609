"""asl.itemreader: a Distributed Map's ItemReader request, and the items read from S3's answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from statewright.asl import itemreader
from statewright.asl.dataflow import Scope
from statewright.asl.errors import ITEM_READER_FAILED, RUNTIME, StatesError
from statewright.asl.teststate import test_state as run_test_state
from statewright.asl.teststate_mocks import TestConfiguration

GET = "arn:aws:states:::s3:getObject"
LIST = "arn:aws:states:::s3:listObjectsV2"


def _scope(data: Any) -> Scope:
    return Scope(data, {}, [], lambda: __import__("random").Random(0))


def _request(reader: dict[str, Any], data: Any = None, jsonata: bool = False) -> itemreader.ReaderRequest:
    return itemreader.request(reader, data, _scope(data), {"input": data, "context": {}}, jsonata)


def _items(config: dict[str, Any], body: str, max_items: int | None = None) -> list[Any]:
    spec = {"action": "getObject", "config": config, "max_items": max_items}
    return itemreader.items(spec, {"Body": body})


def test_jsonpath_parameters_and_max_items_path() -> None:
    reader = {"Resource": GET, "ReaderConfig": {"InputType": "CSV", "MaxItemsPath": "$.limit"},
              "Parameters": {"Bucket": "data", "Key.$": "$.key"}}
    spec = _request(reader, {"key": "in.csv", "limit": 2})
    assert spec.parameters == {"Bucket": "data", "Key": "in.csv"}
    assert spec.action == "getObject" and spec.max_items == 2


def test_jsonata_arguments_and_max_items_expression() -> None:
    reader = {"Resource": GET, "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.n %}"},
              "Arguments": {"Bucket": "{% $states.input.b %}", "Key": "k.json"}}
    spec = _request(reader, {"b": "data", "n": 3}, jsonata=True)
    assert spec.parameters == {"Bucket": "data", "Key": "k.json"} and spec.max_items == 3


@pytest.mark.parametrize(("reader", "error", "needle"), [
    ({"Resource": GET, "ReaderConfig": {"InputType": "XML"}, "Parameters": {"Bucket": "b", "Key": "k"}},
     ITEM_READER_FAILED, "InputType"),
    ({"Resource": GET, "ReaderConfig": {"InputType": "CSV"}, "Parameters": {"Bucket": "b"}},
     ITEM_READER_FAILED, "'Key'"),
    ({"Resource": "arn:aws:states:::s3:deleteObject", "Parameters": {"Bucket": "b"}},
     ITEM_READER_FAILED, "does not support"),
    ({"Resource": LIST, "ReaderConfig": {"MaxItemsPath": "$.missing"}, "Parameters": {"Bucket": "b"}},
     RUNTIME, "MaxItemsPath"),
    ({"Resource": LIST, "ReaderConfig": {"MaxItems": 0}, "Parameters": {"Bucket": "b"}},
     RUNTIME, "MaxItems"),
])
def test_bad_readers_name_the_field(reader: dict[str, Any], error: str, needle: str) -> None:
    with pytest.raises(StatesError) as raised:
        _request(reader, {})
    assert raised.value.error == error and needle in (raised.value.cause or "")


def test_csv_first_row_headers_values_are_strings() -> None:
    body = "id,name,note\n1,Ann,\"a, quoted\"\n\n2,Bob,x\n"
    assert _items({"InputType": "CSV"}, body) == [
        {"id": "1", "name": "Ann", "note": "a, quoted"}, {"id": "2", "name": "Bob", "note": "x"}]


def test_csv_given_headers_delimiter_and_max_items() -> None:
    config = {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "PIPE"}
    assert _items(config, "1|2\n3|4\n5|6\n", max_items=2) == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_csv_row_longer_than_headers_fails() -> None:
    with pytest.raises(StatesError) as raised:
        _items({"InputType": "CSV"}, "a,b\n1,2,3\n")
    assert raised.value.error == ITEM_READER_FAILED and "3 fields" in (raised.value.cause or "")


def test_json_array_pointer_and_errors() -> None:
    assert _items({"InputType": "JSON"}, '[{"a":1},2,"x"]') == [{"a": 1}, 2, "x"]
    assert _items({"InputType": "JSON", "ItemsPointer": "/data/rows"}, '{"data":{"rows":[1,2]}}') == [1, 2]
    for body in ('{"a":1}', "not json"):
        with pytest.raises(StatesError) as raised:
            _items({"InputType": "JSON"}, body)
        assert raised.value.error == ITEM_READER_FAILED


def test_jsonl_lines_and_a_bad_line() -> None:
    assert _items({"InputType": "JSONL"}, '{"a":1}\n\n[2]\n"s"\n') == [{"a": 1}, [2], "s"]
    with pytest.raises(StatesError) as raised:
        _items({"InputType": "JSONL"}, '{"a":1}\n{oops\n')
    assert "Line 2" in (raised.value.cause or "")


def test_listing_items_have_aws_fields() -> None:
    spec = asdict(_request({"Resource": LIST, "Parameters": {"Bucket": "b", "Prefix": "p/"}}))
    answer = {"Contents": [{"Key": "p/a", "ETag": '"e1"', "Size": 3, "StorageClass": "STANDARD",
                            "LastModified": 1700000000}]}
    assert itemreader.items(spec, answer) == [
        {"Etag": '"e1"', "Key": "p/a", "LastModified": 1700000000, "Size": 3, "StorageClass": "STANDARD"}]


def test_teststate_map_item_reader_data_replaces_the_read() -> None:
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemReader": {"Resource": GET, "ReaderConfig": {"InputType": "CSV", "MaxItems": 1},
                       "Parameters": {"Bucket": "b", "Key": "k.csv"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P",
                          "States": {"P": {"Type": "Pass", "End": True}}}}}}
    for data, expected in (("a,b\n1,2\n3,4\n", [{"a": "1", "b": "2"}]), ([{"x": 1}, {"x": 2}], [{"x": 1}])):
        answer = run_test_state(definition, {}, state_name="M", configuration=TestConfiguration(map_item_reader_data=data))
        assert answer["status"] == "SUCCEEDED" and answer["output"] == expected
