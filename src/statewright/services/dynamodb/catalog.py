"""The tables of every region and account, kept in memory and in the database.

Only the writer thread changes the catalog (inside the write that persists the change), so a
table's definition and its rows always change together.
"""

from __future__ import annotations

import json
import sqlite3
import threading

from ..common import AwsError, RequestContext
from .schema import Table, check_table_name
from .storage import Storage

NOT_FOUND = "Requested resource not found"


class Catalog:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._lock = threading.Lock()
        self._tables: dict[tuple[str, str, str], Table] = {}
        with storage.reader() as db:
            for table_id, region, account, name, body in db.execute(
                    "SELECT id, region, account, name, body FROM tables"):
                self._tables[(region, account, name)] = Table.from_json(table_id, region, account, name,
                                                                        json.loads(body))

    @staticmethod
    def name_of(context: RequestContext, name: str) -> tuple[str, str, str]:
        """(region, account, name) of a table name or table ARN."""
        if name.startswith("arn:"):
            parts = name.split(":", 5)
            if len(parts) == 6 and parts[5].startswith("table/"):
                return parts[3], parts[4], parts[5][len("table/"):].split("/")[0]
            raise AwsError("ValidationException", f"Invalid TableName: {name}")
        return context.region, context.account, name

    def find(self, context: RequestContext, name: str) -> Table | None:
        with self._lock:
            return self._tables.get(self.name_of(context, name))

    def get(self, context: RequestContext, name: object, *, message: str = NOT_FOUND,
            field: str = "tableName") -> Table:
        """The table, or AWS's ResourceNotFoundException (item operations say only "Requested
        resource not found"; DescribeTable adds ": Table: x not found")."""
        checked = check_table_name(name, field, minimum=1)
        table = self.find(context, checked)
        if table is None:
            raise AwsError("ResourceNotFoundException", message.format(name=checked))
        return table

    def current(self, table: Table) -> Table:
        """The table's definition as it is now (on the writer thread: as committed so far), for
        a write validated against an older one; ResourceNotFound if it is gone."""
        with self._lock:
            now = self._tables.get((table.region, table.account, table.name))
        if now is None or now.id != table.id:
            raise AwsError("ResourceNotFoundException", NOT_FOUND)
        return now

    def tables(self, region: str, account: str) -> list[Table]:
        with self._lock:
            return sorted((table for (r, a, _), table in self._tables.items() if r == region and a == account),
                          key=lambda table: table.name)

    def all(self) -> list[Table]:
        with self._lock:
            return list(self._tables.values())

    # --- changes: only on the writer thread -------------------------------------------------

    def insert(self, db: sqlite3.Connection, table: Table) -> None:
        cursor = db.execute("INSERT INTO tables (region, account, name, body) VALUES (?,?,?,?)",
                            (table.region, table.account, table.name, json.dumps(table.to_json())))
        table.id = int(cursor.lastrowid or 0)
        self.allocate_index_ids(db, table)
        db.execute("UPDATE tables SET body = ? WHERE id = ?", (json.dumps(table.to_json()), table.id))
        with self._lock:
            self._tables[(table.region, table.account, table.name)] = table

    def allocate_index_ids(self, db: sqlite3.Connection, table: Table) -> None:
        for index in table.indexes.values():
            if not index.id:
                cursor = db.execute("INSERT INTO index_ids (table_id, name) VALUES (?, ?)", (table.id, index.name))
                index.id = int(cursor.lastrowid or 0)

    def save(self, db: sqlite3.Connection, table: Table) -> None:
        db.execute("UPDATE tables SET body = ? WHERE id = ?", (json.dumps(table.to_json()), table.id))
        with self._lock:
            self._tables[(table.region, table.account, table.name)] = table

    def remove(self, db: sqlite3.Connection, table: Table) -> None:
        db.execute("DELETE FROM tables WHERE id = ?", (table.id,))
        db.execute("DELETE FROM items WHERE tid = ?", (table.id,))
        for index in table.indexes.values():
            db.execute("DELETE FROM index_items WHERE iid = ?", (index.id,))
        with self._lock:
            self._tables.pop((table.region, table.account, table.name), None)
