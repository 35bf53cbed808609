"""Telling S3 requests apart for the edge."""

from __future__ import annotations

from statewright.services.s3.wire.detect import is_s3_request

SCOPE = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=x"


def test_marks_of_an_s3_request():
    assert is_s3_request("GET", "", {"host": "photos.s3.localhost:4590"})
    assert is_s3_request("PUT", "", {"host": "127.0.0.1:4590", "authorization": SCOPE.format("s3")})
    assert is_s3_request("GET", "X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=1",
                         {"host": "127.0.0.1"})
    assert is_s3_request("GET", "AWSAccessKeyId=test&Signature=abc&Expires=1", {"host": "127.0.0.1"})
    assert is_s3_request("PUT", "", {"host": "127.0.0.1", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})


def test_other_services_are_not_s3():
    assert not is_s3_request("POST", "", {"host": "127.0.0.1:4590", "authorization": SCOPE.format("states")})
    assert not is_s3_request("GET", "", {"host": "127.0.0.1:4590"})
    assert not is_s3_request("GET", "X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fexecute-api%2Faws4_request",
                             {"host": "127.0.0.1"})
