"""Routes an API Gateway proxy event to its operation; every failure becomes the API's error shape."""

from __future__ import annotations

from collections.abc import Callable

from ..context import Context
from ..errors import ApiError
from . import attachments, reviews, tasks
from .http import Caller, caller, error_response

Operation = Callable[[Context, Caller, dict], dict]

ROUTES: dict[tuple[str, str], Operation] = {
    ("POST", "/tasks"): tasks.create,
    ("GET", "/tasks"): tasks.list_tasks,
    ("GET", "/tasks/{taskId}"): tasks.get,
    ("POST", "/tasks/{taskId}/cancel"): tasks.cancel,
    ("POST", "/tasks/{taskId}/attachments"): attachments.create,
    ("GET", "/tasks/{taskId}/attachments/{attachmentId}"): attachments.download,
    ("GET", "/approvals"): reviews.approvals,
    ("POST", "/tasks/{taskId}/approve"): reviews.approve,
    ("POST", "/tasks/{taskId}/reject"): reviews.reject,
}


def handle(context: Context, event: dict) -> dict:
    """The answer to one request; unexpected failures are logged and answered as a 500."""
    operation = ROUTES.get((event.get("httpMethod", ""), event.get("resource", "")))
    try:
        if operation is None:
            raise ApiError(404, "NotFound", f"no route {event.get('httpMethod')} {event.get('resource')}", None)
        return operation(context, caller(event), event)
    except ApiError as error:
        context.telemetry.log("RequestRefused", level="WARN", status=error.status, code=error.code,
                              field=error.field, route=event.get("resource"))
        return error_response(error)
    except Exception as error:  # a bug or an AWS outage: answered, logged, never a raw stack trace
        context.telemetry.log("RequestFailed", level="ERROR", error=type(error).__name__, message=str(error),
                              route=event.get("resource"))
        return error_response(ApiError(500, "InternalError", "the request failed; see the logs", None))
