"""The local STS: the caller is the account's root user, in the request's partition."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError, RequestContext
from statewright.services.common.platform import Platform, Settings
from statewright.services.sts import create


def service():
    return create(Platform(settings=Settings(), store=None, engine=None, clock=None, integrations=None))


def test_the_caller_is_the_root_user_of_the_requests_account():
    context = RequestContext(region="eu-west-1", account="210987654321", partition="aws")
    assert service().handle("GetCallerIdentity", {}, context) == {
        "UserId": "210987654321", "Account": "210987654321", "Arn": "arn:aws:iam::210987654321:root"}


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_the_arn_is_in_the_requests_partition(partition):
    result = service().handle("GetCallerIdentity", {}, RequestContext(partition=partition))
    assert result["Arn"] == f"arn:{partition}:iam::123456789012:root"


def test_other_actions_are_invalid_actions_naming_the_action():
    with pytest.raises(AwsError) as caught:
        service().handle("AssumeRole", {"RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "s"},
                         RequestContext())
    assert caught.value.code == "InvalidAction"
    assert "AssumeRole" in caught.value.message
    assert caught.value.status is None  # the protocol answers 400, AWS's status for InvalidAction


def test_the_service_is_named_after_its_botocore_model():
    sts = service()
    assert sts.name == "sts"
    assert not sts.is_long("GetCallerIdentity")
    sts.close()
