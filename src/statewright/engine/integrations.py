"""What a Task state's `Resource` does: a registry from resource ARNs to Python callables.

Services register their integrations here (Lambda, DynamoDB, … in later issues); tests register
plain functions. A handler receives the task's parameters (a JSON value) and a `TaskContext`,
and returns the result (a JSON value) or raises `TaskError` (any other exception becomes an
error named after its class, as Lambda reports unhandled exceptions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statewright.asl.history import task_kind

# Suffixes that change how a resource is awaited, not what it is.
WAIT_FOR_TOKEN = ".waitForTaskToken"
SYNC_SUFFIXES = (".sync:2", ".sync")


@dataclass(frozen=True)
class TaskContext:
    """What a handler may want to know about the task it runs."""

    execution_arn: str
    state_name: str
    task_id: str
    token: str | None


class TaskError(Exception):
    """A handler's failure with an explicit error name and cause."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


Handler = Callable[[Any, TaskContext], Any]


def base_resource(resource: str) -> str:
    """The resource without `.waitForTaskToken` / `.sync` (the integration pattern)."""
    for suffix in (WAIT_FOR_TOKEN, *SYNC_SUFFIXES):
        if resource.endswith(suffix):
            return resource[: -len(suffix)]
    return resource


def is_activity(resource: str) -> bool:
    return task_kind(resource)[0] == "Activity"  # the same reading the history events use


class IntegrationRegistry:
    """Maps resource ARNs (exactly, or by a prefix ending in ':' or '*') to handlers."""

    def __init__(self) -> None:
        self._exact: dict[str, Handler] = {}
        self._prefixes: list[tuple[str, Handler]] = []

    def register(self, resource: str, handler: Handler) -> None:
        if resource.endswith("*"):
            self._prefixes.append((resource[:-1], handler))
            self._prefixes.sort(key=lambda entry: -len(entry[0]))
        else:
            self._exact[resource] = handler

    def resolve(self, resource: str) -> Handler | None:
        base = base_resource(resource)
        found = self._exact.get(base) or self._exact.get(resource)
        if found is not None:
            return found
        for prefix, handler in self._prefixes:
            if base.startswith(prefix):
                return handler
        return None
