"""The errors of the Step Functions API, as AWS words them (all `AwsError`s)."""

from __future__ import annotations

from statewright.services.common import AwsError


def invalid_arn(arn: object, why: str = "") -> AwsError:
    detail = why or "ARN is not valid"
    return AwsError("InvalidArn", f"Invalid Arn: '{detail}: {arn}'" if why else f"Invalid Arn: '{arn}'")


def state_machine_missing(arn: str) -> AwsError:
    return AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def execution_missing(arn: str) -> AwsError:
    return AwsError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def activity_missing(arn: str) -> AwsError:
    return AwsError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def resource_missing(arn: str) -> AwsError:
    return AwsError("ResourceNotFound", f"Resource not found: '{arn}'")
