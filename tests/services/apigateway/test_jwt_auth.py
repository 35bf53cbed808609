"""JWT authorizers with keys from a local JWKS file: set for the issuer (`set_keys`) or declared
by the authorizer itself (`x-statewright-jwks` in the template); claims, audience, expiry, scopes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from statewright.services.apigateway.definitions import api_from_openapi
from statewright.services.apigateway.events import Call
from statewright.services.apigateway.jwt_auth import JwtVerifier
from statewright.services.apigateway.types import HTTP, ApiRequest, Authorizer

ISSUER = "https://issuer.example.com/"  # never contacted: the keys are in a file


@pytest.fixture(scope="module")
def key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_file(tmp_path: Path, key: Any) -> Path:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": "local", "alg": "RS256", "use": "sig"}]}))
    return path


def token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "app", "sub": "u-7", "exp": now + 60, "scope": "read write", **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "local"})


def call(bearer: str | None) -> Call:
    headers = (("authorization", f"Bearer {bearer}"),) if bearer else ()
    return Call(request=ApiRequest("GET", "/jwt", "", headers, b""), api_id="h1", stage="$default",
                resource_path="/jwt", resource_id="", route_key="GET /jwt", path_parameters={}, stage_variables={},
                request_id="req", account="123456789012", region="us-east-1")


def authorizer(jwks: str = "") -> Authorizer:
    return Authorizer("Jwt", "JWT", identity_sources=("$request.header.Authorization",), issuer=ISSUER,
                      audience=("app",), jwks=jwks)


def test_keys_from_a_file_set_for_the_issuer(jwks_file, key):
    verifier = JwtVerifier()
    verifier.set_keys(ISSUER, str(jwks_file))
    outcome = verifier.authorize(authorizer(), call(token(key)), ("read",))
    assert outcome.refusal is None
    assert outcome.context["jwt"]["claims"]["sub"] == "u-7" and outcome.context["jwt"]["scopes"] == ["read", "write"]


def test_keys_from_the_file_the_template_declares(jwks_file, key):
    body = {"openapi": "3.0.1", "info": {"title": "h"}, "paths": {}, "components": {"securitySchemes": {"Jwt": {
        "type": "oauth2", "x-amazon-apigateway-authorizer": {
            "type": "jwt", "identitySource": "$request.header.Authorization", "x-statewright-jwks": str(jwks_file),
            "jwtConfiguration": {"issuer": ISSUER, "audience": ["app"]}}}}}}
    declared = api_from_openapi("h1", body, HTTP).authorizers["Jwt"]
    assert declared.jwks == str(jwks_file)
    assert JwtVerifier().authorize(declared, call(token(key)), ()).refusal is None


@pytest.mark.parametrize(("claims", "scopes", "status"), [
    ({"aud": "someone-else"}, (), 401),
    ({"exp": int(time.time()) - 10}, (), 401),
    ({"iss": "https://other.example.com/"}, (), 401),
    ({}, ("admin",), 403),
])
def test_refusals(jwks_file, key, claims, scopes, status):
    refusal = JwtVerifier().authorize(authorizer(str(jwks_file)), call(token(key, **claims)), scopes).refusal
    assert refusal is not None and refusal.status == status


def test_no_token_and_a_forged_one_are_401(jwks_file, key):
    verifier = JwtVerifier()
    assert verifier.authorize(authorizer(str(jwks_file)), call(None), ()).refusal.status == 401
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refusal = verifier.authorize(authorizer(str(jwks_file)), call(token(other)), ()).refusal
    assert refusal.status == 401 and "invalid_token" in refusal.header("www-authenticate")
