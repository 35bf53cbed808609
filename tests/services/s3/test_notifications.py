"""Event notifications to Lambda: the documented record (eventVersion 2.1), matched by event
name and key filters."""

from __future__ import annotations

import pytest

from .test_buckets import error_of
from .wire.test_post import post

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:on-upload"


@pytest.fixture
def delivered(s3_server):
    seen: list[tuple[str, dict]] = []
    s3_server.service.set_deliverer(lambda function, event, context: seen.append((function, event)))
    yield seen
    s3_server.service.set_deliverer(None)


def configure(s3, bucket, events, rules=None):
    config = {"Id": "uploads", "LambdaFunctionArn": FUNCTION, "Events": events}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [config]})


def test_object_created_record(s3, bucket, delivered):
    configure(s3, bucket, ["s3:ObjectCreated:*"], [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix",
                                                                                        "Value": ".pdf"}])
    put = s3.put_object(Bucket=bucket, Key="in/my receipt+1.pdf", Body=b"%PDF")
    s3.put_object(Bucket=bucket, Key="out/ignored.pdf", Body=b"x")
    s3.put_object(Bucket=bucket, Key="in/ignored.txt", Body=b"x")
    assert len(delivered) == 1
    function, event = delivered[0]
    record = event["Records"][0]
    assert function == FUNCTION
    # The event message structure: "eventVersion":"2.1", "eventSource":"aws:s3", … "s3":
    # {"s3SchemaVersion":"1.0", "configurationId": …, "bucket": {"name": …, "arn": …},
    # "object": {"key": …, "size": …, "eTag": …, "sequencer": …}}.
    assert (record["eventVersion"], record["eventSource"], record["eventName"]) == ("2.1", "aws:s3",
                                                                                     "ObjectCreated:Put")
    assert record["s3"]["configurationId"] == "uploads"
    assert record["s3"]["bucket"] == {"name": bucket, "ownerIdentity": {"principalId": "123456789012"},
                                      "arn": f"arn:aws:s3:::{bucket}"}
    # "The s3 key provided in the event notification is URL encoded."
    assert record["s3"]["object"]["key"] == "in/my+receipt%2B1.pdf"
    assert record["s3"]["object"]["eTag"] == put["ETag"].strip('"')
    assert record["s3"]["object"]["size"] == 4


def test_removed_and_copy_events(s3, bucket, delivered):
    configure(s3, bucket, ["s3:ObjectRemoved:*", "s3:ObjectCreated:Copy"])
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/a")
    s3.delete_object(Bucket=bucket, Key="a")
    assert [e["Records"][0]["eventName"] for _, e in delivered] == ["ObjectCreated:Copy", "ObjectRemoved:Delete"]


def test_multipart_completion_event(s3, bucket, delivered):
    configure(s3, bucket, ["s3:ObjectCreated:CompleteMultipartUpload"])
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="m", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert [e["Records"][0]["eventName"] for _, e in delivered] == ["ObjectCreated:CompleteMultipartUpload"]


def test_failed_delivery_does_not_fail_the_write(s3_server, s3, bucket, caplog):
    def broken(function, event, context):
        raise RuntimeError("lambda is down")
    s3_server.service.set_deliverer(broken)
    try:
        configure(s3, bucket, ["s3:ObjectCreated:*"])
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    finally:
        s3_server.service.set_deliverer(None)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    assert "lambda is down" in caplog.text


def test_form_upload_is_a_post_event(s3_server, s3, bucket, delivered):
    # Supported event types: "s3:ObjectCreated:Put, s3:ObjectCreated:Post, s3:ObjectCreated:Copy,
    # s3:ObjectCreated:CompleteMultipartUpload – Amazon S3 APIs such as PUT, POST, and COPY can
    # create an object. With these event types, you can enable notifications when an object is
    # created using a specific API operation."
    configure(s3, bucket, ["s3:ObjectCreated:Post"])
    s3.put_object(Bucket=bucket, Key="put.txt", Body=b"x")
    form = s3.generate_presigned_post(bucket, "form.txt")
    assert post(s3_server.endpoint, form, b"y")[0] == 204
    assert [(e["Records"][0]["eventName"], e["Records"][0]["s3"]["object"]["key"]) for _, e in delivered] == \
        [("ObjectCreated:Post", "form.txt")]


def test_unknown_event_types_are_refused(s3, bucket):
    # PutBucketNotificationConfiguration takes the event types S3 publishes ("Supported event
    # types"); S3 refuses another with InvalidArgument "The event is not supported for
    # notifications" (as moto records it), keeping the configuration it had.
    configure(s3, bucket, ["s3:ObjectCreated:*"])
    assert error_of(configure, s3, bucket, ["s3:ObjectCreated:Upload"]) == ("InvalidArgument", 400)
    kept = s3.get_bucket_notification_configuration(Bucket=bucket)["LambdaFunctionConfigurations"]
    assert kept[0]["Events"] == ["s3:ObjectCreated:*"]


def test_sequencers_order_the_events_of_one_key(s3, bucket, delivered):
    # Event message structure: "The sequencer key provides a way to determine the sequence of
    # events … If you receive notifications for the same object key, … the event with the
    # greater sequencer value occurred later." (hex strings; compare them as numbers)
    configure(s3, bucket, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.put_object(Bucket=bucket, Key="k", Body=b"2")
    s3.delete_object(Bucket=bucket, Key="k")
    events = [(e["Records"][0]["eventName"], int(e["Records"][0]["s3"]["object"]["sequencer"], 16))
              for _, e in delivered]
    assert [name for name, _ in events] == ["ObjectCreated:Put", "ObjectCreated:Put", "ObjectRemoved:Delete"]
    assert events[0][1] < events[1][1] < events[2][1]


def test_tagging_and_restore_events(s3, bucket, delivered):
    # Supported event types: "s3:ObjectTagging:Put" / "s3:ObjectTagging:Delete" (a tag set added
    # to or removed from an object), "s3:ObjectRestore:Post" (a restore initiated) and
    # "s3:ObjectRestore:Completed" (the restore done).
    configure(s3, bucket, ["s3:ObjectTagging:*", "s3:ObjectRestore:*"])
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="doc", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="doc")
    s3.put_object(Bucket=bucket, Key="cold", Body=b"y", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})  # a renewal: no new restore
    assert [(e["Records"][0]["eventName"], e["Records"][0]["s3"]["object"]["key"]) for _, e in delivered] == [
        ("ObjectTagging:Put", "doc"), ("ObjectTagging:Delete", "doc"),
        ("ObjectRestore:Post", "cold"), ("ObjectRestore:Completed", "cold")]
