"""Browser form uploads with a presigned POST policy (`generate_presigned_post`)."""

from __future__ import annotations

import uuid
from xml.etree import ElementTree

import pytest

from ..server import s3_client
from .test_app import raw


def form_body(fields: dict[str, str], filename: str, data: bytes, file_type: str = "text/plain"):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {file_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture(params=["s3", "s3v4"])
def signer(request, s3_server):
    made = s3_client(s3_server.endpoint, signature_version=request.param)
    yield made
    made.close()


def post(endpoint, presigned, data, extra=None, filename="r.txt"):
    body, headers = form_body({**presigned["fields"], **(extra or {})}, filename, data)
    path = presigned["url"].split("//", 1)[1].split("/", 1)[1]
    return raw(endpoint, "POST", "/" + path, body, headers)


def test_presigned_post_uploads(s3_server, s3, signer, bucket):
    presigned = signer.generate_presigned_post(bucket, "uploads/${filename}", ExpiresIn=300, Conditions=[
        ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1000],
        {"success_action_status": "201"}], Fields={"success_action_status": "201"})
    status, _, body = post(s3_server.endpoint, presigned, b"receipt")
    # success_action_status 201: "Amazon S3 returns an XML document with a 201 status code".
    assert status == 201 and ElementTree.fromstring(body).findtext("Key") == "uploads/r.txt"
    got = s3.get_object(Bucket=bucket, Key="uploads/r.txt")
    assert got["Body"].read() == b"receipt" and got["ContentType"] == "text/plain"


def test_policy_conditions_enforced(s3_server, signer, bucket):
    presigned = signer.generate_presigned_post(bucket, "fixed.txt", ExpiresIn=300,
                                               Conditions=[["content-length-range", 1, 4]])
    status, _, body = post(s3_server.endpoint, presigned, b"too large")
    assert status == 400 and ElementTree.fromstring(body).findtext("Code") == "EntityTooLarge"
    # "Each form field that you specify in a form (except x-amz-signature, file, policy, and
    # field names that have an x-ignore- prefix) must appear in the list of conditions."
    status, _, body = post(s3_server.endpoint, presigned, b"ok", extra={"x-amz-meta-sneaky": "1"})
    assert status == 403 and ElementTree.fromstring(body).findtext("Code") == "AccessDenied"
    assert post(s3_server.endpoint, presigned, b"ok", extra={"x-ignore-me": "1"})[0] == 204
    # The key is fixed by the policy: another key breaks its condition.
    tampered = {**presigned, "fields": {**presigned["fields"], "key": "other.txt"}}
    assert post(s3_server.endpoint, tampered, b"ok")[0] == 403


def test_tampered_policy_signature(s3_server, signer, bucket):
    presigned = signer.generate_presigned_post(bucket, "k", ExpiresIn=300)
    fields = dict(presigned["fields"])
    name = "x-amz-signature" if "x-amz-signature" in fields else "signature"
    fields[name] = ("0" * 64) if name == "x-amz-signature" else "AAAA"
    status, _, body = post(s3_server.endpoint, {**presigned, "fields": fields}, b"ok")
    assert status == 403 and ElementTree.fromstring(body).findtext("Code") == "SignatureDoesNotMatch"


def test_success_action_redirect(s3_server, s3, bucket):
    target = "http://127.0.0.1:1/done"
    presigned = s3.generate_presigned_post(bucket, "r/${filename}", ExpiresIn=300, Fields={
        "success_action_redirect": target}, Conditions=[{"success_action_redirect": target},
                                                        ["starts-with", "$key", "r/"]])
    status, headers, _ = post(s3_server.endpoint, presigned, b"ok", filename="a b.txt")
    # "The URL to which the client is redirected upon successful upload. Amazon S3 appends the
    # bucket, key, and etag values as query string parameters to the URL."
    assert status == 303
    assert headers["location"].startswith(target + "?bucket=" + bucket + "&key=r%2Fa+b.txt&etag=")
    assert s3.get_object(Bucket=bucket, Key="r/a b.txt")["Body"].read() == b"ok"
