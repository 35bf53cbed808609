"""Which `Host` names the server answers, and the headers that keep other sites' pages out.

A web page on any site can make the developer's browser send requests to 127.0.0.1 — and with
DNS rebinding, under the page's own host name, so the browser's same-origin rule no longer
protects the local API and its data. The defence is to answer only requests whose `Host` names
this machine: loopback addresses, `localhost` and its subdomains (`*.localhost` resolves to the
loopback by RFC 6761, which is how the server advertises per-API and per-bucket host names), and
the host the server was configured to listen on. boto3's `sync-` host prefix on those is allowed.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .s3 import S3_SCOPE_KEY

# The console and the web app are never meant to be framed by another site, and load nothing
# from elsewhere.
SECURITY_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
     b"connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


def host_name(header: str) -> str:
    """The name part of a Host header (`[::1]:4590` → `::1`, `a.localhost:80` → `a.localhost`)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_local_host(name: str, configured: str) -> bool:
    name = name.rstrip(".").removeprefix("sync-")
    if not name or name == configured.lower() or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or (configured in ("0.0.0.0", "::") and not address.is_multicast)


class LocalHostsOnly:
    """ASGI middleware: 421 for a request whose Host is not this machine; security headers on
    the pages people open in a browser (the console and the web app)."""

    def __init__(self, app: ASGIApp, configured_host: str, page_prefixes: tuple[str, ...] = ("/console",)) -> None:
        self.app = app
        self.configured_host = configured_host
        self.page_prefixes = page_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_host = headers.get(b"host", b"").decode("latin-1")
        if raw_host and not is_local_host(host_name(raw_host), self.configured_host):
            await _misdirected(send, raw_host)
            return
        path = scope["path"]
        if not any(path == prefix or path.startswith(prefix + "/") for prefix in self.page_prefixes):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            # Not on S3's answers (a bucket may be named `console`): S3 sends none of these.
            if message["type"] == "http.response.start" and not scope.get(S3_SCOPE_KEY):
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


async def _misdirected(send: Send, host: str) -> None:
    body = json.dumps({"__type": "MisdirectedRequest",
                       "message": f"Statewright answers only requests for this machine, not for host "
                                  f"'{host[:200]}' (see docs/server.md)"}).encode()
    await send({"type": "http.response.start", "status": 421,
                "headers": [(b"content-type", b"application/x-amz-json-1.0"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
