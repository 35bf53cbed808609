"""DynamoDB items of the tasks table and their API form (camelCase, amounts as strings).

Keys: `pk` = `TASK#<taskId>` for tasks, `IDEMPOTENCY#<owner>#<key>` for creation keys. Indexes:
`byOwner` (owner, taskId), `byOwnerStatus` (ownerStatus, taskId), `byStatus` (status, taskId); taskIds
sort by creation time, so every index lists oldest first.
"""

from __future__ import annotations

from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from . import money

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()
_HIDDEN = {"pk", "ownerStatus", "taskToken", "refundableRemaining", "requestHash"}


def task_key(task_id: str) -> dict:
    return {"pk": {"S": f"TASK#{task_id}"}}


def idempotency_key(owner: str, key: str) -> dict:
    return {"pk": {"S": f"IDEMPOTENCY#{owner}#{key}"}}


def to_item(values: dict) -> dict:
    return {name: _SERIALIZER.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict) -> dict:
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


def value(python_value: object) -> dict:
    return _SERIALIZER.serialize(python_value)


def to_api(task: dict) -> dict:
    """The task as the API returns it; the task token and internal bookkeeping stay inside."""
    shown: dict = {}
    for name, field in task.items():
        if name in _HIDDEN:
            continue
        if name in ("amount", "refundedAmount"):
            shown[name] = money.text(field)
        elif isinstance(field, Decimal):
            shown[name] = int(field) if field == field.to_integral_value() else float(field)
        else:
            shown[name] = _plain(field)
    return shown


def _plain(field: object) -> object:
    if isinstance(field, list):
        return [_plain(f) for f in field]
    if isinstance(field, dict):
        return {k: _plain(v) for k, v in field.items()}
    if isinstance(field, Decimal):
        return int(field) if field == field.to_integral_value() else float(field)
    return field
