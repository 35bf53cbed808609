"""The migration helper on a connection of its own: how a service keeps a database file of its own."""

from __future__ import annotations

import sqlite3

import pytest

from statewright.store import Migration, SchemaTooNew, connect, migrate
from statewright.store.schema import schema_version, statements

EVENTS = (
    Migration("events", "CREATE TABLE events (stream TEXT, n INTEGER, message TEXT)"),
    Migration("an index and a trigger with ';' inside",
              "CREATE INDEX events_by_stream ON events (stream, n);"
              "CREATE TABLE counts (stream TEXT PRIMARY KEY, total INTEGER);"
              "CREATE TRIGGER count_events AFTER INSERT ON events BEGIN "
              "  INSERT OR IGNORE INTO counts VALUES (new.stream, 0);"
              "  UPDATE counts SET total = total + 1 WHERE stream = new.stream; END;"),
)


def test_a_file_of_its_own_is_migrated_by_user_version_step_by_step(tmp_path):
    path = tmp_path / "logs.db"
    connection = connect(path)
    try:
        assert migrate(connection, EVENTS[:1], database=str(path)) == 1
        connection.execute("INSERT INTO events VALUES ('s', 1, 'before')")
        assert migrate(connection, EVENTS, database=str(path)) == 2
        connection.execute("INSERT INTO events VALUES ('s', 2, 'after')")
        assert connection.execute("SELECT total FROM counts").fetchall() == [(1,)]
        assert schema_version(connection) == 2
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        with pytest.raises(SchemaTooNew):
            migrate(connection, EVENTS[:1], database=str(path))
    finally:
        connection.close()


def test_a_migration_that_fails_midway_rolls_back_with_its_version(tmp_path):
    connection = connect(tmp_path / "x.db")
    try:
        def half(db: sqlite3.Connection) -> None:
            db.execute("CREATE TABLE made (a)")
            raise RuntimeError("disk on fire")

        with pytest.raises(RuntimeError):
            migrate(connection, (EVENTS[0], Migration("half", half)), database="x.db")
        assert schema_version(connection) == 1
        assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'made'").fetchall() == []
        assert not connection.in_transaction
    finally:
        connection.close()


def test_versions_per_service_live_side_by_side_in_one_file(tmp_path):
    connection = connect(tmp_path / "shared.db")
    try:
        migrate(connection, EVENTS, database="shared.db", service="logs")
        migrate(connection, (Migration("t", "CREATE TABLE t (a)"),), database="shared.db", service="other")
        assert (schema_version(connection, "logs"), schema_version(connection, "other")) == (2, 1)
        assert schema_version(connection) == 0  # the file's own version is not theirs
    finally:
        connection.close()


def test_statements_split_where_sqlite_says_they_end():
    script = "CREATE TABLE a (x DEFAULT 'a;b'); CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;\n"
    assert list(statements(script)) == ["CREATE TABLE a (x DEFAULT 'a;b');",
                                         "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;"]
    with pytest.raises(ValueError, match="incomplete"):
        list(statements("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;"))
