"""Buckets through boto3: create, describe, list, delete, and stored configurations."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import unique
from .server import s3_client


def error_of(call, *args, **kwargs) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_list_head_delete(s3):
    name = unique()
    s3.create_bucket(Bucket=name)
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    s3.delete_bucket(Bucket=name)
    # HeadBucket: "If the bucket does not exist ... returns an HTTP status code 404 Not Found".
    assert error_of(s3.head_bucket, Bucket=name) == ("404", 404)


def test_recreating_an_owned_bucket(s3_server):
    # AWS: "Amazon S3 returns this error in all Amazon Web Services Regions except in the North
    # Virginia Region. For legacy compatibility, if you re-create an existing bucket that you
    # already own in the North Virginia Region, Amazon S3 returns 200 OK".
    east = s3_client(s3_server.endpoint)
    name = unique()
    east.create_bucket(Bucket=name)
    east.create_bucket(Bucket=name)
    west = _regional(s3_server.endpoint, "eu-west-1")
    other = unique()
    west.create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_of(west.create_bucket, Bucket=other,
                    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}) == ("BucketAlreadyOwnedByYou", 409)
    # GetBucketLocation: "Buckets in Region us-east-1 have a LocationConstraint of null."
    assert east.get_bucket_location(Bucket=name).get("LocationConstraint") is None
    assert west.get_bucket_location(Bucket=other)["LocationConstraint"] == "eu-west-1"
    east.close()
    west.close()


def _regional(endpoint: str, region: str):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0}))


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper-case", "under_score", "-start", "end-",
                                  "two..dots", "192.168.5.4", "xn--punycode", "name-s3alias"])
def test_invalid_bucket_names(s3, name):
    # AWS's general purpose bucket naming rules: 3-63 characters; lowercase letters, numbers,
    # dots and hyphens; begin and end with a letter or number; no adjacent periods; not an IP
    # address; not the prefix xn-- nor the suffix -s3alias.
    assert error_of(s3.create_bucket, Bucket=name)[0] in ("InvalidBucketName", "ParamValidationError")


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    # DeleteBucket: "All objects (including all object versions and delete markers) in the
    # bucket must be deleted before the bucket itself can be deleted."
    assert error_of(s3.delete_bucket, Bucket=bucket) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_missing_bucket(s3):
    assert error_of(s3.list_objects_v2, Bucket=unique()) == ("NoSuchBucket", 404)
    assert error_of(s3.put_object, Bucket=unique(), Key="k", Body=b"") == ("NoSuchBucket", 404)


def test_cors_configuration(s3, bucket):
    # GetBucketCors on a bucket without one: NoSuchCORSConfiguration, "The CORS configuration does not exist".
    assert error_of(s3.get_bucket_cors, Bucket=bucket) == ("NoSuchCORSConfiguration", 404)
    rules = [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"],
              "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    s3.delete_bucket_cors(Bucket=bucket)
    assert error_of(s3.get_bucket_cors, Bucket=bucket)[0] == "NoSuchCORSConfiguration"


def test_versioning_tagging_policy_encryption_access_block(s3, bucket):
    # GetBucketVersioning: "If the versioning state has never been set on a bucket, it has no
    # versioning state; a GetBucketVersioning request does not return a versioning state value."
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    assert error_of(s3.get_bucket_tagging, Bucket=bucket) == ("NoSuchTagSet", 404)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "ops"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "ops"}]

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                      "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    assert error_of(s3.get_bucket_policy, Bucket=bucket) == ("NoSuchBucketPolicy", 404)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    assert error_of(s3.put_bucket_policy, Bucket=bucket, Policy="not json") == ("MalformedPolicy", 400)

    # "All Amazon S3 buckets have encryption configured by default" (SSE-S3, AES256).
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
             "RestrictPublicBuckets": False}
    assert error_of(s3.get_public_access_block, Bucket=bucket)[0] == "NoSuchPublicAccessBlockConfiguration"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == block


def test_lifecycle_and_notification_configuration(s3, bucket):
    rules = [{"ID": "expire-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
              "Expiration": {"Days": 30}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[0] == "NoSuchLifecycleConfiguration"

    config = {"LambdaFunctionConfigurations": [{
        "Id": "on-upload", "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"}]}}}]}
    assert s3.get_bucket_notification_configuration(Bucket=bucket).get("LambdaFunctionConfigurations") is None
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["LambdaFunctionConfigurations"] == config["LambdaFunctionConfigurations"]


def test_buckets_survive_a_restart(tmp_path):
    from statewright.services.common import RequestContext
    from statewright.services.s3 import S3Service
    service = S3Service(tmp_path)
    service.handle("CreateBucket", {"Bucket": "kept"}, RequestContext())
    service.handle("PutObject", {"Bucket": "kept", "Key": "k", "Body": b"v"}, RequestContext())
    service.close()
    again = S3Service(tmp_path)
    got = again.handle("GetObject", {"Bucket": "kept", "Key": "k"}, RequestContext())
    assert b"".join(got["Body"]) == b"v"
    again.close()
