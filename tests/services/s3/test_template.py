"""`AWS::S3::Bucket` properties reconciled into a bucket, across restarts."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError, RequestContext
from statewright.services.s3 import S3Service
from statewright.services.s3.template import create_bucket_from_template

CONTEXT = RequestContext()
PROPERTIES = {
    "BucketName": "attachments",
    "VersioningConfiguration": {"Status": "Enabled"},
    "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["PUT"], "AllowedOrigins": ["http://localhost:3000"],
                                         "AllowedHeaders": ["*"], "MaxAge": 300}]},
    "LifecycleConfiguration": {"Rules": [{"Id": "tmp", "Status": "Enabled", "Prefix": "tmp/",
                                          "ExpirationInDays": 1}]},
    "NotificationConfiguration": {"LambdaConfigurations": [{
        "Event": "s3:ObjectCreated:*", "Function": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".pdf"}]}}}]},
    "Tags": [{"Key": "app", "Value": "tasks"}],
}


def test_template_bucket_created_and_reconciled(tmp_path):
    service = S3Service(tmp_path)
    attributes = create_bucket_from_template(service, "AttachmentsBucket", PROPERTIES, CONTEXT)
    assert attributes["Ref"] == "attachments" and attributes["Arn"] == "arn:aws:s3:::attachments"
    assert service.handle("GetBucketVersioning", {"Bucket": "attachments"}, CONTEXT)["Status"] == "Enabled"
    cors = service.handle("GetBucketCors", {"Bucket": "attachments"}, CONTEXT)["CORSRules"]
    assert cors == [{"AllowedMethods": ["PUT"], "AllowedOrigins": ["http://localhost:3000"],
                     "AllowedHeaders": ["*"], "MaxAgeSeconds": 300}]
    rules = service.handle("GetBucketLifecycleConfiguration", {"Bucket": "attachments"}, CONTEXT)["Rules"]
    assert rules[0]["Expiration"] == {"Days": 1} and rules[0]["Filter"] == {"Prefix": "tmp/"}
    notification = service.handle("GetBucketNotificationConfiguration", {"Bucket": "attachments"}, CONTEXT)
    assert notification["LambdaFunctionConfigurations"][0]["Filter"]["Key"]["FilterRules"] == [
        {"Name": "suffix", "Value": ".pdf"}]
    service.handle("PutObject", {"Bucket": "attachments", "Key": "kept.pdf", "Body": b"x"}, CONTEXT)
    service.close()

    # A restart with a changed template: objects stay, configuration follows the template.
    again = S3Service(tmp_path)
    changed = {k: v for k, v in PROPERTIES.items() if k not in ("CorsConfiguration", "VersioningConfiguration")}
    create_bucket_from_template(again, "AttachmentsBucket", changed, CONTEXT)
    assert b"".join(again.handle("GetObject", {"Bucket": "attachments", "Key": "kept.pdf"}, CONTEXT)["Body"]) == b"x"
    with pytest.raises(AwsError) as removed:
        again.handle("GetBucketCors", {"Bucket": "attachments"}, CONTEXT)
    assert removed.value.code == "NoSuchCORSConfiguration"
    assert again.handle("GetBucketVersioning", {"Bucket": "attachments"}, CONTEXT)["Status"] == "Suspended"
    again.close()
