"""Objects through boto3: writes, reads with conditions and ranges, deletes, copies, tags,
attributes."""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.error
import urllib.request

import pytest

from statewright.services.common import RequestContext
from statewright.services.s3 import S3Service
from statewright.services.s3.objects import update_info

from .test_buckets import error_of


def test_put_get_metadata_and_content_headers(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"receipt", ContentType="text/plain",
                        ContentEncoding="identity", ContentDisposition='attachment; filename="r.txt"',
                        CacheControl="max-age=60", ContentLanguage="en", Metadata={"Owner": "ana"})
    # "The entity tag is a hash of the object ... the ETag is an MD5 digest of the object data"
    # for objects uploaded by PutObject (without SSE-KMS).
    assert put["ETag"] == f'"{hashlib.md5(b"receipt").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="doc.txt")
    assert got["Body"].read() == b"receipt"
    assert (got["ContentType"], got["ContentEncoding"], got["ContentDisposition"], got["CacheControl"],
            got["ContentLanguage"]) == ("text/plain", "identity", 'attachment; filename="r.txt"', "max-age=60", "en")
    # User metadata names come back lower-cased (HTTP header names are case-insensitive).
    assert got["Metadata"] == {"owner": "ana"}
    assert got["ContentLength"] == 7 and got["ETag"] == put["ETag"]
    head = s3.head_object(Bucket=bucket, Key="doc.txt")
    assert head["ContentLength"] == 7 and head["Metadata"] == {"owner": "ana"}


def test_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="raw", Body=b"x")
    # PutObject with no Content-Type: S3 stores "binary/octet-stream".
    assert s3.head_object(Bucket=bucket, Key="raw")["ContentType"] == "binary/octet-stream"


def test_missing_key(s3, bucket):
    assert error_of(s3.get_object, Bucket=bucket, Key="nope") == ("NoSuchKey", 404)
    # HEAD responses have no body, so the code is the status.
    assert error_of(s3.head_object, Bucket=bucket, Key="nope") == ("404", 404)


def test_if_none_match_star_is_a_conditional_create(s3, bucket):
    # PutObject IfNoneMatch: "Uploads the object only if the object key name does not already
    # exist in the bucket specified. Otherwise, Amazon S3 returns a 412 Precondition Failed error."
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    assert error_of(s3.put_object, Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*") == \
        ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_if_none_match_takes_only_the_asterisk(s3, bucket):
    # PutObject IfNoneMatch: "Expects the '*' (asterisk) character." AWS's error table:
    # "NotImplemented — A header you provided implies functionality that is not implemented." (501)
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["ETag"]
    for value in (etag, '"0000"'):
        assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"2", IfNoneMatch=value) == \
            ("NotImplemented", 501)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"1"


def test_user_metadata_is_limited_to_2_kb(s3, bucket):
    # "Within the PUT request header, the user-defined metadata is limited to 2 KB in size. The
    # size of user-defined metadata is measured by taking the sum of the number of bytes in the
    # UTF-8 encoding of each key and value." Error table: "MetadataTooLarge … 400 Bad Request".
    s3.put_object(Bucket=bucket, Key="fits", Body=b"x", Metadata={"note": "x" * (2048 - 4)})
    assert len(s3.head_object(Bucket=bucket, Key="fits")["Metadata"]["note"]) == 2044
    assert error_of(s3.put_object, Bucket=bucket, Key="big", Body=b"x", Metadata={"note": "x" * 2045}) == \
        ("MetadataTooLarge", 400)  # one byte more
    assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="big", Metadata={"n": "x" * 2048}) == \
        ("MetadataTooLarge", 400)


def test_storage_classes(s3, bucket):
    # PutObject x-amz-storage-class: "Valid Values: STANDARD | REDUCED_REDUNDANCY | STANDARD_IA |
    # ONEZONE_IA | INTELLIGENT_TIERING | GLACIER | DEEP_ARCHIVE | OUTPOSTS | GLACIER_IR | …";
    # AWS's error table: "InvalidStorageClass — The storage class you specified is not valid." (400)
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="ia")["StorageClass"] == "STANDARD_IA"
    assert error_of(s3.put_object, Bucket=bucket, Key="bad", Body=b"x", StorageClass="CHEAP") == \
        ("InvalidStorageClass", 400)
    assert error_of(s3.copy_object, Bucket=bucket, Key="copy", CopySource=f"{bucket}/ia",
                    StorageClass="standard") == ("InvalidStorageClass", 400)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["ia"]


def test_if_match_on_put(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["ETag"]
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"2", IfMatch='"0000"') == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="k", Body=b"2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"2"


def test_conditional_reads(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"data")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    later = modified + dt.timedelta(hours=1)
    earlier = modified - dt.timedelta(hours=1)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"data"
    # "If-Match ... Return the object only if its entity tag (ETag) is the same as the one
    # specified in this header; otherwise, return a 412 Precondition Failed error."
    assert error_of(s3.get_object, Bucket=bucket, Key="c", IfMatch='"x"') == ("PreconditionFailed", 412)
    # "If-None-Match ... otherwise, return a 304 Not Modified error."
    assert error_of(s3.get_object, Bucket=bucket, Key="c", IfNoneMatch=etag) == ("304", 304)
    assert error_of(s3.get_object, Bucket=bucket, Key="c", IfModifiedSince=later) == ("304", 304)
    assert error_of(s3.get_object, Bucket=bucket, Key="c", IfUnmodifiedSince=earlier) == ("PreconditionFailed", 412)
    # "If both of the If-Match and If-Unmodified-Since headers are present ... If-Match
    # condition evaluates to true, and; If-Unmodified-Since condition evaluates to false; then,
    # S3 returns 200 OK and the data requested."
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=earlier)["Body"].read() == b"data"
    # "If-None-Match condition evaluates to false, and; If-Modified-Since condition evaluates to
    # true; then, S3 returns 304 Not Modified".
    assert error_of(s3.get_object, Bucket=bucket, Key="c", IfNoneMatch=etag, IfModifiedSince=earlier) == ("304", 304)
    assert error_of(s3.head_object, Bucket=bucket, Key="c", IfMatch='"x"') == ("412", 412)


@pytest.mark.parametrize(("header", "expected", "content_range"), [
    ("bytes=0-3", b"0123", "bytes 0-3/10"),
    ("bytes=7-", b"789", "bytes 7-9/10"),
    ("bytes=-2", b"89", "bytes 8-9/10"),
    ("bytes=5-100", b"56789", "bytes 5-9/10"),
])
def test_ranges(s3, bucket, header, expected, content_range):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="digits", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (got["Body"].read(), got["ContentRange"], got["ContentLength"]) == (expected, content_range, len(expected))


def test_unsatisfiable_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    assert error_of(s3.get_object, Bucket=bucket, Key="digits", Range="bytes=10-") == ("InvalidRange", 416)


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="f", Body=b"x", ContentType="text/plain")
    # "You can override values for a set of response headers. These modified response header
    # values are included only in a successful response".
    got = s3.get_object(Bucket=bucket, Key="f", ResponseContentType="application/json",
                        ResponseContentDisposition="attachment", ResponseCacheControl="no-cache")
    assert (got["ContentType"], got["ContentDisposition"], got["CacheControl"]) == \
        ("application/json", "attachment", "no-cache")


def test_response_overrides_need_a_signed_request(s3_server, s3, bucket):
    # GetObject: "When you use these parameters, you must sign the request by using either an
    # Authorization header or a presigned URL. These parameters cannot be used with an unsigned
    # (anonymous) request."
    s3.put_object(Bucket=bucket, Key="f", Body=b"x", ContentType="text/plain")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint}/{bucket}/f?response-content-type=text/html", timeout=30)
    assert refused.value.code == 400 and b"<Code>InvalidRequest</Code>" in refused.value.read()
    with urllib.request.urlopen(f"{s3_server.endpoint}/{bucket}/f", timeout=30) as plain:
        assert plain.read() == b"x"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "f",
                                                          "ResponseContentType": "text/html"})
    with urllib.request.urlopen(url, timeout=30) as signed:
        assert signed.headers["Content-Type"] == "text/html"


def test_delete_object_and_objects(s3, bucket):
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="a")["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Deleting a key that does not exist succeeds (204) in an unversioned bucket.
    assert s3.delete_object(Bucket=bucket, Key="never")["ResponseMetadata"]["HTTPStatusCode"] == 204
    loud = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b"}]})
    assert loud["Deleted"] == [{"Key": "b"}]
    # "In quiet mode the response includes only keys where the delete action encountered an error."
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_copy_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", ContentType="text/plain", Metadata={"a": "1"})
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dst")
    # MetadataDirective COPY (the default) copies the metadata; REPLACE takes the request's.
    assert (got["Body"].read(), got["Metadata"], got["ContentType"]) == (b"payload", {"a": "1"}, "text/plain")
    s3.copy_object(Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   Metadata={"b": "2"}, ContentType="application/octet-stream")
    got = s3.head_object(Bucket=bucket, Key="dst2")
    assert (got["Metadata"], got["ContentType"]) == ({"b": "2"}, "application/octet-stream")
    # Copying an object onto itself without changing anything is an InvalidRequest.
    assert error_of(s3.copy_object, Bucket=bucket, Key="src", CopySource=f"{bucket}/src")[0] == "InvalidRequest"
    assert error_of(s3.copy_object, Bucket=bucket, Key="x", CopySource=f"{bucket}/src",
                    CopySourceIfMatch='"nope"') == ("PreconditionFailed", 412)
    # Writing the source again does not change the copy (the copy is its own object).
    s3.put_object(Bucket=bucket, Key="src", Body=b"changed")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"payload"


def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="kind=receipt&year=2026")
    assert sorted(s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"], key=lambda t: t["Key"]) == \
        [{"Key": "kind", "Value": "receipt"}, {"Key": "year", "Value": "2026"}]
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    # "You can associate up to 10 tags with an object."
    eleven = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    assert error_of(s3.put_object_tagging, Bucket=bucket, Key="t", Tagging={"TagSet": eleven})[1] == 400


def test_get_object_attributes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="attr", Body=b"12345", ChecksumAlgorithm="SHA256")
    got = s3.get_object_attributes(Bucket=bucket, Key="attr",
                                   ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum"])
    assert got["ObjectSize"] == 5 and got["StorageClass"] == "STANDARD"
    assert got["ETag"] == hashlib.md5(b"12345").hexdigest()
    assert "ChecksumSHA256" in got["Checksum"]


def test_keys_with_special_characters_round_trip(s3, bucket):
    keys = ["sp ace", "plus+sign", "perc%ent", "q?uery", "hash#", "amp&er", "uni/ü€😀", "a//double", "/lead",
            "tilde~", "../../etc/passwd", "x" * 1024]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    for key in keys:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    # "List results are always returned in UTF-8 binary order."
    assert listed == sorted(keys, key=lambda k: k.encode())


def test_key_too_long(s3, bucket):
    # "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most
    # 1,024 bytes long."
    assert error_of(s3.put_object, Bucket=bucket, Key="é" * 513, Body=b"") == ("KeyTooLongError", 400)


def test_control_characters_in_keys(s3, bucket):
    key = "nul\x00and\x01bell\x07"
    s3.put_object(Bucket=bucket, Key=key, Body=b"ctl")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"ctl"
    # boto3 lists with encoding-type=url, so such keys come back intact.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    # An error naming such a key is still a well-formed XML document.
    assert error_of(s3.get_object, Bucket=bucket, Key=key + "x") == ("NoSuchKey", 404)


def test_a_description_change_never_lands_on_a_newer_write(tmp_path):
    # Last complete write wins, whole: a tag, ACL, restore or lifecycle change meant for the
    # object a request looked up must not copy that object's description onto a write that
    # replaced it in the meantime (both are the "null" version of the key).
    service, context = S3Service(tmp_path), RequestContext()
    service.handle("CreateBucket", {"Bucket": "race"}, context)
    service.handle("PutObject", {"Bucket": "race", "Key": "k", "Body": b"old", "ContentType": "text/old"}, context)
    looked_up = service.catalog.current("race", "k")
    service.handle("PutObject", {"Bucket": "race", "Key": "k", "Body": b"new", "ContentType": "text/new"}, context)
    assert update_info(service.state(context), looked_up, StorageClass="GLACIER") is False
    head = service.handle("HeadObject", {"Bucket": "race", "Key": "k"}, context)
    assert (head["ContentType"], head.get("StorageClass", "STANDARD")) == ("text/new", "STANDARD")
    service.close()
