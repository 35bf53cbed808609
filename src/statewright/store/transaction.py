"""`Transaction` on SQLite: the writes (and the reads) of one atomic change, on the writer's connection.

Only the writer thread calls it, inside the batch's transaction and the change's savepoint, so
a read here sees the writes before it (committed or earlier in this batch) and nothing can come
between a read and the write that depends on it.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from .errors import AlreadyExists, Conflict, InvalidText, NotFound
from .history import history_rows
from .journal import CHECKPOINT_FORMAT, ExecutionRecord, TaskRecord, TimerRecord
from .resources import Resource, ResourceCursor
from .text import dumps, has_surrogate, storable_json

RESOURCE_COLUMNS = "arn, kind, parent, name, created, body, service, revision"
_RESOURCE_NAMES = ("arn", "kind", "parent", "name", "created", "body", "service", "revision")
_EXECUTION_NAMES = ("arn", "state_machine", "name", "status", "start_date", "stop_date", "definition_hash", "body")


def resource_from_row(row: Sequence[Any]) -> Resource:
    arn, kind, parent, name, created, body, service, revision = row
    return Resource(arn=arn, kind=kind, parent=parent, name=name, created=created, body=json.loads(body),
                    service=service, revision=revision)


def execution_from_row(row: Sequence[Any]) -> ExecutionRecord:
    arn, machine, name, status, start, stop, definition_hash, body = row
    return ExecutionRecord(arn=arn, state_machine=machine, name=name, status=status, start_date=start,
                           stop_date=stop, definition_hash=definition_hash, body=json.loads(body))


def resource_query(kind: str, parent: str | None, service: str | None, after: ResourceCursor | None,
                   limit: int | None) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of one page of `list_resources` (shared by the store and the transaction)."""
    where: list[str] = ["kind = ?"]
    parameters: list[Any] = [kind]
    for column, value in (("parent", parent), ("service", service)):
        if value is not None:
            where.append(f"{column} = ?")
            parameters.append(value)
    if after is not None:
        where.append("(created, arn) > (?, ?)")
        parameters.extend(after)
    sql = (f"SELECT {RESOURCE_COLUMNS} FROM resources WHERE {' AND '.join(where)} "
           f"ORDER BY created, arn LIMIT ?")
    return sql, (*parameters, -1 if limit is None else limit)


def invalid_text(names: Sequence[str], row: Sequence[Any]) -> InvalidText:
    """InvalidText for the first field of `row` that SQLite cannot encode."""
    for field, value in zip(names, row, strict=False):
        if isinstance(value, str) and has_surrogate(value):
            return InvalidText(field, value)
    return InvalidText("value", "")


class SqliteTransaction:
    """See the module docstring; `touched_resources` tells the store's cache what to forget."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self.touched_resources: set[str] = set()

    def _write(self, sql: str, row: Sequence[Any], names: Sequence[str], json_columns: Sequence[int] = ()) -> int:
        """Execute one write; a lone surrogate in a JSON column is escaped (losslessly), in any
        other column refused with InvalidText. Answers the number of rows changed."""
        try:
            return self._db.execute(sql, row).rowcount
        except UnicodeEncodeError:
            fixed = [storable_json(value) if index in json_columns else value for index, value in enumerate(row)]
            try:
                return self._db.execute(sql, fixed).rowcount
            except UnicodeEncodeError:
                raise invalid_text(names, fixed) from None

    def _rows(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        """A read or a delete by key: a key SQLite cannot encode matches nothing, since no such
        key can have been stored."""
        try:
            return self._db.execute(sql, parameters).fetchall()
        except UnicodeEncodeError:
            return []

    # --- resources and tags: reads -----------------------------------------------------------

    def get_resource(self, arn: str) -> Resource | None:
        rows = self._rows(f"SELECT {RESOURCE_COLUMNS} FROM resources WHERE arn = ?", (arn,))
        return resource_from_row(rows[0]) if rows else None

    def list_resources(self, kind: str, parent: str | None = None, *, service: str | None = None,
                       after: ResourceCursor | None = None, limit: int | None = None) -> list[Resource]:
        sql, parameters = resource_query(kind, parent, service, after, limit)
        return [resource_from_row(row) for row in self._rows(sql, parameters)]

    def tags(self, arn: str) -> dict[str, str]:
        return dict(self._rows("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,)))

    # --- resources and tags: writes ----------------------------------------------------------

    def _revision(self, arn: str) -> int:
        rows = self._rows("SELECT revision FROM resources WHERE arn = ?", (arn,))
        return int(rows[0][0]) if rows else 0

    def _store(self, resource: Resource, revision: int) -> Resource:
        stored = dataclasses.replace(resource, revision=revision)
        row = (stored.arn, stored.kind, stored.parent, stored.name, stored.created, dumps(stored.body),
               stored.service, revision)
        self._write(f"INSERT OR REPLACE INTO resources ({RESOURCE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                    row, _RESOURCE_NAMES)
        self.touched_resources.add(resource.arn)
        return stored

    def insert_resource(self, resource: Resource) -> Resource:
        if self._revision(resource.arn):
            raise AlreadyExists("resource", resource.arn)
        return self._store(resource, 1)

    def put_resource(self, resource: Resource, *, expect_revision: int | None = None) -> Resource:
        current = self._revision(resource.arn)
        if expect_revision is not None and current != expect_revision:
            raise Conflict(resource.arn, expect_revision, current)
        return self._store(resource, current + 1)

    def replace_resource(self, resource: Resource, *, expect_revision: int | None = None) -> Resource:
        current = self._revision(resource.arn)
        if not current:
            raise NotFound("resource", resource.arn)
        if expect_revision is not None and current != expect_revision:
            raise Conflict(resource.arn, expect_revision, current)
        return self._store(resource, current + 1)

    def delete_resource(self, arn: str) -> bool:
        self.touched_resources.add(arn)
        deleted = self._rows("DELETE FROM resources WHERE arn = ? RETURNING arn", (arn,))
        self._rows("DELETE FROM tags WHERE arn = ?", (arn,))
        return bool(deleted)

    def set_tags(self, arn: str, tags: dict[str, str]) -> None:
        for key, value in tags.items():
            self._write("INSERT OR REPLACE INTO tags VALUES (?,?,?)", (arn, key, value), ("arn", "tag key", "tag value"))

    def remove_tags(self, arn: str, keys: list[str]) -> None:
        for key in keys:
            self._rows("DELETE FROM tags WHERE arn = ? AND key = ?", (arn, key))

    # --- a service's own tables ---------------------------------------------------------------

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement on a service's own tables; answers the rows it returns."""
        try:
            return self._db.execute(sql, parameters).fetchall()
        except UnicodeEncodeError:
            raise invalid_text([f"parameter {index + 1}" for index in range(len(parameters))], parameters) from None

    # --- the Step Functions journal -----------------------------------------------------------

    def put_definition(self, definition_hash: str, text: str) -> None:
        self._write("INSERT OR IGNORE INTO definitions VALUES (?,?)", (definition_hash, text),
                    ("definition hash", "definition"), json_columns=(1,))

    def insert_execution(self, record: ExecutionRecord) -> None:
        # Insert first and ask why only if it fails: one statement on the path of every start.
        try:
            self._write("INSERT INTO executions VALUES (?,?,?,?,?,?,?,?)", _execution_row(record), _EXECUTION_NAMES)
        except sqlite3.IntegrityError:
            if self._rows("SELECT 1 FROM executions WHERE arn = ?", (record.arn,)):
                raise AlreadyExists("execution", record.arn) from None
            raise

    def update_execution(self, record: ExecutionRecord) -> None:
        self._write("INSERT OR REPLACE INTO executions VALUES (?,?,?,?,?,?,?,?)", _execution_row(record),
                    _EXECUTION_NAMES)

    def append_events(self, execution: str, events: list[dict[str, Any]]) -> None:
        # One row per run of consecutive events (a step's events: one row), keyed by the last id.
        for row in history_rows(events):
            self._write("INSERT OR REPLACE INTO history VALUES (?,?,?)", (execution, *row),
                        ("execution", "history event id", "history events"), json_columns=(2,))

    def put_checkpoint(self, execution: str, sequence: int, state_json: str,
                       format_version: int = CHECKPOINT_FORMAT) -> None:
        # Only the newest checkpoint is ever read: one row per execution, overwritten in place
        # (one statement); an older sequence than the stored one changes nothing.
        self._write("INSERT INTO checkpoints (execution, sequence, state, format) VALUES (?,?,?,?) "
                    "ON CONFLICT (execution) DO UPDATE SET sequence = excluded.sequence, state = excluded.state, "
                    "format = excluded.format WHERE excluded.sequence >= checkpoints.sequence",
                    (execution, sequence, state_json, format_version), ("execution", "sequence", "state", "format"),
                    json_columns=(2,))

    def put_task(self, task: TaskRecord) -> None:
        self._write("INSERT OR REPLACE INTO tasks VALUES (?,?,?,?,?)",
                    (task.execution, task.task_id, task.token, task.resource, dumps(task.body)),
                    ("execution", "task id", "token", "resource", "body"))

    def delete_task(self, execution: str, task_id: str) -> None:
        self._db.execute("DELETE FROM tasks WHERE execution = ? AND task_id = ?", (execution, task_id))

    def put_timer(self, timer: TimerRecord) -> None:
        self._write("INSERT OR REPLACE INTO timers VALUES (?,?,?,?)",
                    (timer.execution, timer.timer_id, timer.due, timer.fire_at), ("execution", "timer id"))

    def delete_timer(self, execution: str, timer_id: str) -> None:
        self._db.execute("DELETE FROM timers WHERE execution = ? AND timer_id = ?", (execution, timer_id))

    def clear_pending(self, execution: str) -> None:
        self._db.execute("DELETE FROM tasks WHERE execution = ?", (execution,))
        self._db.execute("DELETE FROM timers WHERE execution = ?", (execution,))


def _execution_row(record: ExecutionRecord) -> tuple[Any, ...]:
    return (record.arn, record.state_machine, record.name, record.status, record.start_date,
            record.stop_date, record.definition_hash, dumps(record.body))
