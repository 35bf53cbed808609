"""Errors the API answers with: `{"error": {"code", "message", "field"}}` and an HTTP status."""

from __future__ import annotations


class ApiError(Exception):
    """A client-visible error: the status, a stable code, a message and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def bad_request(message: str, field: str | None = None) -> ApiError:
    return ApiError(400, "BadRequest", message, field)


def invalid(message: str, field: str) -> ApiError:
    """A well-formed request whose values break a business rule (422)."""
    return ApiError(422, "ValidationError", message, field)


def unauthorized(message: str = "missing or invalid bearer token") -> ApiError:
    return ApiError(401, "Unauthorized", message, None)


def forbidden(message: str, field: str | None = None) -> ApiError:
    return ApiError(403, "Forbidden", message, field)


def not_found(message: str, field: str | None = None) -> ApiError:
    return ApiError(404, "NotFound", message, field)


def conflict(message: str, field: str | None = None, code: str = "Conflict") -> ApiError:
    return ApiError(409, code, message, field)


def too_large(message: str, field: str) -> ApiError:
    return ApiError(413, "PayloadTooLarge", message, field)
