"""IAM policies from Lambda authorizers against method ARNs."""

from __future__ import annotations

import pytest

from statewright.services.apigateway.policies import ALLOW, DENY, IMPLICIT_DENY, BadPolicy, evaluate

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/items/7"


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(resource, action="execute-api:Invoke"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_exact_and_wildcard_resources():
    assert evaluate(policy(allow(ARN)), ARN) == ALLOW
    assert evaluate(policy(allow("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*")), ARN) == ALLOW
    assert evaluate(policy(allow("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*")), ARN) == IMPLICIT_DENY
    assert evaluate(policy(allow([ARN.replace("7", "?")])), ARN) == ALLOW


def test_explicit_deny_wins():
    assert evaluate(policy(allow("*"), {"Effect": "Deny", "Action": "*", "Resource": ARN}), ARN) == DENY


def test_actions():
    assert evaluate(policy(allow(ARN, "execute-api:*")), ARN) == ALLOW
    assert evaluate(policy(allow(ARN, "s3:GetObject")), ARN) == IMPLICIT_DENY
    assert evaluate({"Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}, ARN) == ALLOW


@pytest.mark.parametrize("document", [None, {"Statement": 3}, {"Statement": [{"Effect": "Maybe"}]},
                                      {"Statement": [{"Effect": "Allow", "Action": 5, "Resource": "*"}]}])
def test_bad_policies(document):
    with pytest.raises(BadPolicy):
        evaluate(document, ARN)
