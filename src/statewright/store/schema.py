"""Schema versions and migrations, for the store's own database and any other.

A schema is an ordered list of migrations; its version is how many of them a database has had.
`migrate` brings a connection's database up to date at open, each migration in its own
transaction (BEGIN IMMEDIATE, so two processes opening one file do not both run it). Where the
version lives:

- `PRAGMA user_version` of the file, for the schema that owns the file (the store's core
  tables in statewright.db; a service's own database file, such as DynamoDB items);
- a row of the `schema_versions` table, for a service that keeps its tables in a shared file.

A database whose version is above every migration known was written by a newer Statewright and
is refused (SchemaTooNew) rather than guessed at. Migrations are never edited once released:
a change is a new migration at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import SchemaTooNew

VERSIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_versions (
    service TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID"""


@dataclass(frozen=True)
class Migration:
    """One step of a schema: SQL statements (separated by `;`) or a function of the connection.
    A function must not commit: `migrate` commits it with the new version, or rolls it back."""

    description: str
    apply: str | Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class ServiceSchema:
    """A service's own tables in a shared database: its name (the `schema_versions` key, by
    convention the ARN service namespace: `dynamodb`, `lambda`) and its migrations in order."""

    service: str
    migrations: tuple[Migration, ...]


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection as the store uses them: autocommit mode (transactions are explicit), WAL,
    `synchronous=FULL` (a commit survives power loss), and a wait rather than an error when
    another connection holds the write lock."""
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration], *, database: str,
            service: str | None = None) -> int:
    """Apply the migrations the database lacks; answer its version. `service` None keeps the
    version in `PRAGMA user_version`, else in that service's `schema_versions` row. `database`
    names the file in errors. The connection must be in autocommit mode."""
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            current = _read_version(connection, service)
            if current > len(migrations):
                label = database if service is None else f"{database} (schema of {service})"
                raise SchemaTooNew(label, current, len(migrations))
            if current == len(migrations):
                connection.execute("COMMIT")
                return current
            _apply(connection, migrations[current])
            _write_version(connection, service, current + 1)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def schema_version(connection: sqlite3.Connection, service: str | None = None) -> int:
    """The version a database (or a service's tables in it) is at; 0 when never migrated."""
    if service is None:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    found = connection.execute("SELECT name FROM sqlite_master WHERE name = 'schema_versions'").fetchone()
    if found is None:
        return 0
    row = connection.execute("SELECT version FROM schema_versions WHERE service = ?", (service,)).fetchone()
    return int(row[0]) if row else 0


def _read_version(connection: sqlite3.Connection, service: str | None) -> int:
    if service is not None:
        connection.execute(VERSIONS_TABLE)
    return schema_version(connection, service)


def _write_version(connection: sqlite3.Connection, service: str | None, version: int) -> None:
    if service is None:
        # PRAGMA takes no parameters; `version` is an int we computed.
        connection.execute(f"PRAGMA user_version = {int(version)}")
    else:
        connection.execute("INSERT OR REPLACE INTO schema_versions VALUES (?, ?)", (service, version))


def _apply(connection: sqlite3.Connection, migration: Migration) -> None:
    if callable(migration.apply):
        migration.apply(connection)
        return
    # Not executescript: it commits first, and a migration must be one transaction.
    for statement in statements(migration.apply):
        connection.execute(statement)


def statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, split where SQLite says a statement is complete (so a `;`
    inside a string or a trigger body does not split)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                yield pending.strip()
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending.strip()[:80]!r}")
