"""Definition-time checks of a Distributed Map's ItemReader and ResultWriter.

What a reader or writer says is mostly settled before anything runs (which S3 action, which
input type, which CSV options), so a mistake is reported by CreateStateMachine and
ValidateStateMachineDefinition rather than discovered when the Map starts. Values that may come
from the input (`Parameters`, `Arguments`, `MaxItemsPath`, JSONata expressions) are checked
when the Map runs (asl/itemreader.py).
"""

from __future__ import annotations

import re
from typing import Any, Final

from .validate_common import (
    Collector,
    child,
    exclusive,
    expect_enum,
    expect_int,
    expect_object,
    path_field,
)

_READER_RESOURCE: Final = re.compile(r"arn:aws(?:-[a-z]+)*:states:::s3:(getObject|listObjectsV2)")
_WRITER_RESOURCE: Final = re.compile(r"arn:aws(?:-[a-z]+)*:states:::s3:putObject")
INPUT_TYPES: Final = ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET")
HEADER_LOCATIONS: Final = ("FIRST_ROW", "GIVEN")
DELIMITERS: Final = ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
TRANSFORMATIONS: Final = ("NONE", "COMPACT", "FLATTEN")
OUTPUT_TYPES: Final = ("JSON", "JSONL")
MAX_ITEMS: Final = 100_000_000


def item_reader(c: Collector, raw: dict[str, Any], location: str, jsonata: bool) -> None:
    """`ItemReader`: an S3 getObject/listObjectsV2 resource and a ReaderConfig that fits it."""
    if not expect_object(c, raw, "ItemReader", location):
        return
    reader = raw["ItemReader"]
    where = child(location, "ItemReader")
    resource = reader.get("Resource")
    found = _READER_RESOURCE.fullmatch(resource) if isinstance(resource, str) else None
    if found is None:
        c.schema("Field 'Resource' must be arn:<partition>:states:::s3:getObject or "
                 "arn:<partition>:states:::s3:listObjectsV2", child(where, "Resource"))
    if not expect_object(c, reader, "ReaderConfig", where):
        if found is not None and found.group(1) == "getObject":
            c.schema("Field 'ReaderConfig' with an 'InputType' is required to read an object", where)
        return
    config = reader["ReaderConfig"]
    config_where = child(where, "ReaderConfig")
    expect_enum(c, config, "InputType", INPUT_TYPES, config_where)
    if found is not None and found.group(1) == "getObject" and "InputType" not in config:
        c.schema("Field 'InputType' is required to read an object", config_where)
    expect_enum(c, config, "CSVHeaderLocation", HEADER_LOCATIONS, config_where)
    expect_enum(c, config, "CSVDelimiter", DELIMITERS, config_where)
    headers = config.get("CSVHeaders")
    if config.get("CSVHeaderLocation") == "GIVEN" and not (
            isinstance(headers, list) and headers and all(isinstance(h, str) for h in headers)):
        c.schema("Field 'CSVHeaders' must be a non-empty array of strings when CSVHeaderLocation is GIVEN",
                 child(config_where, "CSVHeaders"))
    exclusive(c, config, ("MaxItems", "MaxItemsPath"), config_where)
    expect_int(c, config, "MaxItems", config_where, 0, MAX_ITEMS, jsonata=jsonata)
    path_field(c, config, "MaxItemsPath", config_where, reference=True)


def result_writer(c: Collector, raw: dict[str, Any], location: str) -> None:
    """`ResultWriter`: a putObject resource with its parameters, a WriterConfig, or both."""
    if not expect_object(c, raw, "ResultWriter", location):
        return
    writer = raw["ResultWriter"]
    where = child(location, "ResultWriter")
    if "Resource" not in writer and "WriterConfig" not in writer:
        c.schema("The ResultWriter field cannot be empty: give Resource and Parameters (or Arguments), "
                 "WriterConfig, or all of them", where)
    if "Resource" in writer and not (isinstance(writer["Resource"], str)
                                     and _WRITER_RESOURCE.fullmatch(writer["Resource"])):
        c.schema("Field 'Resource' must be arn:<partition>:states:::s3:putObject", child(where, "Resource"))
    if expect_object(c, writer, "WriterConfig", where):
        config_where = child(where, "WriterConfig")
        expect_enum(c, writer["WriterConfig"], "Transformation", TRANSFORMATIONS, config_where)
        expect_enum(c, writer["WriterConfig"], "OutputType", OUTPUT_TYPES, config_where)
