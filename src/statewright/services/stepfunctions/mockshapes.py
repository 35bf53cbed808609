"""TestState's `fieldValidationMode`: a mocked result checked against the output shape of the
API the Task state calls, from botocore's service models.

STRICT: every required member present and every present member of the right type (members the
shape does not have are refused); PRESENT: present members of the right type; NONE: no check.
Resources whose output is not an API's answer (function ARNs, activities, `.sync` jobs, mocked
Map and Parallel states) are not checked; neither are services botocore does not know.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader
from botocore.model import OperationNotFoundError, ServiceModel, Shape

from statewright.services.common import AwsError

MODES = ("STRICT", "PRESENT", "NONE")
_SDK_METADATA = ("SdkHttpMetadata", "SdkResponseMetadata")
_RESOURCE = re.compile(r"^arn:aws[a-z-]*:states:::(?:aws-sdk:)?(?P<service>[a-z0-9-]+):(?P<action>[A-Za-z0-9]+)"
                       r"(?P<pattern>\.\w+(?::\d)?)?$")
# Step Functions' SDK service names that are not botocore's.
_BOTOCORE_NAMES = {"sfn": "stepfunctions", "states": "stepfunctions", "eventbridge": "events",
                   "cloudwatchlogs": "logs", "cloudwatch": "cloudwatch", "apigateway": "apigateway"}


@functools.lru_cache(maxsize=64)
def _model(service: str) -> ServiceModel | None:
    loader = Loader()
    try:
        return ServiceModel(loader.load_service_model(service, "service-2"), service_name=service)
    except UnknownServiceError:
        return None


def output_shape(resource: str) -> tuple[str, Shape] | None:
    """("<service> <Operation>", its output shape) for a Task resource whose output is that API's answer."""
    match = _RESOURCE.match(resource)
    if match is None or match.group("pattern") in (".sync", ".sync:2"):
        return None
    service = _BOTOCORE_NAMES.get(match.group("service"), match.group("service"))
    model = _model(service)
    if model is None:
        return None
    action = match.group("action")
    try:
        operation = model.operation_model(action[:1].upper() + action[1:])
    except OperationNotFoundError:
        return None
    if operation.output_shape is None:
        return None
    return f"{service} {operation.name}", operation.output_shape


def check_mock_result(resource: str, result: Any, mode: str) -> None:
    """Raise ValidationException naming the first member of `result` that does not fit."""
    if mode == "NONE":
        return
    found = output_shape(resource)
    if found is None:
        return
    api, shape = found
    if ":aws-sdk:" not in resource and isinstance(result, dict):
        # Optimized integrations add the Java SDK's metadata to the API's answer.
        result = {key: value for key, value in result.items() if key not in _SDK_METADATA}
    problem = _problem(shape, result, "$", mode == "STRICT")
    if problem is not None:
        raise AwsError("ValidationException",
                       f"The mocked result does not match the output of {api} ({mode} validation): {problem}")


_SCALARS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a string"), "integer": ((int,), "an integer"), "long": ((int,), "an integer"),
    "float": ((int, float), "a number"), "double": ((int, float), "a number"), "boolean": ((bool,), "a boolean"),
    "timestamp": ((str, int, float), "a timestamp"),
}


def _problem(shape: Shape, value: Any, path: str, strict: bool) -> str | None:
    kind = shape.type_name
    if kind == "structure":
        return _structure_problem(shape, value, path, strict)
    if kind == "list":
        if not isinstance(value, list):
            return f"{path}: must be a list"
        for index, item in enumerate(value):
            problem = _problem(shape.member, item, f"{path}[{index}]", strict)
            if problem is not None:
                return problem
        return None
    if kind == "map":
        if not isinstance(value, dict):
            return f"{path}: must be an object"
        for key, item in value.items():
            problem = _problem(shape.value, item, f"{path}.{key}", strict)
            if problem is not None:
                return problem
        return None
    if kind in _SCALARS:
        types, words = _SCALARS[kind]
        if not isinstance(value, types) or (isinstance(value, bool) and kind != "boolean"):
            return f"{path}: must be {words}"
        enum = shape.enum if kind == "string" else []
        if enum and value not in enum:
            return f"{path}: must be one of {', '.join(enum)}"
    return None  # blobs (a Lambda Payload is JSON here) and documents take any JSON


def _structure_problem(shape: Shape, value: Any, path: str, strict: bool) -> str | None:
    if not isinstance(value, dict):
        return f"{path}: must be an object"
    members = shape.members
    for key, item in value.items():
        if key not in members:
            return f"{path}.{key}: is not a member of {shape.name}"
        problem = _problem(members[key], item, f"{path}.{key}", strict)
        if problem is not None:
            return problem
    if strict:
        for required in shape.required_members:
            if required not in value:
                return f"{path}.{required}: is required"
    return None
