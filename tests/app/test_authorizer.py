"""The Lambda authorizer: bearer parsing, the answer's policy, and refusals as 'Unauthorized'."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from taskapp import authorizer, tokens

from .conftest import APP

SECRET = "k" * 32
NOW = 1_800_000_000
METHOD = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/tasks/01J1"


def _event(header: object) -> dict:
    return {"type": "TOKEN", "authorizationToken": header, "methodArn": METHOD}


def test_a_requester_gets_the_stage_allowed_and_the_review_routes_denied():
    answer = authorizer.authorize(_event("Bearer " + tokens.issue("alice", "requester", SECRET, NOW)), SECRET, NOW)
    assert answer["principalId"] == "alice" and answer["context"] == {"user": "alice", "role": "requester"}
    allow, deny = answer["policyDocument"]["Statement"]
    assert allow == {"Action": "execute-api:Invoke", "Effect": "Allow",
                     "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*"}
    assert deny["Effect"] == "Deny" and "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/tasks/*/approve" in deny["Resource"]


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_reviewers_get_no_deny(role):
    answer = authorizer.authorize(_event("bearer " + tokens.issue("carol", role, SECRET, NOW)), SECRET, NOW)
    assert [s["Effect"] for s in answer["policyDocument"]["Statement"]] == ["Allow"]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic abc", "Bearer not.a.token",
                                    "Bearer " + tokens.issue("alice", "admin", "x" * 32, NOW)])
def test_refusals_raise_unauthorized(header):
    with pytest.raises(authorizer.Unauthorized, match="^Unauthorized$"):
        authorizer.authorize(_event(header), SECRET, NOW)


def test_without_a_secret_nothing_is_accepted():
    with pytest.raises(authorizer.Unauthorized):
        authorizer.authorize(_event("Bearer " + tokens.issue("alice", "admin", "", NOW)), "", NOW)


def test_an_expired_token_is_refused():
    token = tokens.issue("alice", "admin", SECRET, NOW, lifetime_seconds=60)
    with pytest.raises(authorizer.Unauthorized):
        authorizer.authorize(_event("Bearer " + token), SECRET, NOW + 120)


def test_the_deployed_handler_reads_the_secret_from_its_environment(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("authorizer_app", APP / "functions" / "authorizer" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("JWT_SECRET", SECRET)
    import time

    token = tokens.issue("alice", "admin", SECRET, int(time.time()))
    assert module.lambda_handler(_event("Bearer " + token), None)["principalId"] == "alice"
    with pytest.raises(authorizer.Unauthorized):
        module.lambda_handler(_event("Bearer nope"), None)
    assert '"action":"TokenRefused"' in capsys.readouterr().out
    sys.modules.pop("authorizer_app", None)
