"""`arn:aws:states:::aws-sdk:s3:*` Task integrations, through the engine's registry."""

from __future__ import annotations

import pytest

from statewright.engine import IntegrationRegistry, TaskError
from statewright.engine.integrations import TaskContext
from statewright.services.s3 import S3Service
from statewright.services.s3.sdk import register

TASK = TaskContext(execution_arn="arn:aws:states:eu-west-1:123456789012:execution:sm:run-1", state_name="S",
                   task_id="1", token=None)


@pytest.fixture
def call(tmp_path):
    service = S3Service(tmp_path)
    registry = IntegrationRegistry()
    register(registry, service)

    def invoke(action, parameters):
        handler = registry.resolve(f"arn:aws:states:::aws-sdk:s3:{action}")
        assert handler is not None
        return handler(parameters, TASK)
    yield invoke
    service.close()


def test_put_get_list_copy_delete(call):
    call("createBucket", {"Bucket": "tasks", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}})
    put = call("putObject", {"Bucket": "tasks", "Key": "a.json", "Body": {"amount": 12}})
    assert put["ETag"].startswith('"')
    got = call("getObject", {"Bucket": "tasks", "Key": "a.json"})
    # Step Functions returns the object's body as a string.
    assert got["Body"] == '{"amount": 12}' and isinstance(got["LastModified"], str)
    call("copyObject", {"Bucket": "tasks", "Key": "b.json", "CopySource": "tasks/a.json"})
    listed = call("listObjectsV2", {"Bucket": "tasks"})
    assert [o["Key"] for o in listed["Contents"]] == ["a.json", "b.json"]
    call("deleteObject", {"Bucket": "tasks", "Key": "a.json"})
    assert call("listObjectsV2", {"Bucket": "tasks"})["KeyCount"] == 1
    # The bucket was created in the execution's region.
    assert call("getBucketLocation", {"Bucket": "tasks"})["LocationConstraint"] == "eu-west-1"


def test_errors_are_named_like_the_sdk(call):
    call("createBucket", {"Bucket": "tasks", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}})
    with pytest.raises(TaskError) as missing:
        call("getObject", {"Bucket": "tasks", "Key": "none"})
    # Step Functions names an AWS SDK integration's errors "<service>.<exception>", e.g.
    # S3.NoSuchKeyException; errors without their own exception class are S3.S3Exception.
    assert missing.value.error == "S3.NoSuchKeyException"
    assert "Status Code: 404" in missing.value.cause
    call("putObject", {"Bucket": "tasks", "Key": "k", "Body": "x"})
    with pytest.raises(TaskError) as failed:
        call("getObject", {"Bucket": "tasks", "Key": "k", "IfMatch": '"nope"'})
    assert failed.value.error == "S3.S3Exception"
