"""Log events: PutLogEvents (with AWS's batch limits and rejections), GetLogEvents (forward and
backward tokens) and FilterLogEvents (filter patterns across a group's streams), plus `append`,
which the service's own writers (Lambda, Step Functions) use."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from statewright.services.common import AwsError

from . import checks
from .database import LogDatabase
from .groups import find_stream, requested_group
from .pattern import PatternError, compile_pattern
from .tokens import (
    Position,
    event_id,
    is_position,
    page_token,
    parse_page_token,
    parse_stream_token,
    stream_token,
)
from .types import Group, NewEvent

MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_BATCH_EVENTS = 10_000
MAX_RESPONSE_BYTES = 1_048_576
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MAX_AGE_MS = 14 * DAY_MS
MAX_AHEAD_MS = 2 * HOUR_MS
# FilterLogEvents reads at most this many events per call; past it, it answers with what it has
# and a nextToken (AWS does the same: a page may be empty yet not the last).
SCAN_BUDGET = 200_000
_SCAN_CHUNK = 2_000


def retention_floor(group: Group, now: int) -> int:
    """The oldest timestamp a group keeps: events before it are past the retention period."""
    return now - group.retention_days * DAY_MS if group.retention_days else 0


def append(connection: sqlite3.Connection, group_id: int, stream_id: int, events: Sequence[NewEvent],
           now: int) -> None:
    """Add events to a stream (inside the writer's transaction)."""
    if not events:
        return
    connection.executemany(
        "INSERT INTO logs_events (group_id, stream_id, ts, ingested, message) VALUES (?, ?, ?, ?, ?)",
        [(group_id, stream_id, event.timestamp, now, event.message) for event in events])
    first = min(event.timestamp for event in events)
    last = max(event.timestamp for event in events)
    connection.execute("UPDATE logs_streams SET first_event = min(coalesce(first_event, ?), ?), "
                       "last_event = max(coalesce(last_event, ?), ?), last_ingestion = ? WHERE id = ?",
                       (first, first, last, last, now, stream_id))
    size = sum(len(event.message.encode("utf-8", "surrogatepass")) for event in events)
    connection.execute("UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?", (size, group_id))


def put_log_events(db: LogDatabase, scope: Any, request: dict[str, Any], now: int) -> dict[str, Any]:
    group = requested_group(db, scope, request)
    name = checks.stream_name(request) or ""
    events = _batch(request)
    stream = find_stream(db, group, name)
    if stream is None:
        raise checks.stream_not_found()
    rejected, accepted = _screen(events, group, now)
    if accepted and accepted[-1].timestamp - accepted[0].timestamp > DAY_MS:
        raise checks.invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
    db.write(lambda connection: append(connection, group.id, stream.id, accepted, now)).result()
    answer: dict[str, Any] = {"nextSequenceToken": f"{now:056d}"}
    if rejected:
        answer["rejectedLogEventsInfo"] = rejected
    return answer


def _batch(request: dict[str, Any]) -> list[NewEvent]:
    raw = request.get("logEvents")
    if raw is None:
        raise checks.constraint("logEvents", None, "Member must not be null")
    if not isinstance(raw, list):
        raise AwsError("SerializationException", "Expected a list for 'logEvents'")
    if not 1 <= len(raw) <= MAX_BATCH_EVENTS:
        bound = "greater than or equal to 1" if not raw else f"less than or equal to {MAX_BATCH_EVENTS}"
        raise checks.constraint("logEvents", f"[{len(raw)} events]", f"Member must have length {bound}")
    events: list[NewEvent] = []
    size = 0
    for index, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise AwsError("SerializationException", f"Expected an object for 'logEvents.{index}.member'")
        timestamp = checks.integer(item, "timestamp")
        message = checks.string(item, "message", max_length=MAX_BATCH_BYTES)
        if timestamp is None:
            raise checks.constraint(f"logEvents.{index}.member.timestamp", None, "Member must not be null")
        if timestamp < 0:
            raise checks.constraint(f"logEvents.{index}.member.timestamp", timestamp,
                                    "Member must have value greater than or equal to 0")
        if message is None:
            raise checks.constraint(f"logEvents.{index}.member.message", None, "Member must not be null")
        size += len(message.encode("utf-8", "surrogatepass")) + EVENT_OVERHEAD
        events.append(NewEvent(timestamp, message))
    if size > MAX_BATCH_BYTES:
        raise checks.invalid(f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")
    if any(later.timestamp < earlier.timestamp for earlier, later in zip(events, events[1:], strict=False)):
        raise checks.invalid("Log events in a single PutLogEvents request must be in chronological order.")
    return events


def _screen(events: list[NewEvent], group: Group, now: int) -> tuple[dict[str, int], list[NewEvent]]:
    """AWS's partial rejection of a (sorted) batch: too old (over 14 days) or expired (before
    the retention period) at the start, too new (over 2 hours ahead) at the end."""
    too_old = sum(1 for event in events if event.timestamp < now - MAX_AGE_MS)
    floor = retention_floor(group, now)
    expired = sum(1 for event in events if event.timestamp < floor)
    too_new = next((i for i, event in enumerate(events) if event.timestamp > now + MAX_AHEAD_MS), len(events))
    rejected: dict[str, int] = {}
    if too_old:
        rejected["tooOldLogEventEndIndex"] = too_old
    if expired:
        rejected["expiredLogEventEndIndex"] = expired
    if too_new < len(events):
        rejected["tooNewLogEventStartIndex"] = too_new
    return rejected, events[max(too_old, expired):too_new]


def get_log_events(db: LogDatabase, scope: Any, request: dict[str, Any], now: int) -> dict[str, Any]:
    group = requested_group(db, scope, request)
    token = request.get("nextToken")
    direction, position = parse_stream_token(token) if token is not None else ("", (0, 0))
    stream = find_stream(db, group, checks.stream_name(request) or "")
    if stream is None:
        raise checks.stream_not_found()
    start = checks.integer(request, "startTime", minimum=0) or 0
    end = checks.integer(request, "endTime", minimum=0)
    limit = checks.integer(request, "limit", minimum=1, maximum=MAX_BATCH_EVENTS) or MAX_BATCH_EVENTS
    from_head = checks.boolean(request, "startFromHead")
    if not direction:
        position = (start, 0)
    where = "stream_id = ? AND ts >= ?"
    params: list[Any] = [stream.id, max(start, retention_floor(group, now))]
    if end is not None:
        where += " AND ts < ?"
        params.append(end)
    ascending = direction == "f" or (not direction and from_head)
    if direction:
        where += " AND (ts, id) > (?, ?)" if direction == "f" else " AND (ts, id) < (?, ?)"
        params += list(position)
    order = "ts, id" if ascending else "ts DESC, id DESC"
    rows = db.query(f"SELECT ts, id, ingested, message FROM logs_events WHERE {where} ORDER BY {order} LIMIT ?",
                    (*params, limit))
    rows = _within_response_size(rows)
    if not ascending:
        rows.reverse()
    events = [{"timestamp": ts, "message": message, "ingestionTime": ingested} for ts, _, ingested, message in rows]
    if rows:
        forward, backward = stream_token("f", rows[-1][:2]), stream_token("b", rows[0][:2])
    else:
        # Nothing more that way: the same token again, which is how clients know they are done.
        forward = str(token) if direction == "f" else stream_token("f", position)
        backward = str(token) if direction == "b" else stream_token("b", position)
    return {"events": events, "nextForwardToken": forward, "nextBackwardToken": backward}


def _within_response_size(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    total = 0
    for index, row in enumerate(rows):
        total += len(row[3].encode("utf-8", "surrogatepass")) + EVENT_OVERHEAD
        if total > MAX_RESPONSE_BYTES and index > 0:
            return rows[:index]
    return list(rows)


def filter_log_events(db: LogDatabase, scope: Any, request: dict[str, Any], now: int) -> dict[str, Any]:
    group = requested_group(db, scope, request)
    names = checks.strings(request, "logStreamNames", max_items=100, pattern=checks.STREAM_NAME)
    prefix = checks.stream_name(request, "logStreamNamePrefix", required=False)
    if names is not None and prefix is not None:
        raise checks.invalid("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
    start = checks.integer(request, "startTime", minimum=0) or 0
    end = checks.integer(request, "endTime", minimum=0)
    limit = checks.integer(request, "limit", minimum=1, maximum=MAX_BATCH_EVENTS) or MAX_BATCH_EVENTS
    text = checks.string(request, "filterPattern", max_length=1024, min_length=0)
    try:
        matcher = compile_pattern(text)
    except PatternError as error:
        raise checks.invalid(f"Invalid filter pattern: {error}") from None
    scope_key = f"filter:{group.id}"
    after: Position = (-1, 0)
    if request.get("nextToken") is not None:
        key = parse_page_token(request["nextToken"], scope_key, is_position)
        after = (int(key[0]), int(key[1]))
    where = "e.group_id = ? AND e.ts >= ?"
    params: list[Any] = [group.id, max(start, retention_floor(group, now))]
    if end is not None:
        where += " AND e.ts <= ?"
        params.append(end)
    if names is not None:
        where += f" AND s.name IN ({', '.join('?' * len(names))})"
        params += names
    if prefix:
        where += " AND s.name >= ? AND s.name < ?"
        params += [prefix, prefix + "\U0010ffff"]
    found, last, exhausted = _scan(db, where, params, after, matcher, limit)
    answer: dict[str, Any] = {"events": found, "searchedLogStreams": []}
    if not exhausted:
        answer["nextToken"] = page_token(scope_key, list(last))
    return answer


def _scan(db: LogDatabase, where: str, params: list[Any], after: Position, matcher: Any,
          limit: int) -> tuple[list[dict[str, Any]], Position, bool]:
    """Matching events after `after`, in (timestamp, arrival) order: (events, the position read
    up to, whether the log is exhausted)."""
    found: list[dict[str, Any]] = []
    scanned = 0
    while scanned < SCAN_BUDGET:
        rows = db.query(f"SELECT e.ts, e.id, e.ingested, e.message, s.name FROM logs_events e "
                        f"JOIN logs_streams s ON s.id = e.stream_id WHERE {where} AND (e.ts, e.id) > (?, ?) "
                        f"ORDER BY e.ts, e.id LIMIT ?", (*params, *after, _SCAN_CHUNK))
        for ts, row_id, ingested, message, stream in rows:
            scanned += 1
            after = (ts, row_id)
            if matcher(message):
                found.append({"logStreamName": stream, "timestamp": ts, "message": message,
                              "ingestionTime": ingested, "eventId": event_id(after)})
                if len(found) == limit:
                    return found, after, False
        if len(rows) < _SCAN_CHUNK:
            return found, after, True
    return found, after, False
