"""A Distributed Map's ItemReader: what to ask S3 for, and the items in what comes back.

Both halves are pure. `request` evaluates the reader's `Parameters` (JSONPath) or `Arguments`
(JSONata) and its `ReaderConfig.MaxItems`/`MaxItemsPath`; the step sends the request out as a
task on the reader's `Resource` (`arn:aws:states:::s3:getObject` or `…:s3:listObjectsV2`), and
the driver answers with the object's text (`{"Body": …}`) or the listing
(`{"Contents": [...]}`). `items` turns that answer into the Map's items, as AWS reads them:

- CSV: each row is an object of strings keyed by the header (the first row, or `CSVHeaders`
  when `CSVHeaderLocation` is GIVEN); `CSVDelimiter` is COMMA (default), PIPE, SEMICOLON,
  SPACE or TAB;
- JSON: the object holds a JSON array (or `ReaderConfig.ItemsPointer`, a JSON Pointer, names
  the array inside it);
- JSONL: one JSON value per non-empty line;
- listObjectsV2: one item per object, `{"Etag", "Key", "LastModified" (epoch seconds),
  "Size", "StorageClass"}`;
- MANIFEST: an S3 inventory's `manifest.json` (CSV inventories): its `files` are read one by one
  (one task each, gzipped CSV), each row an object of strings keyed by the manifest's
  `fileSchema` (`Bucket`, `Key`, `Size`, …);
- MaxItems keeps the first N items.

Anything unreadable fails the state with States.ItemReaderFailed.
"""

from __future__ import annotations

import base64
import binascii
import csv
import gzip
import io
import json
import zlib
from dataclasses import dataclass
from typing import Any, Final

from . import jsonata, mapsettings, payload
from .dataflow import jsonata_eval, jsonata_value, render
from .errors import ITEM_READER_FAILED, RUNTIME, StatesError
from .model import ABSENT
from .paths import PathError, PathNotFound, compile_path

GET_OBJECT: Final = "getObject"
LIST_OBJECTS: Final = "listObjectsV2"
INPUT_TYPES: Final = ("CSV", "JSON", "JSONL", "MANIFEST")
MANIFEST: Final = "MANIFEST"
DELIMITERS: Final = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
# AWS's documented ceiling for ReaderConfig.MaxItems.
MAX_ITEMS_LIMIT: Final = 100_000_000


@dataclass(frozen=True)
class ReaderRequest:
    """What the step asks the driver to read: the resource, its S3 parameters, and how to
    read the answer (kept in the execution state until the answer comes)."""

    resource: str
    parameters: dict[str, Any]
    action: str
    config: dict[str, Any]
    max_items: int | None


def action_of(resource: str) -> str:
    """`arn:aws:states:::s3:getObject` → `getObject`."""
    return resource.rsplit(":", 1)[-1]


def request(reader: dict[str, Any], data: Any, scope: Any, bindings: dict[str, Any],
            jsonata_mode: bool) -> ReaderRequest:
    """The reader's request for the Map whose effective input is `data`."""
    resource = reader.get("Resource")
    if not isinstance(resource, str) or not resource:
        raise StatesError(ITEM_READER_FAILED, "The ItemReader has no Resource")
    action = action_of(resource)
    if action not in (GET_OBJECT, LIST_OBJECTS):
        raise StatesError(ITEM_READER_FAILED, f"Statewright's ItemReader does not support the resource {resource}")
    config = reader.get("ReaderConfig") or {}
    if not isinstance(config, dict):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader's ReaderConfig must be a JSON object")
    if action == GET_OBJECT and config.get("InputType") not in INPUT_TYPES:
        raise StatesError(ITEM_READER_FAILED, f"ReaderConfig.InputType {json.dumps(config.get('InputType'))} "
                          f"is not supported with {resource}: expected one of {', '.join(INPUT_TYPES)}")
    parameters = _parameters(reader, data, scope, bindings, jsonata_mode)
    max_items = _max_items(config, data, scope, bindings, jsonata_mode)
    return ReaderRequest(resource, parameters, action, config, max_items)


def _parameters(reader: dict[str, Any], data: Any, scope: Any, bindings: dict[str, Any],
                jsonata_mode: bool) -> dict[str, Any]:
    if jsonata_mode:
        value = reader.get("Arguments", {})
        result = jsonata_value(value, scope, bindings, "ItemReader/Arguments") if value else {}
    else:
        try:
            template = payload.compile_template(reader.get("Parameters", {}))
        except ValueError as error:
            raise StatesError(RUNTIME, f"The ItemReader's Parameters are invalid: {error}") from None
        result = render(template, data, scope)
    if not isinstance(result, dict):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader's parameters must be a JSON object")
    for name in ("Bucket",) + (("Key",) if action_of(reader["Resource"]) == GET_OBJECT else ()):
        if not isinstance(result.get(name), str) or not result[name]:
            raise StatesError(ITEM_READER_FAILED, f"The ItemReader's parameters must include '{name}' as a string")
    return result


def _max_items(config: dict[str, Any], data: Any, scope: Any, bindings: dict[str, Any],
               jsonata_mode: bool) -> int | None:
    if "MaxItemsPath" in config:
        text = config["MaxItemsPath"]
        try:
            path = compile_path(text)
            found = scope.with_data(data).resolve(path)
        except (PathError, PathNotFound, TypeError):
            raise StatesError(RUNTIME, f"The MaxItemsPath field refers to an invalid path: {text}") from None
        return int(mapsettings.from_path("MaxItems", str(text), found))
    value = config.get("MaxItems", ABSENT)
    if value is ABSENT or value is None:
        return None
    if jsonata_mode and isinstance(value, str) and jsonata.is_expression(value):
        result = jsonata_eval(value, scope, bindings, "ItemReader/ReaderConfig/MaxItems")
        return int(mapsettings.from_jsonata("MaxItems", value[2:-2].strip(), result))
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatesError(RUNTIME, f"ReaderConfig.MaxItems must be an integer, not {json.dumps(value)}")
    return int(mapsettings.check_range("MaxItems", value))


def test_answer(data: Any) -> dict[str, Any]:
    """TestState's `mapItemReaderData` as a reader's answer: text is the object's content, an
    array is the items."""
    return {"Items": data} if isinstance(data, list) else {"Body": data if isinstance(data, str) else json.dumps(data)}


def items(spec: dict[str, Any], answer: Any) -> list[Any]:
    """The Map's items from the driver's `answer` to the request `spec` (a ReaderRequest as a
    dict, as the execution state keeps it). An answer `{"Items": [...]}` gives the items
    themselves; `{"Body": text}` is parsed as the reader's InputType says."""
    if not isinstance(answer, dict):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader received no readable answer")
    config = spec.get("config") or {}
    if isinstance(answer.get("Items"), list):  # items given as they are (TestState's mapItemReaderData)
        found = list(answer["Items"])
    elif config.get("InputType") == MANIFEST and spec["action"] == GET_OBJECT:
        raise StatesError(ITEM_READER_FAILED, "An S3 inventory manifest is read file by file")
    elif spec["action"] == LIST_OBJECTS:
        found = [_object_item(entry) for entry in answer.get("Contents") or []]
    else:
        body = answer.get("Body")
        if not isinstance(body, str):
            raise StatesError(ITEM_READER_FAILED, "The ItemReader could not read the object's content as text")
        found = _parse(config, body, spec.get("max_items"))
    limit = spec.get("max_items")
    return found[:limit] if limit else found


def _object_item(entry: dict[str, Any]) -> dict[str, Any]:
    return {"Etag": entry.get("ETag"), "Key": entry.get("Key"), "LastModified": entry.get("LastModified"),
            "Size": entry.get("Size"), "StorageClass": entry.get("StorageClass", "STANDARD")}


def _parse(config: dict[str, Any], body: str, limit: int | None) -> list[Any]:
    kind = config.get("InputType")
    if kind == "JSON":
        return _json_items(config, body)
    if kind == "JSONL":
        return _jsonl_items(body, limit)
    return _csv_items(config, body, limit)


def _json_items(config: dict[str, Any], body: str) -> list[Any]:
    try:
        document = json.loads(body)
    except ValueError as error:
        raise StatesError(ITEM_READER_FAILED, f"The object is not valid JSON: {error}") from None
    pointer = config.get("ItemsPointer")
    if isinstance(pointer, str):
        document = _pointer(document, pointer)
    if not isinstance(document, list):
        raise StatesError(ITEM_READER_FAILED, "The JSON object read by the ItemReader must contain a JSON array")
    return document


def _pointer(document: Any, pointer: str) -> Any:
    """RFC 6901: `/a/0/b`."""
    current = document
    for raw in pointer.split("/")[1:] if pointer else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise StatesError(ITEM_READER_FAILED, f"ItemsPointer '{pointer}' does not point at a value in the object")
    return current


def _jsonl_items(body: str, limit: int | None) -> list[Any]:
    found: list[Any] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if limit and len(found) >= limit:
            break
        if not line.strip():
            continue
        try:
            found.append(json.loads(line))
        except ValueError:
            raise StatesError(ITEM_READER_FAILED, f"Line {number} of the JSONL object is not valid JSON") from None
    return found


def _csv_items(config: dict[str, Any], body: str, limit: int | None) -> list[Any]:
    delimiter_name = config.get("CSVDelimiter", "COMMA")
    delimiter = DELIMITERS.get(delimiter_name) if isinstance(delimiter_name, str) else None
    if delimiter is None:
        raise StatesError(ITEM_READER_FAILED, f"CSVDelimiter {json.dumps(delimiter_name)} is not one of "
                          f"{', '.join(DELIMITERS)}")
    rows = csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    location = config.get("CSVHeaderLocation", "FIRST_ROW")
    if location == "GIVEN":
        headers = config.get("CSVHeaders")
        if not isinstance(headers, list) or not headers or not all(isinstance(h, str) for h in headers):
            raise StatesError(ITEM_READER_FAILED, "CSVHeaders must be a non-empty array of strings when "
                                                  "CSVHeaderLocation is GIVEN")
    elif location == "FIRST_ROW":
        headers = next(rows, None) or []
    else:
        raise StatesError(ITEM_READER_FAILED, f"CSVHeaderLocation {json.dumps(location)} is not one of FIRST_ROW, GIVEN")
    found: list[Any] = []
    try:
        for row in rows:
            if limit and len(found) >= limit:
                break
            if not row:
                continue  # a blank line is no item
            if len(row) > len(headers):
                raise StatesError(ITEM_READER_FAILED, f"CSV row {rows.line_num} has {len(row)} fields but there "
                                                      f"are {len(headers)} headers")
            found.append(dict(zip(headers, row, strict=False)))
    except csv.Error as error:
        raise StatesError(ITEM_READER_FAILED, f"The CSV object could not be read: {error}") from None
    return found


# --- S3 inventory manifests -------------------------------------------------------------------


def manifest_files(spec: dict[str, Any], answer: Any) -> dict[str, Any]:
    """What to read next for an S3 inventory manifest (`answer` is the manifest object): the data
    files' keys, the bucket they are in, and the columns of their rows."""
    try:
        manifest = json.loads(_text(answer))
    except ValueError:
        raise StatesError(ITEM_READER_FAILED, "The S3 inventory manifest is not valid JSON") from None
    if not isinstance(manifest, dict):
        raise StatesError(ITEM_READER_FAILED, "The S3 inventory manifest must be a JSON object")
    if manifest.get("fileFormat", "CSV") != "CSV":
        raise StatesError(ITEM_READER_FAILED, f"S3 inventory files in the format {json.dumps(manifest.get('fileFormat'))} "
                                              "are not supported: only CSV")
    schema = manifest.get("fileSchema")
    files = manifest.get("files")
    if not isinstance(schema, str) or not isinstance(files, list):
        raise StatesError(ITEM_READER_FAILED, "The S3 inventory manifest must have 'fileSchema' and 'files'")
    keys = [entry.get("key") for entry in files if isinstance(entry, dict) and isinstance(entry.get("key"), str)]
    return {"bucket": spec["parameters"]["Bucket"], "files": keys,
            "schema": [name.strip() for name in schema.split(",")], "items": []}


def manifest_rows(progress: dict[str, Any], answer: Any) -> list[dict[str, str]]:
    """The rows of one inventory data file (gzipped or plain CSV, no header row)."""
    data = _bytes(answer)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            raise StatesError(ITEM_READER_FAILED, "An S3 inventory file is not valid gzip") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StatesError(ITEM_READER_FAILED, "An S3 inventory file is not UTF-8 CSV") from None
    config = {"CSVHeaderLocation": "GIVEN", "CSVHeaders": progress["schema"]}
    rows: list[dict[str, str]] = _csv_items(config, text, None)
    return rows


def _text(answer: Any) -> str:
    body = answer.get("Body") if isinstance(answer, dict) else None
    if not isinstance(body, str):
        raise StatesError(ITEM_READER_FAILED, "The ItemReader could not read the object's content as text")
    return body


def _bytes(answer: Any) -> bytes:
    if isinstance(answer, dict) and isinstance(answer.get("BodyBase64"), str):
        try:
            return base64.b64decode(answer["BodyBase64"], validate=True)
        except binascii.Error:
            raise StatesError(ITEM_READER_FAILED, "The ItemReader received unreadable content") from None
    return _text(answer).encode("utf-8")
