"""Lambda's API operations, on botocore's `lambda` model members: Invoke, GetFunction,
GetFunctionConfiguration, ListFunctions, CreateFunction, UpdateFunctionCode, DeleteFunction,
ListTags."""

from __future__ import annotations

import base64
import json
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from statewright.services.common import AwsError, RequestContext

from . import json_logs
from .code import code_sha256, unpack_zip
from .names import parse_function
from .types import DEFAULT_MEMORY, DEFAULT_TIMEOUT, FunctionConfig

if TYPE_CHECKING:
    from .invoker import Function
    from .service import LambdaService

Operation = Callable[["LambdaService", dict[str, Any], RequestContext], dict[str, Any]]

_ROLE = re.compile(r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
_HANDLER = re.compile(r"^[^\s]+$")
MAX_PAYLOAD = 6 * 1024 * 1024


def timestamp() -> str:
    """Now in Lambda's `LastModified` format: 2024-01-31T12:34:56.789+0000."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}+0000"


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message, 400, fields={"Type": "User"})


def configuration(function: Function) -> dict[str, Any]:
    """A function's `FunctionConfiguration`."""
    config = function.config
    result: dict[str, Any] = {
        "FunctionName": config.name, "FunctionArn": function.arn, "Runtime": config.runtime,
        "Role": config.role or f"arn:aws:iam::{function.arn.split(':')[4]}:role/statewright-local",
        "Handler": config.handler, "CodeSize": function.code_size, "Description": config.description,
        "Timeout": config.timeout, "MemorySize": config.memory_size, "LastModified": function.last_modified,
        "CodeSha256": function.code_sha256, "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"}, "RevisionId": function.revision_id,
        "State": "Active", "LastUpdateStatus": "Successful", "PackageType": "Zip",
        "Architectures": list(config.architectures), "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": logging_config(config),
    }
    if config.environment:
        result["Environment"] = {"Variables": dict(config.environment)}
    if layers := layer_arns(config, function.arn):
        result["Layers"] = [{"Arn": arn, "CodeSize": 0} for arn in layers]
    return result


def logging_config(config: FunctionConfig) -> dict[str, Any]:
    """`LoggingConfig` as Lambda answers it: the log levels (INFO unless set) with JSON logs only."""
    answer = {"LogFormat": "JSON" if json_logs.is_json(config) else "Text",
              "LogGroup": config.logging_config.get("LogGroup") or f"/aws/lambda/{config.name}"}
    if json_logs.is_json(config):
        answer["ApplicationLogLevel"] = json_logs.application_level(config)
        answer["SystemLogLevel"] = json_logs.system_level(config)
    return answer


def layer_arns(config: FunctionConfig, function_arn: str) -> list[str]:
    """The layer version ARNs GetFunction lists: the declared ones, or for layers given only as
    folders an ARN named after the folder (`arn:aws:lambda:<region>:<account>:layer:<name>:1`)."""
    if config.layer_arns:
        return list(config.layer_arns)
    region, account = function_arn.split(":")[3:5]
    names = [re.sub(r"[^a-zA-Z0-9_-]", "-", os.path.basename(os.path.normpath(path)))[:140] or "layer"
             for path in config.layers]
    return [f"arn:aws:lambda:{region}:{account}:layer:{name}:1" for name in names]


def invoke(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    payload = input.get("Payload") or b""
    if isinstance(payload, str):
        payload = payload.encode()
    if len(payload) > MAX_PAYLOAD:
        raise AwsError("RequestTooLargeException", "Request must be smaller than 6291456 bytes for the "
                       "InvokeFunction operation", 413, fields={"Type": "User"})
    if payload.strip():
        try:
            json.loads(payload)
        except ValueError as e:
            raise AwsError("InvalidRequestContentException",
                           f"Could not parse request body into json: {e}", 400, fields={"Type": "User"}) from e
    else:
        payload = b"{}"
    client_context = input.get("ClientContext")
    if client_context:
        try:
            client_context = base64.b64decode(client_context).decode()
        except ValueError as e:
            raise _invalid("Client context must be a valid Base64-encoded JSON object.") from e
    name = input.get("FunctionName")
    parse_function(name, context, max_length=170)  # the field's own validation message
    result = service.invoke(str(name), payload, context, qualifier=input.get("Qualifier"),
                            invocation_type=input.get("InvocationType") or "RequestResponse",
                            log_tail=input.get("LogType") == "Tail", client_context=client_context)
    output: dict[str, Any] = {"StatusCode": result.status_code, "Payload": result.payload}
    if result.status_code == 200:
        output["ExecutedVersion"] = result.executed_version
    if result.function_error:
        output["FunctionError"] = result.function_error
    if result.log_tail:
        output["LogResult"] = result.log_tail
    return output


def get_function(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    function = _function(service, input, context)
    result: dict[str, Any] = {
        "Configuration": configuration(function),
        "Code": {"RepositoryType": "S3", "Location": f"file://{function.config.code_dir}"},
    }
    if function.config.tags:
        result["Tags"] = dict(function.config.tags)
    if function.config.reserved_concurrency is not None:
        result["Concurrency"] = {"ReservedConcurrentExecutions": function.config.reserved_concurrency}
    return result


def get_function_configuration(service: LambdaService, input: dict[str, Any],
                               context: RequestContext) -> dict[str, Any]:
    return configuration(_function(service, input, context))


def list_functions(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    max_items = input.get("MaxItems")
    if max_items is None:
        max_items = 50
    if not isinstance(max_items, int) or not 1 <= max_items <= 10000:
        raise AwsError("ValidationException", f"1 validation error detected: Value '{max_items}' at "
                       "'maxItems' failed to satisfy constraint: Member must have value less than or "
                       "equal to 10000", 400)
    functions = service.all_functions()
    start = 0
    marker = input.get("Marker")
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode().split(":", 1)[0])
        except (ValueError, UnicodeDecodeError) as e:
            raise _invalid(f"Invalid marker: {marker}") from e
    page = functions[start:start + max_items]
    result: dict[str, Any] = {"Functions": [configuration(f) for f in page]}
    if start + max_items < len(functions):
        token = f"{start + max_items}:{uuid.uuid4().hex[:8]}"
        result["NextMarker"] = base64.urlsafe_b64encode(token.encode()).decode()
    return result


def create_function(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    ref = parse_function(input.get("FunctionName"), context, max_length=140)
    if ref.qualifier:
        raise _invalid("Qualifier is not supported in function name for CreateFunction")
    if ref.name in service.function_names():
        raise AwsError("ResourceConflictException", f"Function already exist: {ref.name}", 409,
                       fields={"Type": "User"})
    runtime, handler, role = input.get("Runtime"), input.get("Handler"), input.get("Role")
    if (input.get("PackageType") or "Zip") != "Zip":
        raise _invalid("Statewright runs Zip packages only; container images are not supported")
    if not runtime:
        raise _invalid("Runtime and Handler are mandatory parameters for functions created with "
                       "deployment packages.")
    if not handler or not _HANDLER.match(str(handler)):
        raise _invalid("Runtime and Handler are mandatory parameters for functions created with "
                       "deployment packages.")
    if not isinstance(role, str) or not _ROLE.match(role):
        shown = "null" if role is None else f"'{role}'"
        raise AwsError("ValidationException", f"1 validation error detected: Value {shown} at 'role' failed "
                       "to satisfy constraint: Member must satisfy regular expression pattern: "
                       "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", 400)
    zip_file = _zip(input.get("Code") or {})
    code_dir = service.data_dir / "code" / ref.name
    unpack_zip(zip_file, code_dir)
    logging = _logging_input(input.get("LoggingConfig"))
    config = FunctionConfig(
        name=ref.name, handler=str(handler), runtime=str(runtime), code_dir=str(code_dir),
        environment=dict((input.get("Environment") or {}).get("Variables") or {}),
        timeout=_bounded(input, "Timeout", DEFAULT_TIMEOUT, 1, 900),
        memory_size=_bounded(input, "MemorySize", DEFAULT_MEMORY, 128, 10240),
        role=role, tags=dict(input.get("Tags") or {}),
        architectures=tuple(input.get("Architectures") or ("x86_64",)),
        logging_config=logging, description=str(input.get("Description") or ""))
    function = service.define(config, persisted=True, meta={
        "code_sha256": code_sha256(zip_file), "code_size": len(zip_file), "last_modified": timestamp()})
    return configuration(function)


def update_function_code(service: LambdaService, input: dict[str, Any],
                         context: RequestContext) -> dict[str, Any]:
    function = _function(service, input, context)
    zip_file = _zip(input)
    revision = input.get("RevisionId")
    if revision and revision != function.revision_id:
        raise AwsError("PreconditionFailedException", "The Revision Id provided does not match the latest "
                       "Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
                       412, fields={"Type": "User"})
    if input.get("DryRun"):
        return configuration(function)
    code_dir = service.data_dir / "code" / function.config.name
    unpack_zip(zip_file, code_dir)
    config = replace(function.config, code_dir=str(code_dir))
    updated = service.define(config, persisted=True, meta={
        "code_sha256": code_sha256(zip_file), "code_size": len(zip_file), "last_modified": timestamp()})
    return configuration(updated)


def delete_function(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    function = _function(service, input, context)
    if input.get("Qualifier") not in (None, "$LATEST"):
        raise _invalid("Deletion of a function version is not supported by Statewright")
    service.remove_function(function.config.name)
    return {}


def list_tags(service: LambdaService, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    resource = input.get("Resource")
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        raise AwsError("ValidationException", f"1 validation error detected: Value '{resource}' at 'resource' "
                       "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                       "arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:"
                       "function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?", 400)
    function = service.lookup(parse_function(resource, context, field="resource", max_length=256))
    return {"Tags": dict(function.config.tags)}


def _function(service: LambdaService, input: dict[str, Any], context: RequestContext) -> Function:
    ref = parse_function(input.get("FunctionName"), context, max_length=170)
    qualifier = input.get("Qualifier")
    if qualifier is not None:
        ref = replace(ref, qualifier=qualifier)
    return service.lookup(ref)


_LOGGING_ENUMS = {"LogFormat": ("JSON", "Text"), "ApplicationLogLevel": json_logs.APPLICATION_LEVELS,
                  "SystemLogLevel": json_logs.SYSTEM_LEVELS}


def _logging_input(value: Any) -> dict[str, Any]:
    """CreateFunction's `LoggingConfig`, its enumerations checked as Lambda checks them."""
    config = dict(value or {})
    for member, allowed in _LOGGING_ENUMS.items():
        if member in config and config[member] not in allowed:
            raise AwsError("ValidationException", f"1 validation error detected: Value '{config[member]}' at "
                           f"'loggingConfig.{member[0].lower() + member[1:]}' failed to satisfy constraint: Member "
                           f"must satisfy enum value set: [{', '.join(allowed)}]", 400)
    return config


def _zip(code: dict[str, Any]) -> bytes:
    data = code.get("ZipFile")
    if isinstance(data, str):
        data = data.encode("latin-1")
    if not data:
        if code.get("S3Bucket") or code.get("ImageUri"):
            raise _invalid("Statewright takes deployment packages as ZipFile; S3 and image code are not "
                           "supported")
        raise _invalid("Please provide a source for function code.")
    return bytes(data)


def _bounded(input: dict[str, Any], member: str, default: int, low: int, high: int) -> int:
    value = input.get(member)
    if value is None:
        return default
    if not isinstance(value, int) or not low <= value <= high:
        raise AwsError("ValidationException", f"1 validation error detected: Value '{value}' at "
                       f"'{member[0].lower() + member[1:]}' failed to satisfy constraint: Member must have "
                       f"value {'greater than or equal to ' + str(low) if isinstance(value, int) and value < low else 'less than or equal to ' + str(high)}",
                       400)
    return value


OPERATIONS: dict[str, Operation] = {
    "Invoke": invoke, "GetFunction": get_function, "GetFunctionConfiguration": get_function_configuration,
    "ListFunctions": list_functions, "CreateFunction": create_function,
    "UpdateFunctionCode": update_function_code, "DeleteFunction": delete_function, "ListTags": list_tags,
}
