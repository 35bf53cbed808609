"""Turn what a Lambda proxy integration returned into the client's answer, or into API Gateway's
502 when the function's answer is not one API Gateway accepts.

Payload format 1.0 (REST and HTTP API `1.0`) needs an object of `statusCode`, `headers`,
`multiValueHeaders`, `body` (a string) and `isBase64Encoded`, nothing else. Format 2.0 accepts the
same plus `cookies`, and treats any other JSON (an object without `statusCode`, a string, a number)
as the body of a 200 with `content-type: application/json`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .events import is_binary_rest
from .types import ApiResponse

V1_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
V2_KEYS = V1_KEYS | {"cookies"}


class MalformedResponse(Exception):
    """The function's answer is not a proxy response (API Gateway logs why and answers 502)."""


def internal_error() -> ApiResponse:
    return gateway_error(502, "Internal server error", kind="DEFAULT_5XX")


def gateway_error(status: int, message: str | None, *, key: str = "message",
                  headers: list[tuple[str, str]] | None = None, kind: str = "") -> ApiResponse:
    """API Gateway's own error answer: `{"message": "..."}` with its status, and its gateway
    response type (`kind`; DEFAULT_4XX/DEFAULT_5XX by status when not given)."""
    body = json.dumps({key: message}).encode()
    kind = kind or ("DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX")
    return ApiResponse(status, [("Content-Type", "application/json"), *(headers or [])], body, kind)


def _status(value: Any) -> int:
    if isinstance(value, bool):
        raise MalformedResponse("statusCode must be an integer")
    if isinstance(value, int):
        status = value
    elif isinstance(value, str) and value.strip().isdigit():
        status = int(value)
    else:
        raise MalformedResponse(f"statusCode must be an integer, not {value!r}")
    if not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status} is not an HTTP status")
    return status


def _headers(answer: dict[str, Any]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    single = answer.get("headers") or {}
    multi = answer.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise MalformedResponse("headers and multiValueHeaders must be objects")
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders.{name} must be a list")
        headers.extend((str(name), _text(v)) for v in values)
    multi_names = {n.lower() for n in multi}
    headers.extend((str(n), _text(v)) for n, v in single.items() if n.lower() not in multi_names)
    return headers


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _body(answer: dict[str, Any]) -> tuple[bytes, bool]:
    body = answer.get("body")
    if body is None:
        return b"", False
    if not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    encoded = answer.get("isBase64Encoded", False)
    if not isinstance(encoded, bool):
        raise MalformedResponse("isBase64Encoded must be a boolean")
    if not encoded:
        return body.encode(), False
    try:
        return base64.b64decode(body, validate=True), True
    except (binascii.Error, ValueError) as error:
        raise MalformedResponse("body is not valid base64") from error


def _parse(payload: bytes) -> Any:
    try:
        return json.loads(payload or b"null")
    except ValueError as error:
        raise MalformedResponse("the function's answer is not JSON") from error


def rest_response(payload: bytes, accept: str | None, binary_media_types: tuple[str, ...]) -> ApiResponse:
    """Format 1.0. A base64 body is decoded when the client's `Accept` names one of the API's
    binary media types (REST APIs pass it on as base64 text otherwise, as AWS does)."""
    answer = _parse(payload)
    if not isinstance(answer, dict) or set(answer) - V1_KEYS:
        raise MalformedResponse("a proxy response is an object of statusCode, headers, multiValueHeaders, "
                                "body and isBase64Encoded")
    status = _status(answer.get("statusCode", 200))
    headers = _headers(answer)
    body, decoded = _body(answer)
    if decoded and not is_binary_rest(accept, binary_media_types):
        body = base64.b64encode(body)
    return _finish(status, headers, body)


def http_response(payload: bytes) -> ApiResponse:
    """Format 2.0."""
    answer = _parse(payload)
    if not isinstance(answer, dict) or "statusCode" not in answer:
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return _finish(200, [("content-type", "application/json")], text.encode())
    status = _status(answer["statusCode"])
    headers = _headers(answer)
    cookies = answer.get("cookies") or []
    if not isinstance(cookies, list):
        raise MalformedResponse("cookies must be a list")
    headers.extend(("set-cookie", str(cookie)) for cookie in cookies)
    body, _ = _body(answer)
    return _finish(status, headers, body)


def _find(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _finish(status: int, headers: list[tuple[str, str]], body: bytes) -> ApiResponse:
    if _find(headers, "content-type") is None:
        headers.append(("Content-Type", "application/json"))
    return ApiResponse(status, headers, body)
