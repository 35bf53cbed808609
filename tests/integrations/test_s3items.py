"""integrations.s3items: a Distributed Map reading its items from and writing its results to the
local S3 service, run by the in-memory runner through the same registry the engine uses."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from statewright.integrations.registry import Registry
from statewright.integrations.runner import run
from statewright.integrations.s3 import S3Integration
from statewright.services.common import RequestContext
from statewright.services.s3 import S3Service

CONTEXT = RequestContext()
PROCESSOR = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P",
             "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture
def s3(tmp_path):
    service = S3Service(tmp_path)
    service.handle("CreateBucket", {"Bucket": "data"}, CONTEXT)
    yield service
    service.close()


def _registry(service: S3Service) -> Registry:
    registry = Registry()
    registry.register_service("s3", S3Integration(service))
    return registry


def _put(service: S3Service, key: str, body: str) -> None:
    service.handle("PutObject", {"Bucket": "data", "Key": key, "Body": body.encode()}, CONTEXT)


def _get(service: S3Service, key: str) -> str:
    return b"".join(service.handle("GetObject", {"Bucket": "data", "Key": key}, CONTEXT)["Body"]).decode()


def _map(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": PROCESSOR, **fields}}}


def test_csv_object_becomes_items(s3: S3Service) -> None:
    _put(s3, "in/rates.csv", "id,rate\n1,4.5\n2,3\n3,5\n")
    reader = {"Resource": "arn:aws:states:::s3:getObject",
              "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 2},
              "Parameters": {"Bucket": "data", "Key.$": "$.key"}}
    result = run(_map(ItemReader=reader), {"key": "in/rates.csv"}, integrations=_registry(s3))
    assert result.status == "SUCCEEDED" and result.output == [{"id": "1", "rate": "4.5"}, {"id": "2", "rate": "3"}]


def test_listing_pages_through_every_object(s3: S3Service) -> None:
    for index in range(1005):  # more than one page of ListObjectsV2
        _put(s3, f"logs/{index:05}.txt", "x" * (index % 3))
    _put(s3, "other/skip.txt", "")
    reader = {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "data", "Prefix": "logs/"}}
    result = run(_map(ItemReader=reader), {}, integrations=_registry(s3))
    assert result.status == "SUCCEEDED" and len(result.output) == 1005
    first = result.output[0]
    assert set(first) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    assert first["Key"] == "logs/00000.txt" and first["Size"] == 0 and isinstance(first["LastModified"], int)
    assert first["Etag"] == '"d41d8cd98f00b204e9800998ecf8427e"'  # the MD5 of no bytes, quoted


def test_missing_object_is_item_reader_failed(s3: S3Service) -> None:
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
              "Parameters": {"Bucket": "data", "Key": "none.json"}}
    result = run(_map(ItemReader=reader), {}, integrations=_registry(s3))
    assert result.status == "FAILED" and result.error == "States.ItemReaderFailed"
    assert result.cause is not None and result.cause.startswith("S3.NoSuchKeyException: ")


def test_without_an_s3_integration_the_error_says_so() -> None:
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
              "Parameters": {"Bucket": "data", "Key": "k"}}
    result = run(_map(ItemReader=reader), {})
    assert result.status == "FAILED" and result.error == "States.ItemReaderFailed"
    assert "arn:aws:states:::s3:getObject" in (result.cause or "")


def test_result_writer_puts_manifest_and_results(s3: S3Service) -> None:
    _put(s3, "in.jsonl", '{"n": 1}\n{"n": 2}\n')
    definition = _map(ItemReader={"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                                  "Parameters": {"Bucket": "data", "Key": "in.jsonl"}},
                      ResultWriter={"Resource": "arn:aws:states:::s3:putObject",
                                    "Parameters": {"Bucket": "data", "Prefix": "results"}})
    result = run(definition, {}, integrations=_registry(s3), state_machine="Jobs")
    assert result.status == "SUCCEEDED"
    details = result.output["ResultWriterDetails"]
    assert details["Bucket"] == "data" and details["Key"].startswith("results/")
    manifest = json.loads(_get(s3, details["Key"]))
    assert manifest["MapRunArn"] == result.output["MapRunArn"]
    (succeeded,) = manifest["ResultFiles"]["SUCCEEDED"]
    body = _get(s3, succeeded["Key"])
    assert succeeded["Size"] == len(body.encode())
    assert [json.loads(entry["Output"]) for entry in json.loads(body)] == [{"n": 1}, {"n": 2}]


def test_writing_to_a_missing_bucket_is_result_writer_failed(s3: S3Service) -> None:
    definition = _map(ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "nope"}})
    result = run(definition, [1], integrations=_registry(s3))
    assert result.status == "FAILED" and result.error == "States.ResultWriterFailed"
    assert "S3.NoSuchBucketException" in (result.cause or "")


def test_s3_inventory_manifest_with_gzipped_csv_files(s3: S3Service) -> None:
    rows = [b'"data","photos/1.jpg","120"\n', b'"data","photos/2.jpg","98"\n']
    for index, row in enumerate(rows):
        s3.handle("PutObject", {"Bucket": "data", "Key": f"inventory/data/{index}.csv.gz",
                                "Body": gzip.compress(row)}, CONTEXT)
    manifest = {"sourceBucket": "data", "destinationBucket": "arn:aws:s3:::data", "fileFormat": "CSV",
                "fileSchema": "Bucket, Key, Size",
                "files": [{"key": f"inventory/data/{index}.csv.gz", "size": 1} for index in range(2)]}
    _put(s3, "inventory/manifest.json", json.dumps(manifest))
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "MANIFEST"},
              "Parameters": {"Bucket": "data", "Key": "inventory/manifest.json"}}
    result = run(_map(ItemReader=reader), {}, integrations=_registry(s3))
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == [{"Bucket": "data", "Key": "photos/1.jpg", "Size": "120"},
                             {"Bucket": "data", "Key": "photos/2.jpg", "Size": "98"}]


def test_jsonata_reader_and_writer_arguments(s3: S3Service) -> None:
    _put(s3, "in.json", '{"rows": [{"n": 1}, {"n": 2}, {"n": 3}]}')
    definition = {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "ItemProcessor": PROCESSOR,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/rows",
                                        "MaxItems": "{% $states.input.limit %}"},
                       "Arguments": {"Bucket": "data", "Key": "{% $states.input.key %}"}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                         "Arguments": {"Bucket": "data", "Prefix": "{% 'out/' & $states.input.key %}"},
                         "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}}}}}
    result = run(definition, {"key": "in.json", "limit": 2}, integrations=_registry(s3))
    assert result.status == "SUCCEEDED", result.cause
    manifest = json.loads(_get(s3, result.output["ResultWriterDetails"]["Key"]))
    assert manifest["ResultFiles"]["SUCCEEDED"][0]["Key"].startswith("out/in.json/")
    # COMPACT: the children's outputs only.
    assert json.loads(_get(s3, manifest["ResultFiles"]["SUCCEEDED"][0]["Key"])) == [{"n": 1}, {"n": 2}]
