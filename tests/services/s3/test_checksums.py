"""Content-MD5 and flexible checksums (CRC32, CRC32C, SHA1, SHA256, CRC64NVME) through boto3."""

from __future__ import annotations

import base64
import hashlib

import pytest

from statewright.services.s3 import checksums

from .test_buckets import error_of


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_checksums_verified_stored_and_returned(s3, bucket, algorithm):
    body = b"attachment bytes" * 1000
    put = s3.put_object(Bucket=bucket, Key="c", Body=body, ChecksumAlgorithm=algorithm)
    expected = checksums.of_bytes(algorithm, body)
    assert put[f"Checksum{algorithm}"] == expected
    # GetObject ChecksumMode: "To retrieve the checksum, this mode must be enabled."
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == expected and got["Body"].read() == body
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key="c")


def test_known_check_values():
    # The standard check value of each CRC over "123456789".
    assert base64.b64decode(checksums.of_bytes("CRC32", b"123456789")).hex() == "cbf43926"
    assert base64.b64decode(checksums.of_bytes("CRC32C", b"123456789")).hex() == "e3069283"
    assert base64.b64decode(checksums.of_bytes("CRC64NVME", b"123456789")).hex() == "ae8b14860a799888"


def test_wrong_checksum_is_bad_digest(s3, bucket):
    wrong = checksums.of_bytes("SHA256", b"something else")
    # "BadDigest: The Content-MD5 or checksum value that you specified did not match what the
    # server received."
    assert error_of(s3.put_object, Bucket=bucket, Key="c", Body=b"data", ChecksumSHA256=wrong) == ("BadDigest", 400)
    assert error_of(s3.head_object, Bucket=bucket, Key="c") == ("404", 404)


def test_content_md5(s3, bucket):
    body = b"checked"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="m", Body=body, ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert error_of(s3.put_object, Bucket=bucket, Key="m", Body=body, ContentMD5=bad) == ("BadDigest", 400)
    # InvalidDigest: "The Content-MD5 or checksum value that you specified is not valid."
    assert error_of(s3.put_object, Bucket=bucket, Key="m", Body=body, ContentMD5="not-base64!") == \
        ("InvalidDigest", 400)
    assert s3.get_object(Bucket=bucket, Key="m")["Body"].read() == body
