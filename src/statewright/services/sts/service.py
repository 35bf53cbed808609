"""STS over the protocol layer: `GetCallerIdentity`; every other action is answered with AWS's
common `InvalidAction` error (400), which names the action."""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError, RequestContext
from statewright.services.common.platform import Platform


class StsService:
    """The local STS. Every request is taken to come from the account's root user (no IAM
    users or roles exist locally): for the root user AWS reports the account ID as `UserId`
    and `arn:<partition>:iam::<account>:root` as `Arn`."""

    name = "sts"

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        if operation == "GetCallerIdentity":
            return caller_identity(context)
        raise AwsError("InvalidAction", f"Statewright's STS does not implement the action {operation}; "
                                        "it answers GetCallerIdentity only")

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        return None


def caller_identity(context: RequestContext) -> dict[str, Any]:
    return {"UserId": context.account, "Account": context.account,
            "Arn": f"arn:{context.partition}:iam::{context.account}:root"}


def create(platform: Platform) -> StsService:
    """The composition root's entry point (the service keeps nothing from the platform: the
    account and partition come with each request's context)."""
    return StsService()
