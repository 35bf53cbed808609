"""The errors the store raises: callers catch these, never `KeyError` or `sqlite3` errors.

Each names the key or field it is about, so a service can turn it into its own AWS error
(`AlreadyExists` into `StateMachineAlreadyExists`, `InvalidText` into `ValidationException`)
without guessing whether an unrelated bug raised the same built-in exception.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class AlreadyExists(StoreError):
    """An insert found a record with the same key (`kind` says which table: resource, execution)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} already exists: {key!r}")
        self.kind = kind
        self.key = key


class NotFound(StoreError):
    """A write that needs an existing record found none."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} does not exist: {key!r}")
        self.kind = kind
        self.key = key


class Conflict(StoreError):
    """A compare-and-set write found another revision than the one it expected."""

    def __init__(self, key: str, expected: int, found: int) -> None:
        super().__init__(f"{key!r} is at revision {found}, not {expected}: it changed since it was read")
        self.key = key
        self.expected = expected
        self.found = found


class InvalidText(StoreError, ValueError):
    """A text field holds something that cannot be stored as UTF-8 (a lone surrogate such as
    '\\ud800'). `field` names it, so the API can answer a ValidationException about that field."""

    def __init__(self, field: str, value: str) -> None:
        shown = value if len(value) <= 80 else value[:77] + "..."
        super().__init__(f"{field} holds a lone UTF-16 surrogate and cannot be stored: {shown!a}")
        self.field = field
        self.value = value


class SchemaTooNew(StoreError):
    """The database was written by a newer Statewright (its schema version is above every
    migration this one knows); opening it could corrupt it, so the store refuses."""

    def __init__(self, database: str, found: int, known: int) -> None:
        super().__init__(f"{database} has schema version {found}, but this Statewright knows versions up to "
                         f"{known}: upgrade Statewright, or use another data directory")
        self.database = database
        self.found = found
        self.known = known
