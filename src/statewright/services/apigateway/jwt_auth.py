"""HTTP API JWT authorizers: the token from the identity source (a `Bearer ` prefix dropped),
its signature checked with the issuer's keys, then `iss`, `aud` (or `client_id`), `exp`/`nbf`
and the route's scopes (`scope` or `scp`), as API Gateway does. Keys come from a JWKS file or
URL set for the issuer (`JwtVerifier.set_keys`), else from the issuer's OpenID discovery
document (`<issuer>/.well-known/openid-configuration` → `jwks_uri`)."""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt

from .proxy import gateway_error
from .types import Authorizer

if TYPE_CHECKING:
    from .authorizers import Outcome
    from .events import Call


def _unauthorized(description: str) -> Outcome:
    from .authorizers import Outcome

    header = f'Bearer error="invalid_token" error_description="{description}"'
    return Outcome(refusal=gateway_error(401, "Unauthorized", headers=[("www-authenticate", header)],
                                         kind="UNAUTHORIZED"))


class JwtVerifier:
    def __init__(self) -> None:
        self._sources: dict[str, str] = {}
        self._keys: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def set_keys(self, issuer: str, source: str) -> None:
        """Where the issuer's keys are: a JWKS file path, or an http(s)/file URL of one."""
        with self._lock:
            self._sources[issuer] = source
            self._keys.pop(issuer, None)

    def _jwks(self, issuer: str, declared: str = "", refresh: bool = False) -> dict[str, Any]:
        """The issuer's JWKS: from `set_keys`, else the authorizer's own (`x-statewright-jwks`
        or `jwksUri` in the template), else OpenID discovery."""
        with self._lock:
            if not refresh and issuer in self._keys:
                return self._keys[issuer]
            source = self._sources.get(issuer) or declared or None
        if source is None:
            with urllib.request.urlopen(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=5) as answer:
                source = str(json.load(answer)["jwks_uri"])
        if source.startswith(("http://", "https://", "file://")):
            with urllib.request.urlopen(source, timeout=5) as answer:
                keys = json.load(answer)
        else:
            keys = json.loads(Path(source).read_text())
        if not isinstance(keys, dict):
            raise ValueError("a JWKS document is an object with 'keys'")
        with self._lock:
            self._keys[issuer] = keys
        return keys

    def _key(self, issuer: str, kid: str | None, declared: str = "") -> Any:
        for refresh in (False, True):
            for entry in self._jwks(issuer, declared, refresh).get("keys", []):
                if kid is None or entry.get("kid") == kid:
                    return jwt.PyJWK(entry).key
        raise jwt.InvalidTokenError("no key of the issuer has the token's kid")

    def authorize(self, authorizer: Authorizer, call: Call, scopes: tuple[str, ...]) -> Outcome:
        from .authorizers import Outcome, identity_values

        values = identity_values(authorizer, call)
        if not values:
            return Outcome(refusal=gateway_error(401, "Unauthorized", kind="UNAUTHORIZED"))
        token = values[0].removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            key = self._key(authorizer.issuer, header.get("kid"), authorizer.jwks)
            claims = jwt.decode(token, key, algorithms=[str(header.get("alg", "RS256"))], issuer=authorizer.issuer,
                                options={"verify_aud": False, "require": ["exp", "iss"]})
        except (jwt.PyJWTError, OSError, ValueError, KeyError) as error:
            return _unauthorized(str(error))
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if authorizer.audience and not set(audiences) & set(authorizer.audience):
            return _unauthorized("the token's audience is not allowed")
        granted = str(claims.get("scope", claims.get("scp", "")))
        granted_set = set(granted.split()) if isinstance(claims.get("scp"), str) or "scope" in claims else set(claims.get("scp") or [])
        if scopes and not granted_set & set(scopes):
            return Outcome(refusal=gateway_error(403, "Forbidden", kind="ACCESS_DENIED"))
        flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in claims.items()}
        return Outcome(context={"jwt": {"claims": flat, "scopes": sorted(granted_set) or None}})
