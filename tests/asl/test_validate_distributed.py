"""asl.validate_distributed: a Distributed Map's ItemReader and ResultWriter checked at definition time."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.asl.validate import validate

SCHEMA = "SCHEMA_VALIDATION_FAILED"
GET = "arn:aws:states:::s3:getObject"


def _problems(**fields: Any) -> list[tuple[str, str, str]]:
    state = {"Type": "Map", "End": True,
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P",
                               "States": {"P": {"Type": "Pass", "End": True}}}, **fields}
    return [(d.code, d.message, d.location) for d in validate({"StartAt": "M", "States": {"M": state}})]


def test_good_readers_and_writers_pass() -> None:
    assert _problems(ItemReader={"Resource": GET, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                                                   "CSVHeaders": ["a"], "CSVDelimiter": "TAB",
                                                                   "MaxItemsPath": "$.n"},
                                 "Parameters": {"Bucket": "b", "Key.$": "$.k"}},
                     ResultWriter={"Resource": "arn:aws-cn:states:::s3:putObject", "Parameters": {"Bucket": "b"},
                                   "WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSONL"}}) == []
    assert _problems(ItemReader={"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},
                     ResultWriter={"WriterConfig": {"Transformation": "COMPACT"}}) == []


@pytest.mark.parametrize(("fields", "message", "location"), [
    ({"ItemReader": {"Resource": "arn:aws:states:::s3:deleteObject"}},
     "Field 'Resource' must be arn:<partition>:states:::s3:getObject or arn:<partition>:states:::s3:listObjectsV2",
     "/States/M/ItemReader/Resource"),
    ({"ItemReader": {"Resource": GET, "ReaderConfig": {}}},
     "Field 'InputType' is required to read an object", "/States/M/ItemReader/ReaderConfig"),
    ({"ItemReader": {"Resource": GET, "ReaderConfig": {"InputType": "XML"}}},
     "Field 'InputType' must be one of [CSV, JSON, JSONL, MANIFEST, PARQUET]",
     "/States/M/ItemReader/ReaderConfig/InputType"),
    ({"ItemReader": {"Resource": GET, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}}},
     "Field 'CSVHeaders' must be a non-empty array of strings when CSVHeaderLocation is GIVEN",
     "/States/M/ItemReader/ReaderConfig/CSVHeaders"),
    ({"ItemReader": {"Resource": GET, "ReaderConfig": {"InputType": "CSV", "MaxItems": -1}}},
     "Field 'MaxItems' must be greater than or equal to 0", "/States/M/ItemReader/ReaderConfig/MaxItems"),
    ({"ResultWriter": {}},
     "The ResultWriter field cannot be empty: give Resource and Parameters (or Arguments), WriterConfig, or all "
     "of them", "/States/M/ResultWriter"),
    ({"ResultWriter": {"Resource": GET, "Parameters": {"Bucket": "b"}}},
     "Field 'Resource' must be arn:<partition>:states:::s3:putObject", "/States/M/ResultWriter/Resource"),
    ({"ResultWriter": {"WriterConfig": {"OutputType": "CSV"}}},
     "Field 'OutputType' must be one of [JSON, JSONL]", "/States/M/ResultWriter/WriterConfig/OutputType"),
])
def test_mistakes_are_schema_errors_naming_the_field(fields: dict[str, Any], message: str, location: str) -> None:
    assert _problems(**fields) == [(SCHEMA, message, location)]
