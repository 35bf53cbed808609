"""The stdlib HS256 JWTs: what is accepted and every reason a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from taskapp import tokens

SECRET = "s" * 40
NOW = 1_800_000_000


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signed(header: dict, claims: dict, secret: str = SECRET) -> str:
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def test_an_issued_token_decodes_to_its_claims():
    token = tokens.issue("alice", "approver", SECRET, NOW, 60)
    assert tokens.decode(token, SECRET, NOW + 59) == {"sub": "alice", "role": "approver", "iat": NOW,
                                                       "exp": NOW + 60}


def test_tokens_match_the_rfc_7515_signature():
    claims = {"sub": "bob", "role": "admin", "exp": NOW + 10}
    assert tokens.decode(_signed({"alg": "HS256", "typ": "JWT"}, claims), SECRET, NOW) == claims


@pytest.mark.parametrize("token,reason", [
    ("abc", "three"),
    ("a.b", "three"),
    ("!!.!!.!!", "base64url"),
    (_signed({"alg": "none"}, {"sub": "a", "role": "admin", "exp": NOW + 10}), "HS256"),
    (_signed({"alg": "RS256"}, {"sub": "a", "role": "admin", "exp": NOW + 10}), "HS256"),
    (_signed({"alg": "HS256"}, {"sub": "a", "role": "admin", "exp": NOW + 10}, "other" * 10), "signature"),
    (_signed({"alg": "HS256"}, {"sub": "a", "role": "admin"}), "exp"),
    (_signed({"alg": "HS256"}, {"sub": "a", "role": "admin", "exp": NOW - 31}), "expired"),
    (_signed({"alg": "HS256"}, {"sub": "a", "role": "admin", "exp": NOW + 99, "nbf": NOW + 31}), "not valid yet"),
    (_signed({"alg": "HS256"}, {"sub": "a", "role": "root", "exp": NOW + 10}), "role"),
    (_signed({"alg": "HS256"}, {"role": "admin", "exp": NOW + 10}), "sub"),
    (_signed({"alg": "HS256"}, {"sub": "a b", "role": "admin", "exp": NOW + 10}), "sub"),
])
def test_refused_tokens(token, reason):
    with pytest.raises(tokens.TokenError, match=reason):
        tokens.decode(token, SECRET, NOW)


def test_a_tampered_payload_breaks_the_signature():
    header, _, signature = tokens.issue("alice", "requester", SECRET, NOW).split(".")
    forged = f"{header}.{_b64({'sub': 'alice', 'role': 'admin', 'exp': NOW + 99})}.{signature}"
    with pytest.raises(tokens.TokenError, match="signature"):
        tokens.decode(forged, SECRET, NOW)


def test_the_clock_skew_leeway_is_30_seconds():
    token = _signed({"alg": "HS256"}, {"sub": "a", "role": "admin", "exp": NOW})
    assert tokens.decode(token, SECRET, NOW + 30)["sub"] == "a"


def test_issue_checks_its_arguments():
    with pytest.raises(ValueError, match="role"):
        tokens.issue("alice", "root", SECRET, NOW)
    with pytest.raises(ValueError, match="user"):
        tokens.issue("", "admin", SECRET, NOW)
