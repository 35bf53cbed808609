"""CORS preflight and response headers, evaluated against the bucket's rules as S3 does."""

from __future__ import annotations

from xml.etree import ElementTree

from statewright.services.s3.wire import cors

from .test_app import raw

RULES = [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "GET"],
          "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
         {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]


def preflight(endpoint, bucket, origin, method, request_headers=""):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    return raw(endpoint, "OPTIONS", f"/{bucket}/upload.png", headers=headers)


def test_preflight_matches_the_first_rule(s3_server, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, headers, _ = preflight(s3_server.endpoint, bucket, "https://app.example", "PUT",
                                   "Content-Type, x-amz-meta-owner")
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["access-control-allow-methods"] == "PUT, GET"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-meta-owner"
    assert headers["access-control-expose-headers"] == "ETag"
    assert headers["access-control-max-age"] == "600"
    # The wildcard rule answers any origin for GET, with "*".
    status, headers, _ = preflight(s3_server.endpoint, bucket, "https://elsewhere.example", "GET")
    assert (status, headers["access-control-allow-origin"]) == (200, "*")


def test_preflight_refused(s3_server, s3, bucket):
    status, _, body = preflight(s3_server.endpoint, bucket, "https://app.example", "PUT")
    # Without a CORS configuration: 403 "CORSResponse: CORS is not enabled for this bucket."
    assert status == 403 and "CORS is not enabled" in ElementTree.fromstring(body).findtext("Message")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    for origin, method, headers in [("https://evil.example", "PUT", ""), ("https://app.example", "DELETE", ""),
                                    ("https://app.example", "PUT", "authorization-custom")]:
        status, _, body = preflight(s3_server.endpoint, bucket, origin, method, headers)
        assert status == 403 and ElementTree.fromstring(body).findtext("Code") == "AccessForbidden"


def test_actual_request_gets_cors_headers(s3_server, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    s3.put_object(Bucket=bucket, Key="pic", Body=b"img")
    status, headers, body = raw(s3_server.endpoint, "GET", f"/{bucket}/pic", headers={"Origin": "https://app.example"})
    assert (status, body) == (200, b"img")
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["access-control-expose-headers"] == "ETag"
    status, headers, _ = raw(s3_server.endpoint, "GET", f"/{bucket}/pic")
    assert "access-control-allow-origin" not in headers


def test_wildcards():
    rules = [{"AllowedOrigins": ["http://*.example.com"], "AllowedMethods": ["GET"], "AllowedHeaders": ["X-*"]}]
    assert cors.match(rules, "http://www.example.com", "GET", ["x-custom"]) is not None
    assert cors.match(rules, "http://example.org", "GET", []) is None
    assert cors.match(rules, "http://a.example.com", "GET", ["content-type"]) is None
