"""The errors of the Step Functions API: a code (AWS's exception name) and a message."""

from __future__ import annotations


class ApiError(Exception):
    """An error answer: `code` goes on the wire as `__type`, `message` as `message`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def validation_error(field: str, value: object, constraint: str) -> ApiError:
    """AWS's wording for a request field that fails a constraint."""
    shown = "null" if value is None else f"'{value}'"
    return ApiError("ValidationException",
                    f"1 validation error detected: Value {shown} at '{field}' failed to satisfy "
                    f"constraint: {constraint}")


def missing(field: str) -> ApiError:
    return validation_error(field, None, "Member must not be null")


def invalid_arn(arn: object, why: str = "") -> ApiError:
    detail = why or "ARN is not valid"
    return ApiError("InvalidArn", f"Invalid Arn: '{detail}: {arn}'" if why else f"Invalid Arn: '{arn}'")


def state_machine_missing(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def execution_missing(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def activity_missing(arn: str) -> ApiError:
    return ApiError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def resource_missing(arn: str) -> ApiError:
    return ApiError("ResourceNotFound", f"Resource not found: '{arn}'")
