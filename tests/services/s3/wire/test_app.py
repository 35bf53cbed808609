"""The wire front over real HTTP: virtual-hosted addressing, S3's XML errors, Expect:
100-continue, unsupported subresources, the CLI-style plain bodies."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit
from xml.etree import ElementTree

import boto3
from botocore.config import Config

from ..conftest import unique


def raw(endpoint: str, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    parts = urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def virtual_client(endpoint: str):
    """boto3 in virtual-hosted style against `s3.localhost`: each request goes to the server's
    address with `Host: <bucket>.s3.localhost:<port>` (no DNS for *.localhost here)."""
    port = urlsplit(endpoint).port
    client = boto3.client("s3", endpoint_url=f"http://s3.localhost:{port}", region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 0}))

    def to_loopback(request, **_):
        parts = urlsplit(request.url)
        request.headers["Host"] = parts.netloc
        request.url = request.url.replace(f"//{parts.netloc}", f"//127.0.0.1:{port}", 1)

    client.meta.events.register("before-send.s3.*", to_loopback)
    return client


def test_virtual_hosted_style(s3_server, s3):
    client = virtual_client(s3_server.endpoint)
    name = unique()
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="dir/file.txt", Body=b"virtual")
    assert client.get_object(Bucket=name, Key="dir/file.txt")["Body"].read() == b"virtual"
    assert [o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"]] == ["dir/file.txt"]
    # The same bucket through path-style addressing.
    assert s3.get_object(Bucket=name, Key="dir/file.txt")["Body"].read() == b"virtual"
    client.close()


def test_error_shape(s3_server, bucket):
    status, headers, body = raw(s3_server.endpoint, "GET", f"/{bucket}/missing%20key")
    # S3's REST error responses: "<Error><Code>NoSuchKey</Code><Message>The resource you
    # requested does not exist</Message><Resource>…</Resource><RequestId>…</RequestId></Error>".
    assert status == 404 and headers["content-type"] == "application/xml"
    root = ElementTree.fromstring(body)
    assert root.tag == "Error" and root.findtext("Code") == "NoSuchKey"
    assert root.findtext("Key") == "missing key"
    assert root.findtext("RequestId") == headers["x-amz-request-id"]


def test_expect_100_continue_and_unsigned_body(s3_server, bucket):
    status, _, _ = raw(s3_server.endpoint, "PUT", f"/{bucket}/plain", b"plain body",
                       {"Expect": "100-continue", "Content-Type": "text/plain"})
    assert status == 200
    status, headers, body = raw(s3_server.endpoint, "GET", f"/{bucket}/plain")
    assert (status, body, headers["content-type"]) == (200, b"plain body", "text/plain")


def test_aws_chunked_body_with_signatures_and_trailer(s3_server, bucket):
    import base64
    import zlib
    data = b"0123456789" * 1000
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    chunks = [data[:8192], data[8192:]]
    body = b"".join(f"{len(c):x};chunk-signature={'0' * 64}\r\n".encode() + c + b"\r\n" for c in chunks)
    body += f"0;chunk-signature={'0' * 64}\r\nx-amz-checksum-crc32:{crc}\r\n\r\n".encode()
    headers = {"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data)), "x-amz-trailer": "x-amz-checksum-crc32"}
    status, answer, _ = raw(s3_server.endpoint, "PUT", f"/{bucket}/chunked", body, headers)
    assert status == 200 and answer["x-amz-checksum-crc32"] == crc
    assert raw(s3_server.endpoint, "GET", f"/{bucket}/chunked")[2] == data
    bad = body.replace(crc.encode(), b"AAAAAA==")
    status, _, error = raw(s3_server.endpoint, "PUT", f"/{bucket}/chunked", bad, headers)
    assert status == 400 and ElementTree.fromstring(error).findtext("Code") == "BadDigest"


def test_unsupported_subresource_is_not_implemented(s3_server, bucket):
    status, _, body = raw(s3_server.endpoint, "GET", f"/{bucket}?website")
    assert status == 501 and ElementTree.fromstring(body).findtext("Code") == "NotImplemented"


def test_non_utf8_path_is_invalid_uri(s3_server, bucket):
    status, _, body = raw(s3_server.endpoint, "GET", f"/{bucket}/%ff%fe")
    assert status == 400 and ElementTree.fromstring(body).findtext("Code") == "InvalidURI"


def test_head_error_has_no_body(s3_server, bucket):
    status, headers, body = raw(s3_server.endpoint, "HEAD", f"/{bucket}/none")
    assert status == 404 and body == b""


def test_malformed_xml(s3_server, bucket):
    status, _, body = raw(s3_server.endpoint, "PUT", f"/{bucket}?cors", b"<CORSConfiguration><CORSRule>",
                          {"Content-Type": "application/xml"})
    # MalformedXML: "The XML you provided was not well-formed or did not validate against our
    # published schema."
    assert status == 400 and ElementTree.fromstring(body).findtext("Code") == "MalformedXML"


def test_invalid_max_keys_names_the_argument(s3_server, bucket):
    status, _, body = raw(s3_server.endpoint, "GET", f"/{bucket}?list-type=2&max-keys=many")
    root = ElementTree.fromstring(body)
    assert status == 400 and root.findtext("Code") == "InvalidArgument"
    assert root.findtext("ArgumentName") == "max-keys"


def test_delete_marker_header_on_missing_current_version(s3_server, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="gone")
    status, headers, _ = raw(s3_server.endpoint, "GET", f"/{bucket}/gone")
    # "If the current version of the object is a delete marker, Amazon S3 behaves as if the
    # object was deleted and includes x-amz-delete-marker: true in the response."
    assert status == 404 and headers["x-amz-delete-marker"] == "true"


def test_presigned_urls_in_virtual_hosted_style(s3_server, s3, bucket):
    from botocore.config import Config as BotoConfig
    port = urlsplit(s3_server.endpoint).port
    s3.put_object(Bucket=bucket, Key="v/key.txt", Body=b"vhost")
    for version in ("s3", "s3v4"):
        signer = boto3.client("s3", endpoint_url=f"http://s3.localhost:{port}", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test",
                              config=BotoConfig(s3={"addressing_style": "virtual"}, signature_version=version))
        url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v/key.txt"},
                                            ExpiresIn=300)
        signer.close()
        parts = urlsplit(url)
        assert parts.hostname == f"{bucket}.s3.localhost"
        status, _, body = raw(s3_server.endpoint, "GET", f"{parts.path}?{parts.query}",
                              headers={"Host": parts.netloc})
        assert (status, body) == (200, b"vhost"), version
