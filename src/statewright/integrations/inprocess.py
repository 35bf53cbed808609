"""A `FunctionInvoker` that runs Python callables in this process: Lambda for the in-memory
runner, tests and `statewright run`, through the same Lambda integration as the real service.

A callable takes the event (JSON) and returns the result, as a Lambda handler without its
context argument. An exception becomes Lambda's error answer (errorType = its class name), as
AWS's Python runtime writes it. `TaskError` is the exception: it passes straight through, so a
test can choose a task's Error and Cause exactly.
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from statewright.services.common import AwsError, InvokeResult, RequestContext

from .types import TaskError

PythonHandler = Callable[[Any], Any]


def function_name(function: str) -> str:
    """The function's name from a name, `name:qualifier`, a partial or a full ARN."""
    if ":function:" in function:
        return function.split(":function:", 1)[1].split(":")[0]
    return function.split(":")[0]


class PythonFunctions:
    """Functions by name; see the module docstring."""

    def __init__(self, handlers: Mapping[str, PythonHandler]) -> None:
        self.handlers = dict(handlers)

    def invoke(self, function: str, payload: bytes, context: RequestContext, *,
               qualifier: str | None = None, invocation_type: str = "RequestResponse",
               log_tail: bool = False) -> InvokeResult:
        name = function_name(function)
        handler = self.handlers.get(name)
        if handler is None:
            raise AwsError("ResourceNotFoundException", f"Function not found: arn:{context.partition}:lambda:"
                           f"{context.region}:{context.account}:function:{name}", 404)
        if invocation_type == "DryRun":
            return InvokeResult(204, b"")
        request_id = context.request_id or str(uuid.uuid4())
        try:
            result = handler(json.loads(payload) if payload else {})
        except TaskError:
            raise
        except Exception as error:  # noqa: BLE001 - the function's failure is its answer, as on Lambda
            return InvokeResult(200, _error_payload(type(error).__name__, str(error), request_id,
                                                    _handler_frames(error)), "Unhandled")
        try:
            body = json.dumps(result).encode()
        except (TypeError, ValueError) as error:
            return InvokeResult(200, _error_payload("Runtime.MarshalError", f"Unable to marshal response: {error}",
                                                    request_id, []), "Unhandled")
        if invocation_type == "Event":
            return InvokeResult(202, b"")
        return InvokeResult(200, body)


def _handler_frames(error: Exception) -> list[str]:
    """The traceback from the handler down (this module's own frame left out), as the runtime lists it."""
    trace = error.__traceback__
    return traceback.format_tb(trace.tb_next if trace is not None else None)


def _error_payload(error_type: str, message: str, request_id: str, stack: list[str]) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": request_id,
                       "stackTrace": stack}).encode()
