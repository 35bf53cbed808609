"""Rewrite AWS endpoint URLs in output values to the local endpoint that serves the same thing.

`https://<apiId>.execute-api.<region>.amazonaws.com/<stage>/<path>` becomes
`<endpoint>/restapis/<apiId>/<stage>/_user_request_/<path>`; a Lambda function URL
`https://<urlId>.lambda-url.<region>.on.aws/<path>` becomes `<endpoint>/lambda-url/<urlId>/<path>`;
an S3 website endpoint `http://<bucket>.s3-website[-.]<region>.amazonaws.com/<key>` becomes the
path-style object URL `<endpoint>/<bucket>/<key>` (the local S3 has no website endpoints: the key
must be named, e.g. `index.html`, and the object is read anonymously).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

_EXECUTE_API = re.compile(
    r"https?://(?P<api>[a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?P<path>/[^\s\"'<>]*)?")
_S3_WEBSITE = re.compile(
    r"https?://(?P<bucket>[a-z0-9][a-z0-9.-]*)\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?P<path>/[^\s\"'<>]*)?")
_LAMBDA_URL = re.compile(r"https?://(?P<url>[a-z0-9]+)\.lambda-url\.[a-z0-9-]+\.on\.aws(?P<path>/[^\s\"'<>]*)?")


def local_url(value: str, endpoint: str, stages: Mapping[str, Collection[str]] | None = None) -> str:
    """`value` with each AWS API or function URL in it pointing at `endpoint`.

    `stages` (api id -> its stage names) tells a `$default`-stage HTTP API, whose URLs have no stage
    segment, from a REST API whose first path segment is the stage.
    """
    base = endpoint.rstrip("/")
    known = stages or {}

    def execute_api(match: re.Match[str]) -> str:
        api = match.group("api")
        segments = (match.group("path") or "/").lstrip("/")
        first, _, rest = segments.partition("/")
        api_stages = known.get(api, ())
        if "$default" in api_stages and first not in api_stages:
            stage, rest = "$default", segments
        elif first:
            stage = first
        elif "$default" in api_stages or not api_stages:
            stage, rest = "$default", ""
        else:
            return f"{base}/restapis/{api}"
        return f"{base}/restapis/{api}/{stage}/_user_request_/{rest}"

    def lambda_url(match: re.Match[str]) -> str:
        return f"{base}/lambda-url/{match.group('url')}{match.group('path') or '/'}"

    def s3_website(match: re.Match[str]) -> str:
        return f"{base}/{match.group('bucket')}{match.group('path') or '/'}"

    value = _S3_WEBSITE.sub(s3_website, value)
    return _LAMBDA_URL.sub(lambda_url, _EXECUTE_API.sub(execute_api, value))
