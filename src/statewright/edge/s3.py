"""S3's requests go to S3's own wire front (services/s3/wire), not the generic AWS endpoint:
S3 streams bodies, decodes aws-chunked uploads, verifies presigned URLs and answers browsers'
CORS preflights and form uploads, which a model-driven protocol cannot do alone.

A request is S3's when it says so (a `*.s3.localhost` host, an `s3` SigV4 scope, a presigned
query, S3's `x-amz-content-sha256` header), or — for what browsers send (preflights, form POSTs,
anonymous GETs), which carries none of these — when its first path segment names an existing
bucket and none of the edge's own routes answers it: `GET /health` and `GET /console/…` stay the
edge's even with buckets of those names, but a preflight (`OPTIONS /console/<key>`), a form POST
(`POST /health`) or `GET /health/<key>` reach the bucket; virtual-hosted addressing
(`console.s3.localhost`) reaches it for everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from statewright.services.common import Service
from statewright.services.common.platform import Settings

# Set in the ASGI scope of a request the S3 front answers.
S3_SCOPE_KEY = "statewright.s3"


def known_secrets(access_key: str) -> str | None:
    """The secrets presigned URLs are verified with: the local convention (`test`/`test`) and the
    credentials local Lambda functions sign with, so a URL a handler presigns with a Content-Type
    or Content-Length signed in is refused for another type or size, as on AWS."""
    from statewright.services.awslambda import LOCAL_CREDENTIALS
    from statewright.services.s3.wire import default_secrets

    if access_key == LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"]:
        return LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    return default_secrets(access_key)


class S3Dispatch:
    """ASGI middleware: S3's requests to the S3 front, everything else to `app`."""

    def __init__(self, app: ASGIApp, services: Callable[[], Mapping[str, Service]], settings: Settings,
                 edge_serves: Callable[[Scope], bool] = lambda scope: False) -> None:
        self.app = app
        self.edge_serves = edge_serves
        self.services = services
        self.settings = settings
        self._front: Any = None
        self._front_of: Any = None

    def front(self, service: Any) -> Any:
        if self._front_of is not service:  # a new runtime (tests reopen apps): a new front
            from statewright.services.s3.wire import s3_asgi

            self._front = s3_asgi(service, region=self.settings.region, account=self.settings.account_id,
                                  secrets=known_secrets)
            self._front_of = service
        return self._front

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = self.services().get("s3") if scope["type"] == "http" else None
        if service is not None and self._is_s3(scope, service):
            scope[S3_SCOPE_KEY] = True  # for the outer middleware: S3's answer, not an edge page
            await self.front(service)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _is_s3(self, scope: Scope, service: Any) -> bool:
        from statewright.services.s3.wire import is_s3_request

        headers: dict[str, str] = {}
        for name, value in scope.get("headers") or []:
            headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        method = scope["method"].upper()
        names_bucket = self._names_bucket(scope, service)
        if is_s3_request(method, scope.get("query_string", b"").decode("latin-1"), headers):
            authorization = headers.get("authorization")
            if authorization is not None and "/s3/aws4_request" not in authorization \
                    and not authorization.startswith("AWS "):
                # An Authorization that is not S3's (garbled, or another service's): only an
                # S3 host name or an existing bucket's path still makes it S3's.
                return names_bucket or ".s3." in headers.get("host", "")
            return True
        if "authorization" in headers or "x-amz-target" in headers:
            return False  # another service's request
        return names_bucket

    def _names_bucket(self, scope: Scope, service: Any) -> bool:
        bucket = unquote(scope["path"].lstrip("/").split("/", 1)[0])
        return bool(bucket) and service.catalog.bucket(bucket) is not None and not self.edge_serves(scope)
