"""Buckets named like the edge's own paths (`console`, `health`, `restapis`) work through boto3,
presigned URLs and what a browser sends, while the edge keeps serving its own pages there.

On AWS these names are ordinary bucket names (the naming rules reserve none of them), so a
template or a user may well use them; only the shared local port makes them ambiguous."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from tests.e2e.server import ThreadServer, free_port
from tests.services.s3.server import s3_client
from tests.services.s3.wire.test_app import raw
from tests.services.s3.wire.test_post import form_body

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

EDGE_NAMES = ("console", "health", "restapis")
ORIGIN = "http://app.example"


def call(server, method: str, url: str, body: bytes = b"", headers: dict | None = None):
    """(status, lower-cased headers, body) for `url` (a path, or a full URL such as a presigned one)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return raw(server.endpoint, method, path, body, headers)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        s3 = s3_client(running.endpoint)
        for name in EDGE_NAMES:
            s3.create_bucket(Bucket=name)
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [{
                "AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET", "PUT", "POST"], "AllowedHeaders": ["*"]}]})
        s3.close()
        yield running


@pytest.fixture
def s3(server):
    client = s3_client(server.endpoint)
    yield client
    client.close()


@pytest.mark.parametrize("name", EDGE_NAMES)
def test_signed_requests_reach_the_bucket(s3, name):
    s3.put_object(Bucket=name, Key="index.html", Body=b"<p>mine</p>", ContentType="text/html")
    assert s3.get_object(Bucket=name, Key="index.html")["Body"].read() == b"<p>mine</p>"
    s3.head_bucket(Bucket=name)
    assert "index.html" in [item["Key"] for item in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert s3.list_objects(Bucket=name)["Name"] == name
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None


@pytest.mark.parametrize("name", EDGE_NAMES)
@pytest.mark.parametrize("version", ["s3v4", "s3"])  # SigV4 (X-Amz-Credential) and SigV2 query strings
def test_presigned_urls_reach_the_bucket(server, name, version):
    signer = s3_client(server.endpoint, signature_version=version)
    put = signer.generate_presigned_url("put_object", Params={"Bucket": name, "Key": f"up-{version}.txt"})
    assert call(server, "PUT", put, b"uploaded")[0] == 200
    get = signer.generate_presigned_url("get_object", Params={"Bucket": name, "Key": f"up-{version}.txt"})
    status, headers, body = call(server, "GET", get)
    signer.close()
    assert (status, body) == (200, b"uploaded")
    # S3's answer, not the console's page headers.
    assert "x-frame-options" not in headers


@pytest.mark.parametrize("name", EDGE_NAMES)
def test_a_browsers_preflight_reaches_the_bucket(server, name):
    # AWS, "Testing CORS": S3 answers a preflight whose origin, method and headers match a rule
    # with Access-Control-Allow-Origin and Access-Control-Allow-Methods echoing the request.
    status, headers, _ = call(server, "OPTIONS", f"/{name}/upload.txt", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"})
    assert status == 200
    assert headers["access-control-allow-origin"] == ORIGIN
    assert "PUT" in headers["access-control-allow-methods"]
    # And one no rule allows is S3's 403 in S3's XML shape, not the edge's 404/405.
    status, _, body = call(server, "OPTIONS", f"/{name}/upload.txt", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "PUT"})
    assert status == 403 and b"<Code>AccessForbidden</Code>" in body


@pytest.mark.parametrize("name", EDGE_NAMES)
def test_a_presigned_post_form_reaches_the_bucket(s3, server, name):
    form = s3.generate_presigned_post(name, "forms/receipt.txt")
    assert form["url"] == f"{server.endpoint}/{name}"
    body, headers = form_body(form["fields"], "receipt.txt", b"form body")
    status, _, answer = call(server, "POST", form["url"], body, headers)
    # AWS, POST Object: "success_action_status … If the value is not set … returns an empty
    # document with a 204 status code."
    assert status == 204, answer
    assert s3.get_object(Bucket=name, Key="forms/receipt.txt")["Body"].read() == b"form body"


@pytest.mark.parametrize("name", EDGE_NAMES)
def test_virtual_hosted_addressing_reaches_the_bucket_for_anonymous_reads(s3, server, name):
    s3.put_object(Bucket=name, Key="index.html", Body=b"bucket page")
    status, _, body = call(server, "GET", "/index.html",
                           headers={"Host": f"{name}.s3.localhost:{server.config.settings.port}"})
    assert (status, body) == (200, b"bucket page")


def test_unsigned_reads_under_a_bucket_name_the_edge_does_not_serve_reach_the_bucket(s3, server):
    s3.put_object(Bucket="health", Key="status.json", Body=b'{"mine": true}')
    assert call(server, "GET", "/health/status.json")[2] == b'{"mine": true}'


def test_the_edge_keeps_its_own_pages(server):
    assert json.loads(call(server, "GET", "/health")[2]) == {"status": "ok"}
    status, headers, _ = call(server, "GET", "/console/")
    assert status == 200 and headers.get("x-frame-options") == "SAMEORIGIN"
    # API Gateway's invoke URLs stay API Gateway's (JSON answer for an unknown API, not S3's XML).
    _, _, api = call(server, "OPTIONS", "/restapis/nosuchapi/prod/_user_request_/x",
                     headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert not api.startswith(b"<?xml")
