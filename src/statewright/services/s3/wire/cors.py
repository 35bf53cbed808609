"""CORS as S3 evaluates it against a bucket's rules: AWS: "Amazon S3 evaluates the cors
configuration on the bucket and uses the first CORSRule rule that matches the incoming browser
request to enable a cross-origin request. For a rule to match, the following conditions must be
met: The request's Origin header must match AllowedOrigin elements. The request method (for
example, GET, PUT, HEAD, and so on) or the Access-Control-Request-Method header in case of a
pre-flight OPTIONS request must be one of the AllowedMethod elements. Every header specified in
the Access-Control-Request-Headers request header of a pre-flight request must match an
AllowedHeader element.\""""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError


def _wildcard(pattern: str, text: str, fold: bool = False) -> bool:
    """AWS allows one `*` wildcard in AllowedOrigin and AllowedHeader values."""
    if fold:
        pattern, text = pattern.lower(), text.lower()
    if "*" not in pattern:
        return pattern == text
    head, _, tail = pattern.partition("*")
    return len(text) >= len(head) + len(tail) and text.startswith(head) and text.endswith(tail)


def match(rules: list[dict[str, Any]], origin: str, method: str, request_headers: list[str]) -> dict[str, Any] | None:
    for rule in rules:
        if not any(_wildcard(o, origin) for o in rule.get("AllowedOrigins") or []):
            continue
        if method not in (rule.get("AllowedMethods") or []):
            continue
        allowed = rule.get("AllowedHeaders") or []
        if all(any(_wildcard(a, h, fold=True) for a in allowed) for h in request_headers):
            return rule
    return None


def headers_for(rule: dict[str, Any], origin: str, request_headers: list[str] | None) -> list[tuple[str, str]]:
    """The Access-Control-* headers S3 answers a matched rule with (request_headers is set for
    a preflight)."""
    any_origin = "*" in (rule.get("AllowedOrigins") or [])
    out = [("Access-Control-Allow-Origin", "*" if any_origin else origin),
           ("Access-Control-Allow-Methods", ", ".join(rule.get("AllowedMethods") or []))]
    if not any_origin:
        out.append(("Access-Control-Allow-Credentials", "true"))
    if request_headers:
        out.append(("Access-Control-Allow-Headers", ", ".join(h.lower() for h in request_headers)))
    if rule.get("ExposeHeaders"):
        out.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        out.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    out.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
    return out


def preflight(rules: list[dict[str, Any]] | None, headers: dict[str, str]) -> list[tuple[str, str]]:
    """The answer headers to an OPTIONS preflight, or the error S3 answers with."""
    origin = headers.get("origin")
    method = headers.get("access-control-request-method")
    if not origin or not method:
        raise AwsError("BadRequest", "Insufficient information. Origin request header needed.", 400)
    if not rules:
        raise AwsError("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", 403,
                       fields={"Method": method, "ResourceType": "BUCKET"})
    requested = [h.strip() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()]
    rule = match(rules, origin, method, requested)
    if rule is None:
        raise AwsError("AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because "
                       "the evalution of Origin, request method / Access-Control-Request-Method or "
                       "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", 403,
                       fields={"Method": method, "ResourceType": "OBJECT"})
    return headers_for(rule, origin, requested)
