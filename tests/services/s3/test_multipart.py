"""Multipart uploads through boto3 and its transfer manager."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib

import pytest
from boto3.s3.transfer import TransferConfig

from .test_buckets import error_of

MiB = 1024 * 1024


def test_upload_complete_and_etag(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ContentType="application/zip",
                                        Metadata={"m": "1"})["UploadId"]
    parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), b"tail"]
    etags = [s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=n, Body=data)["ETag"]
             for n, data in enumerate(parts, 1)]
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2, 3]
    assert [p["Size"] for p in listed["Parts"]] == [len(p) for p in parts]
    assert any(u["UploadId"] == upload for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"])
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    # The multipart ETag: the MD5 of the concatenated binary MD5s of the parts, then "-" and
    # the number of parts.
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert done["ETag"] == f'"{expected}-3"'
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == b"".join(parts)
    assert (got["ContentType"], got["Metadata"]) == ("application/zip", {"m": "1"})
    # GetObject partNumber: "Part number of the object being read ... Effectively performs a
    # 'ranged' GET request for the part specified."
    second = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert second["Body"].read() == parts[1] and second["PartsCount"] == 3
    assert error_of(s3.list_parts, Bucket=bucket, Key="big", UploadId=upload) == ("NoSuchUpload", 404)


def test_complete_errors(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"small")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=2, Body=b"last")["ETag"]
    # EntityTooSmall: "Your proposed upload is smaller than the minimum allowed object size.
    # Each part must be at least 5 MB in size, except the last part."
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]}) == ("EntityTooSmall", 400)
    # InvalidPartOrder: "The list of parts was not in ascending order."
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]}) == ("InvalidPartOrder", 400)
    # InvalidPart: "One or more of the specified parts could not be found."
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": '"0123"'}]}) == ("InvalidPart", 400)
    assert error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload, PartNumber=10001,
                    Body=b"x")[0] == "InvalidArgument"
    # A single small part is fine: only parts before the last have the minimum.
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}]})
    assert done["ETag"].endswith('-1"')
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"small"


def test_conditional_complete_and_storage_class(s3, bucket):
    # CompleteMultipartUpload IfNoneMatch: "Uploads the object only if the object key name does
    # not already exist … Otherwise, Amazon S3 returns a 412 Precondition Failed error … Expects
    # the '*' (asterisk) character."
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"new")["ETag"]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts,
                    IfNoneMatch="*") == ("PreconditionFailed", 412)
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts,
                    IfNoneMatch=etag) == ("NotImplemented", 501)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"old"
    # "InvalidStorageClass — The storage class you specified is not valid."
    assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="other", StorageClass="NEARLINE") == \
        ("InvalidStorageClass", 400)


def test_abort(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x")
    assert s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    assert error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                    Body=b"x") == ("NoSuchUpload", 404)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_upload_part_copy_with_range(s3, bucket):
    source = os.urandom(6 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=f"bytes=0-{5 * MiB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload, PartNumber=2,
                                 CopySource=f"{bucket}/src", CopySourceRange=f"bytes={5 * MiB}-{6 * MiB - 1}")
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == source


@pytest.mark.parametrize("checksum_type", ["COMPOSITE", "FULL_OBJECT"])
def test_multipart_crc32_checksums(s3, bucket, checksum_type):
    parts = [os.urandom(5 * MiB), b"end"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c", ChecksumAlgorithm="CRC32",
                                        ChecksumType=checksum_type)["UploadId"]
    sent = []
    for n, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="c", UploadId=upload, PartNumber=n, Body=data,
                                ChecksumAlgorithm="CRC32")
        sent.append({"PartNumber": n, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="c", UploadId=upload, MultipartUpload={"Parts": sent})
    whole = base64.b64encode(zlib.crc32(b"".join(parts)).to_bytes(4, "big")).decode()
    if checksum_type == "FULL_OBJECT":
        assert done["ChecksumCRC32"] == whole
    else:
        # A composite checksum is the checksum of the parts' checksums, with "-N".
        raw = b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in sent)
        assert done["ChecksumCRC32"] == base64.b64encode(zlib.crc32(raw).to_bytes(4, "big")).decode() + "-2"
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head["ChecksumType"] == checksum_type


def test_transfer_manager_upload_and_download(s3, bucket, tmp_path):
    data = os.urandom(12 * MiB)
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=3)
    s3.upload_file(str(source), bucket, "file.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="file.bin")["ETag"].endswith('-3"')
    target = tmp_path / "out.bin"
    s3.download_file(bucket, "file.bin", str(target), Config=config)
    assert target.read_bytes() == data


def test_list_multipart_uploads_groups_and_pages(s3, bucket):
    # "All keys that contain the same string between the prefix, if specified, and the first
    # occurrence of the delimiter after the prefix are grouped under a single result element,
    # CommonPrefixes."; uploads are "sorted in ascending order based on their object keys" and,
    # for one key, "in ascending order based on the upload initiation time".
    ids = {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
           for key in ("a.bin", "logs/1", "logs/2", "z.bin")}
    second = s3.create_multipart_upload(Bucket=bucket, Key="a.bin")["UploadId"]
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [(u["Key"], u["UploadId"]) for u in grouped["Uploads"]] == \
        [("a.bin", ids["a.bin"]), ("a.bin", second), ("z.bin", ids["z.bin"])]
    assert [c["Prefix"] for c in grouped["CommonPrefixes"]] == ["logs/"]
    # A page of two, then the rest from its markers: "If upload-id-marker is not specified, only
    # the keys lexicographically greater than the specified key-marker will be included".
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert first["IsTruncated"] is True and len(first["Uploads"]) == 2
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=first["NextKeyMarker"],
                                     UploadIdMarker=first["NextUploadIdMarker"])
    assert rest["IsTruncated"] is False
    listed = first["Uploads"] + rest["Uploads"]
    assert sorted((u["Key"], u["UploadId"]) for u in listed) == \
        sorted([*((k, i) for k, i in ids.items()), ("a.bin", second)])
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a.bin")["Uploads"]] == \
        ["logs/1", "logs/2", "z.bin"]
    for key, upload in [*ids.items(), ("a.bin", second)]:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload)
