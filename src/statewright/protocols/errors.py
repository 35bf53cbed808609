"""The error a protocol raises for a request it cannot read (it fits `types.ErrorLike`, so the
same protocol writes it back in its own wire shape)."""

from __future__ import annotations

from typing import Any


class ProtocolError(Exception):
    """A request that does not fit the protocol or the model: bad JSON, an unknown operation, a
    value of the wrong type. `code` is the AWS error code the protocol's services answer with."""

    def __init__(self, code: str, message: str, status: int | None = 400, *,
                 sender_fault: bool = True, fields: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}


def error_shape(service: Any, code: str) -> Any | None:
    """The model's exception shape for a wire error code (botocore's `error_code`: the shape's
    `error.code` when it has one, else its name), or None."""
    for shape in service.error_shapes:
        if shape.error_code == code or shape.name == code:
            return shape
    return None


def error_status(service: Any, error: Any) -> int:
    """The HTTP status of an error: its own, else the model's `httpStatusCode` for that code,
    else 400 for the sender's fault and 500 for the server's."""
    if error.status is not None:
        return int(error.status)
    shape = error_shape(service, error.code) if service is not None else None
    status = shape.metadata.get("error", {}).get("httpStatusCode") if shape is not None else None
    if status is not None:
        return int(status)
    return 400 if error.sender_fault else 500
