"""The SQLite file backend: what lives in the file across opens (the contract is test_contract.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from statewright.store import Checkpoint, Resource, SchemaTooNew, ServiceSchema, SqliteStore
from statewright.store.schema import Migration, connect, migrate, schema_version
from statewright.store.tables import _FIRST, CORE_MIGRATIONS, DATABASE_NAME

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"


def _machine() -> Resource:
    return Resource(arn=MACHINE, kind="stateMachine", name="m", created=1.0, body={"definition": "{}"})


def test_data_survives_reopening(tmp_path):
    first = SqliteStore(tmp_path)
    first.write(lambda tx: tx.put_resource(_machine())).result()
    first.close()
    second = SqliteStore(tmp_path)
    try:
        assert second.get_resource(MACHINE).revision == 1
    finally:
        second.close()


def _version_one_database(path) -> None:
    """A data directory as Statewright wrote it before schema versions (user_version 0)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(_FIRST)
    connection.execute("INSERT INTO resources VALUES (?,?,?,?,?,?)",
                       (MACHINE, "stateMachine", "", "m", 1.0, json.dumps({"definition": "{}"})))
    connection.execute("INSERT INTO resources VALUES (?,?,?,?,?,?)",
                       (MACHINE + ":1", "version", MACHINE, "1", 2.0, "{}"))
    connection.execute("INSERT INTO checkpoints VALUES (?,?,?)", ("arn:ex", 3, '{"old": true}'))
    connection.execute("INSERT INTO tags VALUES (?,?,?)", (MACHINE, "team", "a"))
    connection.close()


def test_a_database_from_before_versions_is_migrated_at_open(tmp_path):
    _version_one_database(tmp_path / DATABASE_NAME)
    store = SqliteStore(tmp_path)
    try:
        found = store.get_resource(MACHINE)
        assert (found.service, found.revision, found.body) == ("states", 1, {"definition": "{}"})
        assert [r.name for r in store.list_resources("version", MACHINE, service="states")] == ["1"]
        assert store.latest_checkpoint("arn:ex") == Checkpoint(3, '{"old": true}', 1)
        assert store.tags(MACHINE) == {"team": "a"}
        assert store.write(lambda tx: tx.put_resource(found)).result().revision == 2
    finally:
        store.close()
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    try:
        assert schema_version(connection) == len(CORE_MIGRATIONS)
    finally:
        connection.close()


EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:old"


def _version_two_database(path) -> None:
    """A data directory as Statewright wrote it at schema version 2: one history row per event
    (a JSON object), checkpoints keyed by (execution, sequence) in WITHOUT ROWID tables."""
    connection = connect(path)
    migrate(connection, CORE_MIGRATIONS[:2], database=str(path))
    connection.execute("INSERT INTO executions VALUES (?,?,?,?,?,?,?,?)",
                       (EXECUTION, MACHINE, "old", "RUNNING", 1.0, None, "h", "{}"))
    connection.executemany("INSERT INTO history VALUES (?,?,?)",
                           [(EXECUTION, i, json.dumps({"id": i, "type": "Old"})) for i in range(1, 6)])
    connection.executemany("INSERT INTO checkpoints VALUES (?,?,?,?)",
                           [(EXECUTION, 1, '{"n": 1}', 1), (EXECUTION, 2, '{"n": 2}', 1)])
    connection.close()


def test_a_version_two_database_keeps_its_history_and_newest_checkpoint_and_pages_across_old_and_new_rows(tmp_path):
    _version_two_database(tmp_path / DATABASE_NAME)
    store = SqliteStore(tmp_path)
    try:
        assert store.latest_checkpoint(EXECUTION) == Checkpoint(2, '{"n": 2}', 1)
        assert store.recovery().checkpoints == {EXECUTION: Checkpoint(2, '{"n": 2}', 1)}
        assert [e["id"] for e in store.history(EXECUTION)] == [1, 2, 3, 4, 5]
        steps = ([6, 7, 8], [9], [10, 11])  # the execution goes on after the upgrade
        for ids in steps:
            events = [{"id": i, "type": "New"} for i in ids]
            store.write(lambda tx, events=events: tx.append_events(EXECUTION, events)).result()
        store.write(lambda tx: tx.put_checkpoint(EXECUTION, 3, '{"n": 3}')).result()
        everything = list(range(1, 12))
        for reverse in (False, True):
            order = everything[::-1] if reverse else everything
            for offset in range(13):
                for limit in (1, 2, 3, 4, 7, 11, 20):
                    found = [e["id"] for e in store.history(EXECUTION, offset, limit, reverse)]
                    assert found == order[offset:offset + limit], (reverse, offset, limit)
        assert [e["type"] for e in store.history(EXECUTION, 3, 4)] == ["Old", "Old", "New", "New"]
        assert store.latest_checkpoint(EXECUTION) == Checkpoint(3, '{"n": 3}', 1)
    finally:
        store.close()
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    try:
        assert schema_version(connection) == len(CORE_MIGRATIONS)
        tables = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        assert "WITHOUT ROWID" not in tables["history"] and "WITHOUT ROWID" not in tables["checkpoints"]
        assert connection.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] == 1
    finally:
        connection.close()


def test_a_database_from_a_newer_statewright_is_refused_unmigrated(tmp_path):
    path = tmp_path / DATABASE_NAME
    _version_one_database(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA user_version = {len(CORE_MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(SchemaTooNew, match="upgrade Statewright") as raised:
        SqliteStore(tmp_path)
    assert raised.value.found == len(CORE_MIGRATIONS) + 1
    connection = sqlite3.connect(path)
    try:  # no migration ran: same version, resources without the columns version 2 adds
        assert schema_version(connection) == len(CORE_MIGRATIONS) + 1
        assert [row[1] for row in connection.execute("PRAGMA table_info(resources)")] == \
            ["arn", "kind", "parent", "name", "created", "body"]
    finally:
        connection.close()


def test_a_service_schema_newer_than_its_migrations_is_refused_at_open(tmp_path):
    items = ServiceSchema("dynamodb", (Migration("a", "CREATE TABLE ddb_a (x)"), Migration("b", "CREATE TABLE ddb_b (x)")))
    SqliteStore(tmp_path, schemas=[items]).close()
    with pytest.raises(SchemaTooNew, match="dynamodb"):
        SqliteStore(tmp_path, schemas=[ServiceSchema("dynamodb", items.migrations[:1])])
    reopened = SqliteStore(tmp_path, schemas=[items])  # the right version still opens
    reopened.close()


def test_the_memory_backend_keeps_nothing_after_close(tmp_path):
    first = SqliteStore.in_memory()
    first.write(lambda tx: tx.put_resource(_machine())).result()
    first.close()
    second = SqliteStore.in_memory()
    try:
        assert second.get_resource(MACHINE) is None
    finally:
        second.close()
    assert list(tmp_path.iterdir()) == []
