"""Evaluate the IAM policy a Lambda authorizer returns against the method ARN of a request
(`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`): an explicit Deny wins,
else an Allow must match, else the request is denied (API Gateway's 403s)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

ALLOW, DENY, IMPLICIT_DENY = "allow", "deny", "implicit-deny"


class BadPolicy(Exception):
    """The authorizer's answer has no usable policy (API Gateway: AuthorizerConfigurationException)."""


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM's wildcards: `*` any run of characters, `?` one character."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                      re.DOTALL)


def _as_list(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise BadPolicy(f"policyDocument.Statement.{field} must be a string or a list of strings")


def _matches(patterns: list[str], value: str) -> bool:
    return any(_wildcard(p).fullmatch(value) for p in patterns)


def evaluate(document: Any, method_arn: str) -> str:
    """ALLOW, DENY (an explicit Deny) or IMPLICIT_DENY for `execute-api:Invoke` on `method_arn`."""
    if not isinstance(document, dict):
        raise BadPolicy("policyDocument must be an object")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise BadPolicy("policyDocument.Statement must be a list")
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict):
            raise BadPolicy("policyDocument.Statement entries must be objects")
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise BadPolicy("policyDocument.Statement.Effect must be Allow or Deny")
        if "Action" in statement:
            action_ok = _matches(_as_list(statement["Action"], "Action"), "execute-api:Invoke")
        else:
            action_ok = not _matches(_as_list(statement.get("NotAction", []), "NotAction"), "execute-api:Invoke")
        if "Resource" in statement:
            resource_ok = _matches(_as_list(statement["Resource"], "Resource"), method_arn)
        else:
            resource_ok = not _matches(_as_list(statement.get("NotResource", []), "NotResource"), method_arn)
        if action_ok and resource_ok:
            if effect == "Deny":
                return DENY
            allowed = True
    return ALLOW if allowed else IMPLICIT_DENY
