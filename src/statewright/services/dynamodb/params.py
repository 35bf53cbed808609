"""Request parameters several operations share: ReturnValues, ReturnConsumedCapacity, the rule
against mixing expression and legacy parameters, the conditional check failure (what the
capacity consumed is, is `capacity.py`)."""

from __future__ import annotations

from typing import Any

from ..common import AwsError
from .schema import constraint, invalid

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def return_values(request: dict[str, Any], allowed: tuple[str, ...]) -> str:
    value = request.get("ReturnValues") or "NONE"
    if value not in RETURN_VALUES:
        raise constraint(value, "returnValues", "Member must satisfy enum value set: "
                         "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    if value not in allowed:
        raise invalid("Return values set to invalid value")
    return str(value)


def on_condition_failure(request: dict[str, Any]) -> str:
    value = request.get("ReturnValuesOnConditionCheckFailure") or "NONE"
    if value not in ("ALL_OLD", "NONE"):
        raise constraint(value, "returnValuesOnConditionCheckFailure",
                         "Member must satisfy enum value set: [ALL_OLD, NONE]")
    return str(value)


def consumed_capacity_mode(request: dict[str, Any]) -> str:
    value = request.get("ReturnConsumedCapacity") or "NONE"
    if value not in ("INDEXES", "TOTAL", "NONE"):
        raise constraint(value, "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")
    return str(value)


def no_mixing(request: dict[str, Any], legacy: tuple[str, ...], expressions: tuple[str, ...]) -> bool:
    """Whether the request uses expressions; AWS's error when it uses both kinds (nubo-db/dynamodb-
    conformance putItem.test.ts: "Can not use both expression and non-expression parameters in
    the same request: Non-expression parameters: {Expected} Expression parameters:
    {ConditionExpression}")."""
    old = [name for name in legacy if request.get(name) is not None]
    new = [name for name in expressions if request.get(name) is not None]
    if old and new:
        raise invalid("Can not use both expression and non-expression parameters in the same request: "
                      f"Non-expression parameters: {{{', '.join(old)}}} Expression parameters: {{{', '.join(new)}}}")
    return bool(new)


def conditional_failed(old: dict[str, Any] | None, mode: str) -> AwsError:
    """ConditionalCheckFailedException, with the item when ReturnValuesOnConditionCheckFailure
    is ALL_OLD (AWS API reference, PutItem/UpdateItem/DeleteItem)."""
    fields = {"Item": old} if mode == "ALL_OLD" and old is not None else None
    return AwsError("ConditionalCheckFailedException", "The conditional request failed", fields=fields)
