"""`arn:aws:states:::aws-sdk:s3:*` Task integrations, through the engine's registry."""

from __future__ import annotations

import pytest

from statewright.asl.types import TaskFailed
from statewright.engine.types import TaskRequest
from statewright.integrations.registry import Registry
from statewright.integrations.s3 import S3Integration
from statewright.integrations.types import TaskError
from statewright.services.s3 import S3Service

EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:sm:run-1"


@pytest.fixture
def call(tmp_path):
    """Runs `aws-sdk:s3:<action>` through the registry as the engine does; a failure is raised
    as the TaskError it would record."""
    service = S3Service(tmp_path)
    registry = Registry()
    registry.register_service("s3", S3Integration(service))

    def invoke(action, parameters):
        request = TaskRequest(EXECUTION, "S", "1", f"arn:aws:states:::aws-sdk:s3:{action}", parameters, "tok")
        answer = registry.run_task(request, lambda event: None)
        if isinstance(answer, TaskFailed):
            raise TaskError(answer.error, answer.cause)
        return answer.output
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
