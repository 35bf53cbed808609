"""AWS Signature Version 4 (and, for presigned URLs, Version 2) as S3 uses it: the credential scope of an `Authorization` header
(which names the region), and full verification of presigned (query-string) URLs and of
browser POST policies.

The rule (docs/s3.md): a header-signed request is accepted with any access key, its signature
not checked, as local AWS stand-ins do (a front made with `verify_headers=True` checks it when
the key's secret is known). A presigned URL is checked for structure and expiry
always, and its signature is verified when `secrets(access_key)` knows the key's secret (by
default the key `test` has the secret `test`, the local convention); unknown keys are not
verified, since their secret is not known here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from statewright.services.common import AwsError

Secrets = Callable[[str], str | None]
MAX_EXPIRES = 604800  # AWS: "X-Amz-Expires must be less than a week (in seconds) that is 604800"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


def default_secrets(access_key: str) -> str | None:
    return "test" if access_key == "test" else None


@dataclass(frozen=True)
class Scope:
    access_key: str
    date: str
    region: str
    service: str

    def text(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def header_scope(authorization: str) -> Scope | None:
    match = _CREDENTIAL.search(authorization or "")
    return Scope(*match.groups()) if match else None


def _query_pairs(raw: str) -> list[tuple[str, str]]:
    pairs = []
    for part in raw.split("&") if raw else []:
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote(name), unquote(value)))
    return pairs


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def signing_key(secret: str, scope: Scope) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (scope.date, scope.region, scope.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _error(code: str, message: str, status: int = 403, **fields: str) -> AwsError:
    return AwsError(code, message, status, fields=dict(fields))


def is_presigned(query: dict[str, str]) -> bool:
    return "X-Amz-Signature" in query or "X-Amz-Credential" in query


def verify_presigned(method: str, raw_path: str, raw_query: str, headers: dict[str, str],
                     secrets: Secrets, now: float) -> Scope:
    """Checks a SigV4 presigned URL; returns its scope (for the request's region)."""
    params = dict(_query_pairs(raw_query))
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                "X-Amz-Signature")
    missing = [p for p in required if p not in params]
    if missing or params["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise _error("AuthorizationQueryParametersError", "Query-string authentication version 4 requires the "
                     "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                     "X-Amz-Expires parameters.", 400)
    parts = params["X-Amz-Credential"].split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise _error("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the "
                     "Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".", 400)
    scope = Scope(*parts[:4])
    try:
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(params["X-Amz-Expires"])
    except ValueError as error:
        raise _error("AuthorizationQueryParametersError", "X-Amz-Date or X-Amz-Expires is malformed.", 400) \
            from error
    if expires < 0:
        raise _error("AuthorizationQueryParametersError",
                     "X-Amz-Expires must be non-negative", 400)
    if expires > MAX_EXPIRES:
        raise _error("AuthorizationQueryParametersError",
                     "X-Amz-Expires must be less than a week (in seconds) that is 604800", 400)
    if now > signed_at.timestamp() + expires:
        raise _error("AccessDenied", "Request has expired", 403, **{
            "X-Amz-Expires": str(expires),
            "Expires": datetime.fromtimestamp(signed_at.timestamp() + expires, UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ServerTime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
    secret = secrets(scope.access_key)
    if secret is None:
        return scope
    pairs = [(n, v) for n, v in _query_pairs(raw_query) if n != "X-Amz-Signature"]
    payload = headers.get("x-amz-content-sha256") or params.get("X-Amz-Content-Sha256") or "UNSIGNED-PAYLOAD"
    _check_signature(Signed(method, raw_path, pairs, headers, params["X-Amz-SignedHeaders"], payload,
                            params["X-Amz-Date"], params["X-Amz-Signature"]), scope, secret)
    return scope


@dataclass(frozen=True)
class Signed:
    """What a SigV4 signature covers, as the request carries it."""

    method: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    signed_headers: str
    payload: str
    amz_date: str
    signature: str


def _check_signature(request: Signed, scope: Scope, secret: str) -> None:
    canonical_query = "&".join(f"{_encode(n)}={_encode(v)}" for n, v in sorted(request.query))
    canonical_headers = "".join(f"{n}:{' '.join(request.headers.get(n, '').split())}\n"
                                for n in request.signed_headers.split(";"))
    canonical = "\n".join([request.method, request.raw_path or "/", canonical_query, canonical_headers,
                           request.signed_headers, request.payload])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", request.amz_date, scope.text(),
                         hashlib.sha256(canonical.encode()).hexdigest()])
    expected = hmac.new(signing_key(secret, scope), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.signature):
        raise _error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                     "you provided. Check your key and signing method.", 403,
                     AWSAccessKeyId=scope.access_key, StringToSign=to_sign, SignatureProvided=request.signature,
                     StringToSignBytes=" ".join(f"{b:02x}" for b in to_sign.encode()),
                     CanonicalRequest=canonical,
                     CanonicalRequestBytes=" ".join(f"{b:02x}" for b in canonical.encode()))


_AUTHORIZATION = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
                            r"Signature=([0-9a-f]+)\s*$")
MAX_SKEW = 15 * 60  # AWS: "The difference between the request time and the server's time is too large"


def verify_header_signature(method: str, raw_path: str, raw_query: str, headers: dict[str, str],
                            secrets: Secrets, now: float) -> Scope | None:
    """Checks an `Authorization: AWS4-HMAC-SHA256 …` signature when the key's secret is known
    (only when the front is asked to: see the module docstring). Returns the scope, or None
    for a request without such a header."""
    match = _AUTHORIZATION.match(headers.get("authorization", ""))
    if match is None:
        return None
    parts = match.group(1).split("/")
    if len(parts) != 5:
        raise _error("AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential is "
                     "mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".", 400)
    scope = Scope(*parts[:4])
    secret = secrets(scope.access_key)
    if secret is None:
        return scope
    amz_date = headers.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError as error:
        raise _error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403) \
            from error
    if abs(now - signed_at) > MAX_SKEW:
        raise _error("RequestTimeTooSkewed", "The difference between the request time and the current time is "
                     "too large.", 403)
    _check_signature(Signed(method, raw_path, _query_pairs(raw_query), headers, match.group(2),
                            headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), amz_date, match.group(3)),
                     scope, secret)
    return scope


def verify_policy_signature(policy_b64: str, credential: str, signature: str, secrets: Secrets) -> Scope:
    """A browser POST form's signature: HMAC-SHA256 of the base64 policy with the signing key."""
    parts = credential.split("/")
    if len(parts) != 5:
        raise _error("InvalidArgument", "Invalid according to Policy: x-amz-credential is malformed", 400)
    scope = Scope(*parts[:4])
    secret = secrets(scope.access_key)
    if secret is not None:
        expected = hmac.new(signing_key(secret, scope), policy_b64.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise _error("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                         "signature you provided. Check your key and signing method.", 403,
                         AWSAccessKeyId=scope.access_key, StringToSign=policy_b64, SignatureProvided=signature)
    return scope


# Signature Version 2 query authentication (`AWSAccessKeyId`, `Signature`, `Expires`), which
# boto3 still uses for presigned URLs unless the client is configured for `s3v4`.
_V2_SUBRESOURCES = frozenset({
    "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy",
    "requestPayment", "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId",
    "response-content-type", "response-content-language", "response-expires", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "delete", "lifecycle", "tagging", "restore",
    "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
    "object-lock"})


def is_presigned_v2(query: dict[str, str]) -> bool:
    return "Signature" in query and "AWSAccessKeyId" in query


def verify_presigned_v2(method: str, resource_path: str, raw_query: str, headers: dict[str, str],
                        secrets: Secrets, now: float) -> str:
    """Checks a SigV2 presigned URL (`resource_path` is `/<bucket>/<key>` as sent, also for
    virtual-hosted requests); returns the access key."""
    params = dict(_query_pairs(raw_query))
    access_key, signature, expires_text = params["AWSAccessKeyId"], params["Signature"], params.get("Expires", "")
    if not expires_text.isdigit():
        raise _error("AccessDenied", "Query-string authentication requires the Signature, Expires and "
                     "AWSAccessKeyId parameters", 403)
    if now > int(expires_text):
        raise _error("AccessDenied", "Request has expired", 403, Expires=datetime.fromtimestamp(
            int(expires_text), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ServerTime=datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    secret = secrets(access_key)
    if secret is None:
        return access_key
    amz = {n.lower(): v for n, v in params.items() if n.lower().startswith("x-amz-")}
    amz.update({n: v for n, v in headers.items() if n.startswith("x-amz-")})
    subresources = sorted((n, v) for n, v in _query_pairs(raw_query) if n in _V2_SUBRESOURCES)
    resource = resource_path + ("?" + "&".join(f"{n}={v}" if v else n for n, v in subresources)
                                if subresources else "")
    lines = [method, headers.get("content-md5", ""), headers.get("content-type", ""), expires_text,
             *[f"{n}:{amz[n]}" for n in sorted(amz)], resource]
    to_sign = "\n".join(lines)
    expected = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        raise _error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                     "you provided. Check your key and signing method.", 403, AWSAccessKeyId=access_key,
                     StringToSign=to_sign, SignatureProvided=signature,
                     StringToSignBytes=" ".join(f"{b:02x}" for b in to_sign.encode()))
    return access_key


def verify_policy_signature_v2(policy_b64: str, access_key: str, signature: str, secrets: Secrets) -> None:
    """A SigV2 POST form's signature: base64 HMAC-SHA1 of the base64 policy with the secret."""
    secret = secrets(access_key)
    if secret is None:
        return
    expected = base64.b64encode(hmac.new(secret.encode(), policy_b64.encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        raise _error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                     "you provided. Check your key and signing method.", 403, AWSAccessKeyId=access_key,
                     StringToSign=policy_b64, SignatureProvided=signature)
