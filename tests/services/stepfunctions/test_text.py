"""Text the store cannot hold (lone UTF-16 surrogates) is a ValidationException, not a crash."""

from __future__ import annotations

import json

import pytest

from statewright.services.common import AwsError

ROLE = "arn:aws:iam::123456789012:role/r"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})




def test_a_tag_with_a_lone_surrogate_is_a_validation_error_and_nothing_is_tagged(service):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE})["stateMachineArn"]
    with pytest.raises(AwsError) as raised:
        service.handle("TagResource", {"resourceArn": arn, "tags": [{"key": "ok", "value": "v"},
                                                                    {"key": "k\ud800", "value": "v"}]})
    assert raised.value.code == "ValidationException"
    # Refused by the model check before the action runs, at Coral's path of the member.
    assert "'tags.2.member.key'" in raised.value.message and "\\ud800" in raised.value.message
    raised.value.message.encode("utf-8")  # the answer itself is sendable
    assert service.store.tags(arn) == {}


def test_an_activity_name_with_a_lone_surrogate_is_a_validation_error(service):
    with pytest.raises(AwsError) as raised:
        service.handle("CreateActivity", {"name": "a\udc00"})
    assert raised.value.code == "ValidationException"
    assert service.handle("ListActivities", {})["activities"] == []
