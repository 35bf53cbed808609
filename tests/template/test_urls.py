"""urls: AWS endpoint URLs in outputs point at the local endpoint."""

from __future__ import annotations

import pytest

from statewright.template.urls import local_url

LOCAL = "http://127.0.0.1:4590"


@pytest.mark.parametrize("value,stages,expected", [
    ("https://abc123defg.execute-api.us-east-1.amazonaws.com/Prod/hello/", None,
     f"{LOCAL}/restapis/abc123defg/Prod/_user_request_/hello/"),
    ("https://abc123defg.execute-api.eu-west-1.amazonaws.com/Prod", None,
     f"{LOCAL}/restapis/abc123defg/Prod/_user_request_/"),
    ("https://abc123defg.execute-api.us-east-1.amazonaws.com/orders", {"abc123defg": {"$default"}},
     f"{LOCAL}/restapis/abc123defg/$default/_user_request_/orders"),
    ("https://abc123defg.execute-api.us-east-1.amazonaws.com", {"abc123defg": {"$default"}},
     f"{LOCAL}/restapis/abc123defg/$default/_user_request_/"),
    ("https://abc123defg.execute-api.us-east-1.amazonaws.com", {"abc123defg": {"Prod"}},
     f"{LOCAL}/restapis/abc123defg"),
    ("https://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/v1/x?y=1", None,
     f"{LOCAL}/restapis/abc123defg/v1/_user_request_/x?y=1"),
    ("see https://abc.execute-api.us-east-1.amazonaws.com/Prod/a and https://def.execute-api.us-east-1.amazonaws.com/Dev/b",
     None, f"see {LOCAL}/restapis/abc/Prod/_user_request_/a and {LOCAL}/restapis/def/Dev/_user_request_/b"),
    ("https://xyz789.lambda-url.us-east-1.on.aws/", None, f"{LOCAL}/lambda-url/xyz789/"),
    ("http://app-web-1.s3-website-us-east-1.amazonaws.com/index.html", None, f"{LOCAL}/app-web-1/index.html"),
    ("http://my.site.s3-website.eu-central-1.amazonaws.com", None, f"{LOCAL}/my.site/"),
    ("arn:aws:lambda:us-east-1:123456789012:function:f", None, "arn:aws:lambda:us-east-1:123456789012:function:f"),
    ("https://example.com/Prod", None, "https://example.com/Prod"),
])
def test_local_url(value, stages, expected):
    assert local_url(value, LOCAL, stages) == expected


def test_the_endpoint_is_a_parameter():
    assert local_url("https://a1.execute-api.us-east-1.amazonaws.com/Prod/", "http://localhost:9000/") == \
        "http://localhost:9000/restapis/a1/Prod/_user_request_/"
