"""A real browser (Debian's Chromium through Playwright) on a page from another origin uploads
with a presigned PUT (CORS preflight and all) and with a presigned POST form, and reads back
through a presigned GET, as the task-management web app does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ..server import s3_client


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = b"<!doctype html><title>app</title><p>web app</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def page(browser, app_origin):
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(app_origin + "/")
    yield opened
    context.close()


UPLOAD = """async ([url, body]) => {
  try {
    const answer = await fetch(url, {method: "PUT", body, headers: {"Content-Type": "text/plain"}});
    return {status: answer.status, etag: answer.headers.get("ETag")};
  } catch (error) { return {error: String(error)}; }
}"""
DOWNLOAD = """async (url) => { const a = await fetch(url); return {status: a.status, text: await a.text()}; }"""
FORM = """async ([url, fields, body]) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([body], {type: "text/plain"}), "receipt.txt");
  try { const a = await fetch(url, {method: "POST", body: form}); return {status: a.status}; }
  catch (error) { return {error: String(error)}; }
}"""


def allow(s3, bucket, origin):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [origin], "AllowedMethods": ["GET", "PUT", "POST"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]})


def test_presigned_put_and_get_from_another_origin(s3_server, s3, bucket, page, app_origin):
    allow(s3, bucket, app_origin)
    signer = s3_client(s3_server.endpoint, signature_version="s3v4")
    put_url = signer.generate_presigned_url("put_object", ExpiresIn=300, Params={
        "Bucket": bucket, "Key": "receipt.txt", "ContentType": "text/plain"})
    get_url = signer.generate_presigned_url("get_object", ExpiresIn=300, Params={"Bucket": bucket,
                                                                                 "Key": "receipt.txt"})
    signer.close()
    result = page.evaluate(UPLOAD, [put_url, "paid 12 EUR"])
    # The ETag is readable by the page only because the rule exposes it.
    assert result["status"] == 200 and result["etag"].startswith('"')
    assert s3.get_object(Bucket=bucket, Key="receipt.txt")["Body"].read() == b"paid 12 EUR"
    assert page.evaluate(DOWNLOAD, get_url) == {"status": 200, "text": "paid 12 EUR"}


def test_upload_refused_without_a_matching_rule(s3_server, s3, bucket, page):
    allow(s3, bucket, "https://some.other.origin")
    put_url = s3.generate_presigned_url("put_object", ExpiresIn=300, Params={"Bucket": bucket, "Key": "x"})
    result = page.evaluate(UPLOAD, [put_url, "nope"])
    # The preflight fails, so the browser never sends the PUT.
    assert "error" in result
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_presigned_post_form_from_the_page(s3_server, s3, bucket, page, app_origin):
    allow(s3, bucket, app_origin)
    presigned = s3.generate_presigned_post(bucket, "forms/${filename}", ExpiresIn=300,
                                           Conditions=[["starts-with", "$key", "forms/"]])
    result = page.evaluate(FORM, [presigned["url"], presigned["fields"], "from a form"])
    assert result == {"status": 204}
    assert s3.get_object(Bucket=bucket, Key="forms/receipt.txt")["Body"].read() == b"from a form"


def test_a_bucket_named_like_the_consoles_path_takes_a_form_upload(s3_server, s3, page, app_origin):
    # `/console/` is also the edge's console. A form POST carries no signature in its URL or
    # headers (only in the form), so only its path says it is for the bucket `console` (a valid
    # name on AWS); presigned URLs carry theirs in the query string.
    s3.create_bucket(Bucket="console")
    try:
        allow(s3, "console", app_origin)
        presigned = s3.generate_presigned_post("console", "receipt.txt", ExpiresIn=300)
        assert page.evaluate(FORM, [presigned["url"], presigned["fields"], "in console"]) == {"status": 204}
        get_url = s3.generate_presigned_url("get_object", ExpiresIn=300, Params={"Bucket": "console",
                                                                               "Key": "receipt.txt"})
        assert page.evaluate(DOWNLOAD, get_url) == {"status": 200, "text": "in console"}
    finally:
        s3.delete_object(Bucket="console", Key="receipt.txt")
        s3.delete_bucket(Bucket="console")
