"""DynamoDB Streams records, written in the same savepoint as the item change they describe.

The record's shape is AWS's (API reference, DynamoDB Streams: Record, StreamRecord); an
unchanged item writes none ("If you perform a PutItem or UpdateItem operation that does not
change any data in an item, DynamoDB Streams does not write a stream record for that
operation", AWS developer guide, "Change data capture for DynamoDB Streams").
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any

from .schema import Table
from .values import Item, item_size

# Records are kept 24 hours (AWS developer guide: "stream records ... are removed after 24 hours").
RETENTION_SECONDS = 24 * 3600
SEQUENCE_BASE = 10**20  # AWS's sequence numbers are 21-digit decimal strings


def stream_view(table: Table) -> str | None:
    """The table's StreamViewType when its stream is on, else None."""
    stream = table.settings.get("stream") or {}
    if not stream.get("StreamEnabled"):
        return None
    return str(stream.get("StreamViewType", "NEW_AND_OLD_IMAGES"))


def stream_label(table: Table) -> str:
    return str(table.settings.get("stream_label") or "")


def stream_arn(table: Table) -> str:
    return f"{table.arn}/stream/{stream_label(table)}"


# TTL deletions are marked as the service's own (AWS developer guide, "DynamoDB Streams and Time to Live").
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def append(db: sqlite3.Connection, table: Table, old: Item | None, new: Item | None,
           identity: dict[str, str] | None = None) -> None:
    """Writes the stream record of one item change, if the table has a stream and the item changed."""
    view = stream_view(table)
    if view is None or old == new:
        return
    event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    current = new if new is not None else old
    assert current is not None
    record: dict[str, Any] = {"Keys": table.key_item(current), "StreamViewType": view}
    if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and new is not None:
        record["NewImage"] = new
    if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and old is not None:
        record["OldImage"] = old
    record["SizeBytes"] = sum(item_size(image) for image in (record["Keys"], record.get("NewImage") or {},
                                                              record.get("OldImage") or {}))
    now = time.time()
    body = {"eventID": uuid.uuid4().hex, "eventName": event, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": table.region, "dynamodb": record}
    if identity is not None:
        body["userIdentity"] = identity
    db.execute("INSERT INTO stream_records (tid, label, created, body) VALUES (?, ?, ?, ?)",
               (table.id, stream_label(table), now, json.dumps(body, separators=(",", ":"))))


def read(db: sqlite3.Connection, table_id: int, label: str, after: int, limit: int) -> list[tuple[int, float, dict[str, Any]]]:
    """Up to `limit` records after sequence `after`: (sequence, created, record)."""
    rows = db.execute("SELECT seq, created, body FROM stream_records WHERE tid = ? AND label = ? AND seq > ? "
                      "ORDER BY seq LIMIT ?", (table_id, label, after, limit)).fetchall()
    return [(seq, created, json.loads(body)) for seq, created, body in rows]


def trim(db: sqlite3.Connection, now: float) -> None:
    db.execute("DELETE FROM stream_records WHERE created < ?", (now - RETENTION_SECONDS,))
