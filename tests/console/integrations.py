"""Task resources for the console's end-to-end tests, loaded by `statewright serve` through
STATEWRIGHT_INTEGRATIONS (the server's documented way for tests to add task resources)."""

from __future__ import annotations

from typing import Any

from statewright.integrations.registry import Registry
from statewright.integrations.types import TaskContext, TaskError


def _notify(params: Any, context: TaskContext) -> Any:
    # With .waitForTaskToken the result is ignored: the task waits for SendTaskSuccess/Failure.
    return params


def _reject(params: Any, context: TaskContext) -> Any:
    raise TaskError("Order.Rejected", "the warehouse said no")


def _charge(params: Any, context: TaskContext) -> Any:
    if isinstance(params, dict) and params.get("card") == "declined":
        raise TaskError("Card.Declined", "the card issuer declined the payment")
    return {"charged": True}


def register(registry: Registry) -> None:
    registry.register("arn:test:notify", _notify)
    registry.register("arn:test:reject", _reject)
    registry.register("arn:test:charge", _charge)
