"""AWS's error answer, independent of the wire: a code, a message, a status, whose fault."""

from __future__ import annotations

from typing import Any


class AwsError(Exception):
    """An error answer. The protocol layer writes it in its wire shape (`__type` for AWS JSON,
    `<Error><Code>` for XML, …).

    `status` is the HTTP status; None lets the protocol layer take it from the service model's
    error shape (400 when the model has none). `sender_fault` is False for AWS's "Receiver"
    (server-side) errors. `fields` are extra members of the error shape (for example DynamoDB's
    `CancellationReasons`), serialized beside the message.
    """

    def __init__(self, code: str, message: str, status: int | None = None, *,
                 sender_fault: bool = True, fields: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}


def validation_error(field: str, value: object, constraint: str) -> AwsError:
    """AWS's wording for a request field that fails a constraint (the Coral validation text)."""
    shown = "null" if value is None else f"'{value}'"
    return AwsError("ValidationException",
                    f"1 validation error detected: Value {shown} at '{field}' failed to satisfy "
                    f"constraint: {constraint}")
