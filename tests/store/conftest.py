"""Every store backend the contract suite runs against: the SQLite file and SQLite in memory."""

from __future__ import annotations

import pytest

from statewright.store import SqliteStore

BACKENDS = ("file", "memory")


def open_backend(kind: str, tmp_path, **options) -> SqliteStore:
    return SqliteStore(tmp_path / "data", **options) if kind == "file" else SqliteStore.in_memory(**options)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """A function that opens a store of this backend (closed after the test)."""
    opened: list[SqliteStore] = []

    def make(**options) -> SqliteStore:
        store = open_backend(request.param, tmp_path, **options)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(backend):
    return backend()
