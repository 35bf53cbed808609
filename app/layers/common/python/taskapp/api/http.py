"""API Gateway (REST, proxy integration) events: the caller, the body, the answer."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from .. import tokens
from ..errors import ApiError, bad_request, unauthorized

JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Caller:
    """Who calls, from the authorizer's context: the user name and one role."""

    user: str
    role: str

    @property
    def reviews(self) -> bool:
        return self.role in ("approver", "admin")


def caller(event: dict) -> Caller:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    user, role = context.get("user") or context.get("principalId"), context.get("role")
    if not user or role not in tokens.ROLES:
        raise unauthorized()
    return Caller(user=user, role=role)


def json_body(event: dict) -> object:
    raw = event.get("body")
    if raw is None or raw == "":
        raise bad_request("the request needs a JSON body", None)
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise bad_request("the body is not UTF-8 text", None) from error
    try:
        return json.loads(raw)
    except ValueError as error:
        raise bad_request(f"the body is not valid JSON: {error}", None) from error


def header(event: dict, name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def query(event: dict, name: str) -> str | None:
    return (event.get("queryStringParameters") or {}).get(name)


def path_param(event: dict, name: str) -> str:
    value = (event.get("pathParameters") or {}).get(name)
    if not value:
        raise bad_request("is required in the path", name)
    return value


def respond(status: int, body: object, headers: dict | None = None) -> dict:
    return {"statusCode": status, "headers": {**JSON_HEADERS, **(headers or {})},
            "body": json.dumps(body, separators=(",", ":"))}


def error_response(error: ApiError) -> dict:
    return respond(error.status, error.body())
