"""Header signatures, checked when the front is asked to (`verify_headers=True`) and the access
key's secret is known: boto3's real requests (aws-chunked uploads, multipart, listings with
awkward keys) verify; a wrong secret is SignatureDoesNotMatch; an unknown key passes."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ..server import ThreadS3


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    with ThreadS3(tmp_path_factory.mktemp("strict"), verify_headers=True) as running:
        yield running


def client(endpoint: str, key: str = "test", secret: str = "test"):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0}))


def test_real_requests_verify(strict):
    s3 = client(strict.endpoint)
    s3.create_bucket(Bucket="strict-ok")
    s3.put_object(Bucket="strict-ok", Key="a b/ü+%.txt", Body=b"x" * 100_000, Metadata={"k": "v"})
    upload = s3.create_multipart_upload(Bucket="strict-ok", Key="m")["UploadId"]
    etag = s3.upload_part(Bucket="strict-ok", Key="m", UploadId=upload, PartNumber=1, Body=os.urandom(1000))["ETag"]
    s3.complete_multipart_upload(Bucket="strict-ok", Key="m", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    listed = s3.list_objects_v2(Bucket="strict-ok", Prefix="a b/", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["a b/ü+%.txt"]
    s3.delete_objects(Bucket="strict-ok", Delete={"Objects": [{"Key": "m"}]})
    s3.close()


def test_wrong_secret_is_refused(strict):
    s3 = client(strict.endpoint, secret="not-the-secret")
    with pytest.raises(ClientError) as caught:
        s3.list_buckets()
    # "SignatureDoesNotMatch: The request signature we calculated does not match the signature
    # you provided. Check your AWS secret access key and signing method."
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    s3.close()


def test_unknown_keys_are_not_checked(strict):
    s3 = client(strict.endpoint, key="AKIDUNKNOWN", secret="anything")
    assert "Buckets" in s3.list_buckets()
    s3.close()
