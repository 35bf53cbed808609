"""The three ways a Task state calls Lambda, over any `FunctionInvoker` (the local Lambda service,
or `inprocess.PythonFunctions`):

- a function ARN as the resource: the output is the function's result, as is;
- `arn:aws:states:::lambda:invoke`: the output wraps the result (`Payload`) with the invoke's
  status, version and HTTP metadata; with `.waitForTaskToken` the function is called and the
  task waits for its token;
- `arn:aws:states:::aws-sdk:lambda:invoke`: the output is the SDK's Invoke response.

Failures are named as Step Functions names them: a function's error type is the Error and
Lambda's error JSON the Cause; Lambda's own errors are `Lambda.<code>`; a function that did not
report an error type (its worker died, it timed out) is `Lambda.Unknown`.
"""

from __future__ import annotations

import base64
import json
import uuid
from email.utils import formatdate
from typing import Any

from statewright.services.common import AwsError, FunctionInvoker, InvokeResult

from .types import FUNCTION, SDK, TaskContext, TaskError

# Error types a runtime reports for an invocation that never produced the function's own error.
_NO_ERROR_TYPE = ("Runtime.ExitError", "Sandbox.Timedout")
UNKNOWN_CAUSE = ("The cause could not be determined because Lambda did not return an error type. "
                 "Returned payload: {payload}")


class LambdaIntegration:
    """The `lambda` service integration (register it with `Registry.register_service("lambda", …)`)."""

    def __init__(self, invoker: FunctionInvoker) -> None:
        self.invoker = invoker

    def __call__(self, parameters: Any, context: TaskContext) -> Any:
        resource = context.resource
        if resource.kind == FUNCTION:
            result = self._invoke(context, resource.base, parameters, None, "RequestResponse", False, sdk=False)
            return _function_output(result)
        if resource.action != "invoke":
            raise TaskError("States.Runtime", f"Statewright's Lambda integration does not support "
                                              f"the action '{resource.action}' ({resource.text})")
        if not isinstance(parameters, dict) or not isinstance(parameters.get("FunctionName"), str):
            raise TaskError("States.Runtime", f"The resource {resource.text} needs the parameter "
                                              "'FunctionName' (a string)")
        sdk = resource.kind == SDK
        result = self._invoke(context, parameters["FunctionName"], parameters.get("Payload", {}),
                              parameters.get("Qualifier"), str(parameters.get("InvocationType", "RequestResponse")),
                              parameters.get("LogType") == "Tail", sdk=sdk)
        if sdk:
            return _sdk_output(result)  # a function error is data here, as in the SDK's answer
        return _invoke_output(_function_output(result) if result.payload else "", result)

    def _invoke(self, context: TaskContext, function: str, payload: Any, qualifier: Any, invocation_type: str,
                log_tail: bool, *, sdk: bool) -> InvokeResult:
        request = context.request_context(str(uuid.uuid4()))
        service_name = "Lambda" if sdk else "AWSLambda"
        body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        try:
            result = self.invoker.invoke(function, body, request, qualifier=str(qualifier) if qualifier else None,
                                         invocation_type=invocation_type, log_tail=log_tail)
        except AwsError as error:
            status = error.status or (400 if error.sender_fault else 500)
            raise TaskError(f"Lambda.{error.code}",
                            f"{error.message} (Service: {service_name}; Status Code: {status}; Error Code: "
                            f"{error.code}; Request ID: {request.request_id}; Proxy: null)") from None
        if result.function_error and not sdk:
            raise _function_failure(result)
        return result


def _function_failure(result: InvokeResult) -> TaskError:
    text = result.payload.decode(errors="replace")
    try:
        error_type = json.loads(text).get("errorType")
    except (ValueError, AttributeError):
        error_type = None
    if not isinstance(error_type, str) or not error_type or error_type in _NO_ERROR_TYPE:
        return TaskError("Lambda.Unknown", UNKNOWN_CAUSE.format(payload=text))
    return TaskError(error_type, text)


def _function_output(result: InvokeResult) -> Any:
    text = result.payload.decode(errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON: the text itself, as a string


def _invoke_output(payload: Any, result: InvokeResult) -> dict[str, Any]:
    """`lambda:invoke`'s output: the Invoke response with the HTTP metadata the Java SDK adds."""
    request_id = str(uuid.uuid4())
    headers = {"Connection": "keep-alive", "Content-Length": str(len(result.payload)),
               "Content-Type": "application/json", "Date": formatdate(usegmt=True),
               "X-Amz-Executed-Version": result.executed_version, "x-amzn-Remapped-Content-Length": "0",
               "x-amzn-RequestId": request_id,
               "X-Amzn-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Sampled=0"}
    output: dict[str, Any] = {"ExecutedVersion": result.executed_version}
    if result.log_tail:
        output["LogResult"] = base64.b64encode(result.log_tail.encode()).decode()
    output.update({
        "Payload": payload,
        "SdkHttpMetadata": {"AllHttpHeaders": {name: [value] for name, value in headers.items()},
                            "HttpHeaders": headers, "HttpStatusCode": result.status_code},
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": result.status_code,
    })
    return output


def _sdk_output(result: InvokeResult) -> dict[str, Any]:
    """`aws-sdk:lambda:invoke`'s output: the SDK's Invoke response members."""
    output: dict[str, Any] = {"ExecutedVersion": result.executed_version}
    if result.function_error:
        output["FunctionError"] = result.function_error
    if result.log_tail:
        output["LogResult"] = base64.b64encode(result.log_tail.encode()).decode()
    output["Payload"] = _function_output(result) if result.payload else ""
    output["StatusCode"] = result.status_code
    return output
