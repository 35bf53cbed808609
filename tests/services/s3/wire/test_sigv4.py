"""Presigned URLs from boto3: GET, PUT and HEAD work; expired and tampered URLs fail as on AWS."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from statewright.services.s3.wire.sigv4 import header_scope

from ..server import s3_client


@pytest.fixture(params=["s3", "s3v4"])
def signer(request, s3_server):
    """A client presigning with Signature Version 2 (boto3's default for S3 presigned URLs)
    or Version 4."""
    made = s3_client(s3_server.endpoint, signature_version=request.param)
    made.signature_version = request.param
    yield made
    made.close()


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """A request as a browser's fetch() sends it: only the headers given (no default
    Content-Type, which a SigV2 signature covers)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, f"{parts.path}?{parts.query}", body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def code_of(body: bytes) -> str | None:
    return ElementTree.fromstring(body).findtext("Code")


def test_presigned_get_put_head(s3, signer, bucket):
    put_url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    assert fetch(put_url, "PUT", b"from a browser")[0] == 200
    get_url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    assert fetch(get_url) == (200, b"from a browser")
    head_url = signer.generate_presigned_url("head_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    assert fetch(head_url, "HEAD")[0] == 200


def test_presigned_put_with_signed_content_type(s3, signer, bucket):
    url = signer.generate_presigned_url("put_object", ExpiresIn=300, Params={
        "Bucket": bucket, "Key": "typed", "ContentType": "image/png"})
    assert fetch(url, "PUT", b"png", {"Content-Type": "image/png"})[0] == 200
    assert s3.head_object(Bucket=bucket, Key="typed")["ContentType"] == "image/png"
    # The content type is a signed header: another one no longer matches the signature.
    status, body = fetch(url, "PUT", b"png", {"Content-Type": "text/html"})
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")


def test_expired_url(s3, signer, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1)
    time.sleep(2.2)
    status, body = fetch(url)
    # AWS answers an expired presigned URL with 403 AccessDenied "Request has expired".
    assert (status, code_of(body)) == (403, "AccessDenied")
    assert ElementTree.fromstring(body).findtext("Message") == "Request has expired"


@pytest.mark.parametrize("tamper", [
    lambda url: url.replace("/k?", "/other?"),
    lambda url: url.replace("X-Amz-Expires=300", "X-Amz-Expires=301").replace("Expires=1", "Expires=2"),
    lambda url: url.replace("Signature=", "Signature=AB").replace("X-Amz-ABSignature=", "X-Amz-Signature=00"),
])
def test_tampered_url(s3, signer, bucket, tamper):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other", Body=b"y")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    status, body = fetch(tamper(url))
    # SignatureDoesNotMatch: "The request signature we calculated does not match the signature
    # you provided. Check your AWS secret access key and signing method."
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")
    string_to_sign = ElementTree.fromstring(body).findtext("StringToSign", "")
    assert string_to_sign.startswith("AWS4-HMAC-SHA256\n") or string_to_sign.startswith("GET\n")


def test_presigned_url_is_checked_for_the_method(s3, signer, bucket):
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    status, body = fetch(url, "PUT", b"sneaky")
    assert (status, code_of(body)) == (403, "SignatureDoesNotMatch")


def test_expires_longer_than_a_week(s3_server, bucket):
    signer = s3_client(s3_server.endpoint, signature_version="s3v4")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801)
    status, body = fetch(url)
    signer.close()
    # "X-Amz-Expires must be less than a week (in seconds) that is 604800".
    assert (status, code_of(body)) == (400, "AuthorizationQueryParametersError")


def test_header_scope_names_the_region():
    scope = header_scope("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/s3/aws4_request, "
                         "SignedHeaders=host, Signature=abc")
    assert scope is not None and (scope.access_key, scope.region, scope.service) == ("AKID", "eu-west-1", "s3")


@pytest.mark.parametrize("key", ["with space/and+plus", "ünïcode/€", "odd!$&'()*,;=:@~chars", "per%cent"])
def test_presigned_urls_for_awkward_keys(s3, signer, bucket, key):
    put_url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
    assert fetch(put_url, "PUT", b"awkward")[0] == 200
    get_url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
    assert fetch(get_url) == (200, b"awkward")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"awkward"
