"""Step Functions' `arn:aws:states:::aws-sdk:s3:<action>` integrations over the S3 service:
parameters are the API's members, the result is the API's output as JSON, and errors are named
as Step Functions names AWS SDK errors (`S3.NoSuchKeyException`; `S3.S3Exception` for errors the
model does not name)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from statewright.services.common import AwsError, RequestContext
from statewright.services.s3.service import ACTIONS, S3Service

from . import s3items
from .types import SDK, SERVICE, TaskContext, TaskError

MODELED = s3items.MODELED


def action_name(operation: str) -> str:
    """`GetObject` → `getObject`, as the integration's ARN spells actions."""
    return operation[0].lower() + operation[1:]


def error_name(error: AwsError) -> str:
    return f"S3.{error.code}Exception" if error.code in MODELED else "S3.S3Exception"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def call(service: S3Service, operation: str, parameters: Any, context: RequestContext) -> dict[str, Any]:
    """One action with Step Functions' conventions: a `Body` given as text (or JSON) is stored
    as UTF-8; a returned `Body` is read into a string."""
    if not isinstance(parameters, dict):
        raise TaskError("S3.S3Exception", "The task's parameters must be a JSON object")
    input = dict(parameters)
    if "Body" in input and not isinstance(input["Body"], bytes | str):
        input["Body"] = json.dumps(input["Body"])
    if isinstance(input.get("Body"), str):
        input["Body"] = input["Body"].encode()
    for name in ("IfModifiedSince", "IfUnmodifiedSince", "CopySourceIfModifiedSince", "CopySourceIfUnmodifiedSince"):
        if isinstance(input.get(name), str):
            input[name] = datetime.fromisoformat(input[name].replace("Z", "+00:00"))
    try:
        output = service.handle(operation, input, context)
    except AwsError as error:
        status = error.status or 400
        raise TaskError(error_name(error), f"{error.message} (Service: S3, Status Code: {status}, "
                        f"Request ID: {context.request_id or 'local'})") from error
    if "Body" in output and not isinstance(output["Body"], bytes | str):
        output["Body"] = b"".join(output["Body"]).decode("utf-8", "replace")
    return dict(_jsonable(output))


class S3Integration:
    """The `s3` service integration (`Registry.register_service("s3", …)`): every S3 action as
    `arn:<partition>:states:::aws-sdk:s3:<action>`."""

    def __init__(self, service: S3Service) -> None:
        self.service = service
        self.operations = {action_name(operation): operation for operation in ACTIONS}

    def __call__(self, parameters: Any, task: TaskContext) -> Any:
        resource = task.resource
        if resource.kind == SERVICE and resource.action in s3items.ACTIONS:
            # `arn:aws:states:::s3:<action>`: a Distributed Map's ItemReader or ResultWriter.
            return s3items.ACTIONS[resource.action](self.service, parameters, task.request_context())
        operation = self.operations.get(resource.action) if resource.kind == SDK else None
        if operation is None:
            raise TaskError("States.Runtime", f"Statewright's S3 integration does not support the resource "
                                              f"{resource.text}")
        return call(self.service, operation, parameters, task.request_context())
