"""The API's Lambda authorizer (TOKEN type): a bearer JWT in, an IAM policy and the caller out."""

from __future__ import annotations

from . import tokens

# Routes only reviewers may call; a requester's policy denies them (the handlers check again).
REVIEW_ROUTES = ("GET/approvals", "POST/tasks/*/approve", "POST/tasks/*/reject")


class Unauthorized(Exception):
    """Raised with the message "Unauthorized": API Gateway then answers 401."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def bearer(header_value: object) -> str:
    if not isinstance(header_value, str):
        raise Unauthorized()
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


def stage_arn(method_arn: str) -> str:
    """`arn:aws:execute-api:region:account:api/stage/VERB/path` -> `.../api/stage` (the cacheable scope)."""
    head, _, path = method_arn.partition(":execute-api:")
    parts = path.split("/")
    if not head or len(parts) < 2:
        raise Unauthorized()
    return f"{head}:execute-api:{parts[0]}/{parts[1]}"


def policy(user: str, role: str, method_arn: str) -> dict:
    """Allows the whole stage (results are cached per token, not per route); requesters get the
    review routes denied."""
    scope = stage_arn(method_arn)
    statements = [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{scope}/*/*"}]
    if role == "requester":
        statements.append({"Action": "execute-api:Invoke", "Effect": "Deny",
                           "Resource": [f"{scope}/{route}" for route in REVIEW_ROUTES]})
    return {"principalId": user, "policyDocument": {"Version": "2012-10-17", "Statement": statements},
            "context": {"user": user, "role": role}}


def authorize(event: dict, secret: str, now: int) -> dict:
    """The authorizer's answer for `event`; raises Unauthorized for a missing, bad or expired token."""
    if not secret:
        raise Unauthorized()
    token = bearer(event.get("authorizationToken"))
    try:
        claims = tokens.decode(token, secret, now)
    except tokens.TokenError as error:
        raise Unauthorized() from error
    return policy(claims["sub"], claims["role"], event.get("methodArn", ""))
