"""Which requests arriving at the one server are S3's, for the edge's routing: a virtual-hosted
S3 host name, a SigV4 credential scope for `s3` (header or presigned query), a SigV2 presigned
query, or S3's own `x-amz-content-sha256` header (which SDKs send to S3 only)."""

from __future__ import annotations

from .routing import VIRTUAL_HOST, parse_query
from .sigv4 import header_scope


def is_s3_request(method: str, query: str, headers: dict[str, str]) -> bool:
    """True when the request is meant for S3 (`headers` with lower-cased names). A browser's
    CORS preflight or form POST carries none of these marks; the edge routes those by path
    (a first path segment that names an existing bucket) if it serves S3 on its root."""
    host = headers.get("host", "").rsplit(":", 1)[0].lower()
    if VIRTUAL_HOST.match(host):
        return True
    scope = header_scope(headers.get("authorization", ""))
    if scope is not None:
        return scope.service == "s3"
    if "x-amz-content-sha256" in headers:
        return True
    params = parse_query(query)
    credential = params.get("X-Amz-Credential")
    if credential is not None:
        return credential.endswith("/s3/aws4_request")
    return "AWSAccessKeyId" in params and "Signature" in params and "Expires" in params
