"""The core schema of statewright.db: resources and tags for every service, the engine's journal,
and the versions of the services' own schemas. Versioned with `PRAGMA user_version`.

Append a migration to change it; never edit a released one (docs/store.md).
"""

from __future__ import annotations

import sqlite3

from .resources import service_of
from .schema import VERSIONS_TABLE, Migration

DATABASE_NAME = "statewright.db"

# Version 1 is the schema from before versioning; its statements say IF NOT EXISTS so that a
# database made then (user_version 0, tables present) passes through it unchanged.
_FIRST = """
CREATE TABLE IF NOT EXISTS resources (
    arn TEXT PRIMARY KEY, kind TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL,
    created REAL NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, parent, created);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY, state_machine TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    start_date REAL NOT NULL, stop_date REAL, definition_hash TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine, start_date);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
CREATE TABLE IF NOT EXISTS history (
    execution TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (execution, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
    execution TEXT NOT NULL, sequence INTEGER NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (execution, sequence)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks (
    execution TEXT NOT NULL, task_id TEXT NOT NULL, token TEXT NOT NULL UNIQUE,
    resource TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution, task_id));
CREATE TABLE IF NOT EXISTS timers (
    execution TEXT NOT NULL, timer_id TEXT NOT NULL, due REAL NOT NULL, fire_at REAL NOT NULL,
    PRIMARY KEY (execution, timer_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
    arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key)) WITHOUT ROWID;
"""


def _resources_for_every_service(connection: sqlite3.Connection) -> None:
    """Version 2: resources get their service and a revision; checkpoints their format; the
    services' own schemas a version table."""
    connection.execute("ALTER TABLE resources ADD COLUMN service TEXT NOT NULL DEFAULT ''")
    connection.execute("ALTER TABLE resources ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")
    arns = [row[0] for row in connection.execute("SELECT arn FROM resources")]
    connection.executemany("UPDATE resources SET service = ? WHERE arn = ?", [(service_of(arn), arn) for arn in arns])
    connection.execute("DROP INDEX IF EXISTS resources_by_kind")
    # Pages of one kind (and parent) in (created, arn) order come straight off these.
    connection.execute("CREATE INDEX resources_by_kind ON resources (kind, created, arn)")
    connection.execute("CREATE INDEX resources_by_parent ON resources (kind, parent, created, arn)")
    connection.execute("ALTER TABLE checkpoints ADD COLUMN format INTEGER NOT NULL DEFAULT 1")
    connection.execute(VERSIONS_TABLE)


# Version 3: SQLite's advice is that WITHOUT ROWID tables suit rows under ~1/20 of a page, and a
# step's events in one row (store/history.py) or a checkpoint are larger: in rowid tables an
# insert costs about half. SQLite cannot change that in place, so each table is rebuilt under
# its name (the rows are copied once; old one-event history rows stay as they are and read the
# same). Checkpoints become one row per execution, the newest (the only one ever read).
_ROWID_JOURNAL = """
CREATE TABLE history_v3 (
    execution TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution, id));
INSERT INTO history_v3 (execution, id, body) SELECT execution, id, body FROM history;
DROP TABLE history;
ALTER TABLE history_v3 RENAME TO history;
CREATE TABLE checkpoints_v3 (
    execution TEXT PRIMARY KEY, sequence INTEGER NOT NULL, state TEXT NOT NULL,
    format INTEGER NOT NULL DEFAULT 1);
INSERT INTO checkpoints_v3 (execution, sequence, state, format)
    SELECT execution, MAX(sequence), state, format FROM checkpoints GROUP BY execution;
DROP TABLE checkpoints;
ALTER TABLE checkpoints_v3 RENAME TO checkpoints;
"""

CORE_MIGRATIONS: tuple[Migration, ...] = (
    Migration("the first schema: resources, tags, the Step Functions journal", _FIRST),
    Migration("resources for every service (service, revision); checkpoint formats; schema_versions",
              _resources_for_every_service),
    Migration("history and checkpoints in rowid tables; one checkpoint row per execution", _ROWID_JOURNAL),
)
