"""Lifecycle rules applied by the sweep: expiration, noncurrent versions, incomplete uploads."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError, RequestContext
from statewright.services.s3 import S3Service, objects

DAY = 86400.0
CONTEXT = RequestContext()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make(tmp_path):
    clock = Clock()
    service = S3Service(tmp_path, now=clock)
    service.handle("CreateBucket", {"Bucket": "life"}, CONTEXT)
    return service, clock


def keys(service):
    listed = service.handle("ListObjectsV2", {"Bucket": "life"}, CONTEXT)
    return [o["Key"] for o in listed["Contents"]]


def test_expiration_days_with_prefix(tmp_path):
    service, clock = make(tmp_path)
    service.handle("PutBucketLifecycleConfiguration", {"Bucket": "life", "LifecycleConfiguration": {"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1}}]}}, CONTEXT)
    for key in ("logs/a", "logs/b", "keep/c"):
        service.handle("PutObject", {"Bucket": "life", "Key": key, "Body": b"x"}, CONTEXT)
    assert service.apply_lifecycle() == 0
    # "Amazon S3 calculates the time by adding the number of days specified in the rule to the
    # object creation time and rounding the resulting time to the next day midnight UTC."
    clock.now += 2 * DAY
    assert service.apply_lifecycle() == 2
    assert keys(service) == ["keep/c"]
    service.close()


def test_abort_incomplete_multipart_uploads(tmp_path):
    service, clock = make(tmp_path)
    service.handle("PutBucketLifecycleConfiguration", {"Bucket": "life", "LifecycleConfiguration": {"Rules": [
        {"ID": "mpu", "Status": "Enabled", "Filter": {"Prefix": ""},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}}, CONTEXT)
    upload = service.handle("CreateMultipartUpload", {"Bucket": "life", "Key": "big"}, CONTEXT)["UploadId"]
    service.handle("UploadPart", {"Bucket": "life", "Key": "big", "UploadId": upload, "PartNumber": 1,
                                  "Body": b"part"}, CONTEXT)
    clock.now += 3 * DAY
    assert service.apply_lifecycle() == 0
    clock.now += 5 * DAY
    assert service.apply_lifecycle() == 1
    assert service.handle("ListMultipartUploads", {"Bucket": "life"}, CONTEXT)["Uploads"] == []
    assert not [p for p in (tmp_path / "objects").rglob("*") if p.is_file()]
    service.close()


def test_disabled_rules_do_nothing_and_versioned_expiry_adds_a_marker(tmp_path):
    service, clock = make(tmp_path)
    service.handle("PutBucketVersioning", {"Bucket": "life", "VersioningConfiguration": {"Status": "Enabled"}},
                   CONTEXT)
    service.handle("PutBucketLifecycleConfiguration", {"Bucket": "life", "LifecycleConfiguration": {"Rules": [
        {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}},
        {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "v/"}, "Expiration": {"Days": 1},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}}, CONTEXT)
    service.handle("PutObject", {"Bucket": "life", "Key": "v/doc", "Body": b"1"}, CONTEXT)
    service.handle("PutObject", {"Bucket": "life", "Key": "other", "Body": b"1"}, CONTEXT)
    clock.now += 2 * DAY
    service.apply_lifecycle()
    # In a versioned bucket, expiring the current version adds a delete marker; the data stays
    # as a noncurrent version until NoncurrentVersionExpiration removes it.
    assert keys(service) == ["other"]
    versions = service.handle("ListObjectVersions", {"Bucket": "life", "Prefix": "v/"}, CONTEXT)
    assert len(versions["Versions"]) == 1 and len(versions["DeleteMarkers"]) == 1
    clock.now += 40 * DAY
    service.apply_lifecycle()
    versions = service.handle("ListObjectVersions", {"Bucket": "life", "Prefix": "v/"}, CONTEXT)
    assert versions["Versions"] == []
    service.close()


def test_background_sweeper_stops_on_close(tmp_path):
    service = S3Service(tmp_path, sweep_interval=0.05)
    assert service.sweeper is not None and service.sweeper.thread.is_alive()
    service.close()
    assert not service.sweeper.thread.is_alive()


def test_expiration_notifies_lifecycle_events(tmp_path):
    service, clock = make(tmp_path)
    seen = []
    service.set_deliverer(lambda function, event, context: seen.append(event["Records"][0]["eventName"]))
    service.handle("PutBucketNotificationConfiguration", {"Bucket": "life", "NotificationConfiguration": {
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                                          "Events": ["s3:LifecycleExpiration:*"]}]}}, CONTEXT)
    service.handle("PutBucketLifecycleConfiguration", {"Bucket": "life", "LifecycleConfiguration": {"Rules": [
        {"ID": "all", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]}}, CONTEXT)
    service.handle("PutObject", {"Bucket": "life", "Key": "old", "Body": b"x"}, CONTEXT)
    clock.now += 2 * DAY
    service.apply_lifecycle()
    # Lifecycle deletions are "s3:LifecycleExpiration:Delete" events, not ObjectRemoved ones.
    assert seen == ["LifecycleExpiration:Delete"]
    service.close()


def test_days_must_be_positive(tmp_path):
    # LifecycleExpiration Days and NoncurrentVersionExpiration NoncurrentDays: "The value must be
    # a non-zero positive integer."
    service, _ = make(tmp_path)
    for action in ({"Expiration": {"Days": 0}}, {"NoncurrentVersionExpiration": {"NoncurrentDays": -1}},
                   {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 0}}):
        rule = {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""}, **action}
        with pytest.raises(AwsError) as refused:
            service.handle("PutBucketLifecycleConfiguration",
                           {"Bucket": "life", "LifecycleConfiguration": {"Rules": [rule]}}, CONTEXT)
        assert (refused.value.code, refused.value.status) == ("InvalidArgument", 400)
    with pytest.raises(AwsError) as nothing_kept:
        service.handle("GetBucketLifecycleConfiguration", {"Bucket": "life"}, CONTEXT)
    assert nothing_kept.value.code == "NoSuchLifecycleConfiguration"
    service.close()


def test_transitions_change_the_storage_class(tmp_path):
    service, clock = make(tmp_path)
    big, small = b"x" * (200 * 1024), b"tiny"
    for key, body in (("logs/big", big), ("logs/small", small), ("sized/small", small)):
        service.handle("PutObject", {"Bucket": "life", "Key": key, "Body": body}, CONTEXT)
    steps = [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}]
    service.handle("PutBucketLifecycleConfiguration", {"Bucket": "life", "LifecycleConfiguration": {"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Transitions": steps},
        {"ID": "sized", "Status": "Enabled", "Filter": {"And": {"Prefix": "sized/", "ObjectSizeGreaterThan": 0}},
         "Transitions": steps}]}}, CONTEXT)

    def storage(key):
        return service.handle("HeadObject", {"Bucket": "life", "Key": key}, CONTEXT).get("StorageClass", "STANDARD")

    clock.now += 31 * DAY
    service.apply_lifecycle()
    # TransitionDefaultMinimumObjectSize: "all_storage_classes_128K - Objects smaller than 128 KB
    # will not transition to any storage class by default … Custom filters always take
    # precedence over the default transition behavior."
    assert [storage(k) for k in ("logs/big", "logs/small", "sized/small")] == \
        ["STANDARD_IA", "STANDARD", "STANDARD_IA"]
    clock.now += 60 * DAY
    service.apply_lifecycle()
    assert storage("logs/big") == "GLACIER"
    with pytest.raises(AwsError) as archived:
        service.handle("GetObject", {"Bucket": "life", "Key": "logs/big"}, CONTEXT)
    assert archived.value.code == "InvalidObjectState"
    service.close()


def test_expiry_spares_a_write_newer_than_the_sweep_saw(tmp_path):
    # Expiration counts from "the object creation time": an object written after the sweep
    # listed the key's due version is not due, and must survive that sweep's delete.
    service, clock = make(tmp_path)
    service.handle("PutObject", {"Bucket": "life", "Key": "k", "Body": b"old"}, CONTEXT)
    due = service.catalog.current("life", "k")
    clock.now += 2 * DAY
    service.handle("PutObject", {"Bucket": "life", "Key": "k", "Body": b"new"}, CONTEXT)
    state = service.state(CONTEXT)
    assert objects.remove(state, "life", "k", None, cause="LifecycleExpiration", only_seq=due.seq) == {}
    assert b"".join(service.handle("GetObject", {"Bucket": "life", "Key": "k"}, CONTEXT)["Body"]) == b"new"
    service.close()


def test_small_objects_may_go_to_glacier_when_asked(tmp_path):
    # TransitionDefaultMinimumObjectSize: "varies_by_storage_class - Objects smaller than 128 KB
    # will transition to Glacier Flexible Retrieval or Glacier Deep Archive storage classes. By
    # default, all other storage classes will prevent transitions smaller than 128 KB."
    service, clock = make(tmp_path)
    seen = []
    service.set_deliverer(lambda function, event, context: seen.append(
        (event["Records"][0]["eventName"], event["Records"][0]["s3"]["object"]["key"])))
    service.handle("PutBucketNotificationConfiguration", {"Bucket": "life", "NotificationConfiguration": {
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                                          "Events": ["s3:LifecycleTransition"]}]}}, CONTEXT)
    service.handle("PutObject", {"Bucket": "life", "Key": "a", "Body": b"small"}, CONTEXT)
    service.handle("PutObject", {"Bucket": "life", "Key": "b", "Body": b"small"}, CONTEXT)
    rules = {"Rules": [
        {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": "a"}, "Transitions": [
            {"Days": 1, "StorageClass": "STANDARD_IA"}]},
        {"ID": "glacier", "Status": "Enabled", "Filter": {"Prefix": "b"}, "Transitions": [
            {"Days": 1, "StorageClass": "GLACIER"}]}]}
    put = service.handle("PutBucketLifecycleConfiguration", {
        "Bucket": "life", "LifecycleConfiguration": rules, "TransitionDefaultMinimumObjectSize": "varies_by_storage_class"},
        CONTEXT)
    assert put == {"TransitionDefaultMinimumObjectSize": "varies_by_storage_class"}
    got = service.handle("GetBucketLifecycleConfiguration", {"Bucket": "life"}, CONTEXT)
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    clock.now += 2 * DAY
    service.apply_lifecycle()
    classes = [service.handle("HeadObject", {"Bucket": "life", "Key": k}, CONTEXT).get("StorageClass", "STANDARD")
               for k in ("a", "b")]
    assert classes == ["STANDARD", "GLACIER"]
    # "s3:LifecycleTransition": an object transitioned to another storage class.
    assert seen == [("LifecycleTransition", "b")]
    service.close()
