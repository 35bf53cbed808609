"""Archived storage classes through boto3: metadata readable, bytes only after RestoreObject."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError
from statewright.services.s3 import S3Service

from .test_buckets import error_of
from .test_lifecycle import CONTEXT, DAY, Clock


def test_archived_objects_need_a_restore(s3, bucket):
    s3.put_object(Bucket=bucket, Key="old.log", Body=b"2019 logs", StorageClass="GLACIER")
    # GetObject: "If the object you are retrieving is stored in the S3 Glacier Flexible Retrieval
    # storage class [or] the S3 Glacier Deep Archive storage class … before you can retrieve the
    # object you must first restore a copy using RestoreObject. Otherwise, this operation returns
    # an InvalidObjectState error." (Error table: InvalidObjectState, 403 Forbidden.)
    assert error_of(s3.get_object, Bucket=bucket, Key="old.log") == ("InvalidObjectState", 403)
    assert error_of(s3.copy_object, Bucket=bucket, Key="copy", CopySource=f"{bucket}/old.log") == \
        ("InvalidObjectState", 403)
    head = s3.head_object(Bucket=bucket, Key="old.log")  # metadata stays readable
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    # RestoreObject: "If the object is not previously restored, then Amazon S3 returns 202
    # Accepted in the response. If the object is previously restored, Amazon S3 returns 200 OK".
    first = s3.restore_object(Bucket=bucket, Key="old.log", RestoreRequest={"Days": 2})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    again = s3.restore_object(Bucket=bucket, Key="old.log", RestoreRequest={"Days": 3})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="old.log")["Body"].read() == b"2019 logs"
    # HeadObject's x-amz-restore once a copy is restored: `ongoing-request="false",
    # expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"` (the expiry at a midnight UTC).
    restore = s3.head_object(Bucket=bucket, Key="old.log")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="') and restore.endswith(' 00:00:00 GMT"')
    # A copy of the restored object is a new STANDARD object (no storage class asked for).
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/old.log")
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="copy")


def test_only_archived_objects_restore(s3, bucket):
    s3.put_object(Bucket=bucket, Key="hot", Body=b"x", StorageClass="STANDARD_IA")
    assert s3.get_object(Bucket=bucket, Key="hot")["Body"].read() == b"x"
    assert error_of(s3.restore_object, Bucket=bucket, Key="hot", RestoreRequest={"Days": 1}) == \
        ("InvalidObjectState", 403)
    s3.put_object(Bucket=bucket, Key="deep", Body=b"y", StorageClass="DEEP_ARCHIVE")
    assert error_of(s3.get_object, Bucket=bucket, Key="deep") == ("InvalidObjectState", 403)


def test_a_restored_copy_expires(tmp_path):
    clock = Clock()
    service = S3Service(tmp_path, now=clock)
    service.handle("CreateBucket", {"Bucket": "cold"}, CONTEXT)
    service.handle("PutObject", {"Bucket": "cold", "Key": "k", "Body": b"v", "StorageClass": "DEEP_ARCHIVE"}, CONTEXT)
    assert service.restore_object({"Bucket": "cold", "Key": "k", "RestoreRequest": {"Days": 1}}, CONTEXT) is True
    assert b"".join(service.handle("GetObject", {"Bucket": "cold", "Key": "k"}, CONTEXT)["Body"]) == b"v"
    clock.now += 2 * DAY  # past the next midnight after one day
    with pytest.raises(AwsError) as expired:
        service.handle("GetObject", {"Bucket": "cold", "Key": "k"}, CONTEXT)
    assert expired.value.code == "InvalidObjectState"
    service.close()
