"""HS256 JSON Web Tokens with the standard library (RFC 7519 / RFC 7515), and the app's roles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

ROLES = ("requester", "approver", "admin")
_USER = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")
LEEWAY_SECONDS = 30


class TokenError(Exception):
    """The token is not one this app accepts; the message says why (never shown to callers)."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_\-]*", text):
        raise TokenError("a token segment is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict, secret: str) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(_b64encode(json.dumps(part, separators=(",", ":")).encode())
                             for part in (header, claims))
    signature = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64encode(signature)}"


def decode(token: str, secret: str, now: int) -> dict:
    """The claims of a valid token: HS256 signature, `exp`/`nbf` against `now`, `sub` and `role`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("a JWT has three dot-separated parts")
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenError("the header or claims are not base64url JSON") from error
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError("only alg HS256 is accepted")  # refuses "none" and algorithm confusion
    expected = hmac.new(secret.encode(), f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64decode(parts[2])):
        raise TokenError("bad signature")
    if not isinstance(claims, dict):
        raise TokenError("the claims are not a JSON object")
    _check_times(claims, now)
    if not isinstance(claims.get("sub"), str) or not _USER.match(claims["sub"]):
        raise TokenError("sub must be a user name of 1-64 letters, digits or _.@-")
    if claims.get("role") not in ROLES:
        raise TokenError("role must be one of " + ", ".join(ROLES))
    return claims


def _check_times(claims: dict, now: int) -> None:
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise TokenError("exp is required")
    if now > exp + LEEWAY_SECONDS:
        raise TokenError("the token has expired")
    nbf = claims.get("nbf")
    if nbf is not None and (not isinstance(nbf, int | float) or now + LEEWAY_SECONDS < nbf):
        raise TokenError("the token is not valid yet")


def issue(user: str, role: str, secret: str, now: int, lifetime_seconds: int = 8 * 3600) -> str:
    """A token for `user` with `role` (what `make token` prints)."""
    if role not in ROLES:
        raise ValueError("role must be one of " + ", ".join(ROLES))
    if not _USER.match(user):
        raise ValueError("user must be 1-64 letters, digits or _.@-")
    return encode({"sub": user, "role": role, "iat": now, "exp": now + lifetime_seconds}, secret)
