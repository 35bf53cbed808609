"""The storage contract: what a backend must offer, in two halves and a bit of SQL.

- resources.py: ARN-keyed resource records and tags, for every service;
- journal.py: the Step Functions engine's journal (executions, history, checkpoints, tasks, timers);
- here: how writes are submitted, and the schemas and tables a service may add.

Reads on the store happen on any thread and see every committed write. Writes are functions of
a `Transaction`, submitted with `Store.write`; a backend may group many of them into one commit
(one fsync), but each function is atomic on its own: it applies completely or not at all, and
the reads it makes through the transaction see no other write in between (check-then-act is
safe inside one function). Errors are the store's own (errors.py), never `KeyError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from .journal import JournalReads, JournalWrites
from .resources import ResourceReads, ResourceWrites
from .schema import ServiceSchema

T = TypeVar("T")


class Transaction(ResourceReads, ResourceWrites, JournalWrites, Protocol):
    """What one atomic write may read and change."""

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement on a service's own tables (see `Store.ensure_schema`)."""
        ...


class Store(ResourceReads, JournalReads, Protocol):
    """What the engine and the services need from storage."""

    def write(self, change: Callable[[Transaction], T]) -> Future[T]:
        """Apply `change` atomically; the future holds its result or the exception it raised."""
        ...

    def ensure_schema(self, schema: ServiceSchema) -> int:
        """Create or migrate a service's own tables; answers the version they are at."""
        ...

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """A read of a service's own tables (committed data)."""
        ...

    def close(self) -> None: ...
