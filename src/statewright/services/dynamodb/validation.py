"""AWS's first line of checks (the Coral framework's): required members, lengths, value ranges,
enums and patterns from the service model, reported together as "N validation errors detected:
…; …", before any of DynamoDB's own checks (recorded: nubo-db/dynamodb-conformance
tests/tier3/validation-ordering/putItem.test.ts). botocore's model of DynamoDB holds the same
constraints, so it drives this.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..common import AwsError

# The order AWS lists some enums in (as recorded; Java's set order, not the model's).
_ENUM_ORDER = {
    "ReturnValue": ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
    "Select": ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
    "ScalarAttributeType": ["B", "N", "S"],
}
_MAX_DEPTH = 6  # request structures nest a few levels; attribute values (maps) are checked elsewhere


@lru_cache(maxsize=1)
def _model() -> Any:
    import botocore.session  # the service models come with botocore (see docs/dynamodb.md)

    return botocore.session.get_session().get_service_model("dynamodb")


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _java(value: Any, shape: Any) -> str:
    """A value as AWS's Java toString prints it: `KeySchemaElement(attributeName=pk, keyType=HASH)`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        member = getattr(shape, "member", None)
        return "[" + ", ".join(_java(item, member) for item in value) + "]"
    if isinstance(value, dict) and shape is not None and shape.type_name == "structure":
        fields = ", ".join(f"{_camel(name)}={_java(value[name], shape.members.get(name))}"
                           for name in shape.members if value.get(name) is not None)
        return f"{shape.name}({fields})"
    return str(value)


def _shown(value: Any, shape: Any = None) -> str:
    return f"'{_java(value, shape)}'"


def _check(shape: Any, value: Any, path: str, errors: list[str], depth: int) -> None:
    metadata = shape.metadata
    kind = shape.type_name
    if kind == "string" and isinstance(value, str):
        enum = metadata.get("enum")
        if enum and value not in enum:
            values = _ENUM_ORDER.get(shape.name, enum)
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must satisfy enum "
                          f"value set: [{', '.join(values)}]")
            return
        if "min" in metadata and len(value) < metadata["min"]:
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have length "
                          f"greater than or equal to {metadata['min']}")
        elif "max" in metadata and len(value) > metadata["max"]:
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have length "
                          f"less than or equal to {metadata['max']}")
        elif "pattern" in metadata and not re.fullmatch(metadata["pattern"], value):
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must satisfy "
                          f"regular expression pattern: {metadata['pattern']}")
    elif kind in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        if "min" in metadata and value < metadata["min"]:
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have value "
                          f"greater than or equal to {metadata['min']}")
        elif "max" in metadata and value > metadata["max"]:
            errors.append(f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have value "
                          f"less than or equal to {metadata['max']}")
    elif kind == "list" and isinstance(value, list):
        if "min" in metadata and len(value) < metadata["min"]:
            errors.append(f"Value {_shown(value, shape)} at '{path}' failed to satisfy constraint: Member must have length "
                          f"greater than or equal to {metadata['min']}")
        elif "max" in metadata and len(value) > metadata["max"]:
            errors.append(f"Value {_shown(value, shape)} at '{path}' failed to satisfy constraint: Member must have "
                          f"length less than or equal to {metadata['max']}")
        elif depth < _MAX_DEPTH and shape.member.type_name in ("structure", "string"):
            for position, member in enumerate(value, start=1):
                _check(shape.member, member, f"{path}.{position}.member", errors, depth + 1)
    elif kind == "structure" and isinstance(value, dict) and depth < _MAX_DEPTH:
        _structure(shape, value, path, errors, depth + 1)
    elif kind == "map" and isinstance(value, dict):
        _map(shape, value, path, errors)


def _map(shape: Any, value: dict[str, Any], path: str, errors: list[str]) -> None:
    """A map whose values are lists with length limits (BatchWriteItem's RequestItems): AWS
    reports the whole map and every limit of the value's shape."""
    limits = shape.value.metadata
    if shape.value.type_name != "list" or not ("min" in limits or "max" in limits):
        return
    if any(isinstance(member, list) and not limits.get("min", 0) <= len(member) <= limits.get("max", len(member))
           for member in value.values()):
        rendered = "{" + ", ".join(f"{key}={_java(member, shape.value)}" for key, member in value.items()) + "}"
        rules = []
        if "max" in limits:
            rules.append(f"Member must have length less than or equal to {limits['max']}")
        if "min" in limits:
            rules.append(f"Member must have length greater than or equal to {limits['min']}")
        errors.append(f"Value '{rendered}' at '{path}' failed to satisfy constraint: Map value must satisfy "
                      f"constraint: [{', '.join(rules)}]")


def _structure(shape: Any, value: dict[str, Any], prefix: str, errors: list[str], depth: int) -> None:
    required = set(shape.required_members)
    for name, member in shape.members.items():
        path = f"{prefix}.{_camel(name)}" if prefix else _camel(name)
        if value.get(name) is None:
            if name in required:
                errors.append(f"Value null at '{path}' failed to satisfy constraint: Member must not be null")
            continue
        _check(member, value[name], path, errors, depth)


def check(operation: str, request: dict[str, Any]) -> None:
    """Raises AWS's ValidationException for every model constraint `request` breaks."""
    model = _model()
    if operation not in model.operation_names:
        return
    if operation == "CreateTable" and request.get("TableName") is None:
        # Recorded: nubo-db/dynamodb-conformance createTable.test.ts.
        raise AwsError("ValidationException", "The parameter 'TableName' is required but was not present in the request")
    if operation in ("BatchWriteItem", "BatchGetItem") and not request.get("RequestItems"):
        # Recorded: nubo-db/dynamodb-conformance batchWriteItem.test.ts.
        raise AwsError("ValidationException", f"The requestItems parameter is required for {operation}")
    errors: list[str] = []
    _structure(model.operation_model(operation).input_shape, request, "", errors, 0)
    if operation == "Query":
        # Query prints its Limit without the value, capitalized; Scan does not (both recorded:
        # nubo-db/dynamodb-conformance query.test.ts, scan.test.ts).
        errors = [re.sub(r"^Value '[^']*' at 'limit'", "Value at 'Limit'", error) for error in errors]
    if not errors:
        return
    # A bad table name is reported alone (recorded in eu-west-2, 2026-06: validation stops there).
    table_errors = [error for error in errors if "at 'tableName'" in error]
    if table_errors:
        errors = table_errors[:1]
    elif operation == "UpdateItem":
        # UpdateItem stops at its first error where PutItem reports them all (both recorded in
        # eu-west-2, 2026-06: nubo-db/dynamodb-conformance tests/tier3/validation-ordering).
        errors = errors[:1]
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    raise AwsError("ValidationException", f"{count} validation {noun} detected: " + "; ".join(errors))
