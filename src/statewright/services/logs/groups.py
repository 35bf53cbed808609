"""Log groups and log streams: create, delete, describe, retention, and finding them from a
request's `logGroupName` / `logGroupIdentifier`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from statewright.services.common import AwsError

from . import checks
from .database import LogDatabase
from .tokens import is_count, is_text, page_token, parse_page_token
from .types import GROUP_COLUMNS, STREAM_COLUMNS, Group, Scope, Stream

GROUP_PAGE = 50
STREAM_PAGE = 50


def find_group(db: LogDatabase, scope: Scope, name: str) -> Group | None:
    rows = db.query(f"SELECT {GROUP_COLUMNS} FROM logs_groups WHERE region = ? AND account = ? AND name = ?",
                    (scope.region, scope.account, name))
    return Group.from_row(rows[0]) if rows else None


def requested_group(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> Group:
    """The group a request names by `logGroupName` or `logGroupIdentifier` (a name or an ARN)."""
    name = checks.group_name(request, required=False)
    identifier = checks.string(request, "logGroupIdentifier", max_length=2048)
    if name is not None and identifier is not None:
        raise checks.invalid("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
    if identifier is not None:
        scope, name = _identified(scope, identifier)
    if name is None:
        raise checks.invalid("Either LogGroupName or LogGroupIdentifier must be provided.")
    group = find_group(db, scope, name)
    if group is None:
        raise checks.group_not_found()
    return group


def _identified(scope: Scope, identifier: str) -> tuple[Scope, str]:
    if not identifier.startswith("arn:"):
        return scope, identifier
    parts = identifier.split(":")
    # arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        raise checks.invalid(f"Invalid log group identifier: {identifier}")
    name = ":".join(parts[6:])
    if name.endswith(":*"):
        name = name[:-2]
    return Scope(parts[3], parts[4], parts[1]), name


def group_description(scope: Scope, group: Group) -> dict[str, Any]:
    arn = scope.group_arn(group.name)
    described: dict[str, Any] = {"logGroupName": group.name, "creationTime": group.created,
                                 "metricFilterCount": 0, "arn": f"{arn}:*", "storedBytes": group.stored_bytes,
                                 "logGroupClass": group.log_group_class, "logGroupArn": arn}
    if group.retention_days is not None:
        described["retentionInDays"] = group.retention_days
    if group.kms_key_id:
        described["kmsKeyId"] = group.kms_key_id
    return described


def create_group(db: LogDatabase, scope: Scope, request: dict[str, Any], now: int) -> None:
    name = checks.group_name(request)
    kms = checks.string(request, "kmsKeyId", max_length=256, min_length=0)
    tags = checks.tags(request)
    log_class = checks.log_group_class(request) or "STANDARD"

    def insert(connection: sqlite3.Connection) -> None:
        try:
            connection.execute("INSERT INTO logs_groups (region, account, name, created, kms_key_id, "
                               "log_group_class, tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (scope.region, scope.account, name, now, kms, log_class, json.dumps(tags)))
        except sqlite3.IntegrityError:
            raise AwsError("ResourceAlreadyExistsException", "The specified log group already exists") from None

    db.write(insert).result()


def delete_group(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> None:
    name = checks.group_name(request)

    def delete(connection: sqlite3.Connection) -> None:
        row = connection.execute("SELECT id FROM logs_groups WHERE region = ? AND account = ? AND name = ?",
                                 (scope.region, scope.account, name)).fetchone()
        if row is None:
            raise checks.group_not_found()
        for table, column in (("logs_events", "group_id"), ("logs_streams", "group_id"), ("logs_groups", "id")):
            connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (row[0],))

    db.write(delete).result()


def describe_groups(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    prefix = checks.group_name(request, "logGroupNamePrefix", required=False)
    pattern = checks.string(request, "logGroupNamePattern", min_length=0)
    if prefix is not None and pattern is not None:
        raise checks.invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
    limit = checks.integer(request, "limit", minimum=1, maximum=GROUP_PAGE) or GROUP_PAGE
    wanted_class = checks.log_group_class(request)
    identifiers = checks.strings(request, "logGroupIdentifiers", max_items=50)
    after = parse_page_token(request["nextToken"], "groups", is_text) if request.get("nextToken") is not None else ""
    sql = f"SELECT {GROUP_COLUMNS} FROM logs_groups WHERE region = ? AND account = ? AND name > ?"
    params: list[Any] = [scope.region, scope.account, after]
    if prefix:
        # Prefix by range, not LIKE: `_` and `%` are ordinary characters in log group names.
        sql += " AND name >= ? AND name < ?"
        params += [prefix, prefix + "\U0010ffff"]
    if pattern:
        sql += " AND instr(lower(name), ?) > 0"
        params.append(pattern.lower())
    if wanted_class:
        sql += " AND log_group_class = ?"
        params.append(wanted_class)
    if identifiers:
        names = [_identified(scope, item)[1] for item in identifiers]
        sql += f" AND name IN ({', '.join('?' * len(names))})"
        params += names
    rows = db.query(sql + " ORDER BY name LIMIT ?", (*params, limit + 1))
    groups = [Group.from_row(row) for row in rows[:limit]]
    answer: dict[str, Any] = {"logGroups": [group_description(scope, group) for group in groups]}
    if len(rows) > limit:
        answer["nextToken"] = page_token("groups", groups[-1].name)
    return answer


def put_retention(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> int:
    """Set a group's retention; answers the group's id (the sweeper is told to look at it)."""
    group = requested_group(db, scope, request)
    days = checks.retention(request)
    db.write(lambda c: c.execute("UPDATE logs_groups SET retention_days = ? WHERE id = ?", (days, group.id))).result()
    return group.id


def delete_retention(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> None:
    group = requested_group(db, scope, request)
    db.write(lambda c: c.execute("UPDATE logs_groups SET retention_days = NULL WHERE id = ?", (group.id,))).result()


def find_stream(db: LogDatabase, group: Group, name: str) -> Stream | None:
    rows = db.query(f"SELECT {STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? AND name = ?", (group.id, name))
    return Stream.from_row(rows[0]) if rows else None


def create_stream(db: LogDatabase, scope: Scope, request: dict[str, Any], now: int) -> None:
    group = requested_group(db, scope, request)
    name = checks.stream_name(request)

    def insert(connection: sqlite3.Connection) -> None:
        try:
            connection.execute("INSERT INTO logs_streams (group_id, name, created) VALUES (?, ?, ?)",
                               (group.id, name, now))
        except sqlite3.IntegrityError:
            raise AwsError("ResourceAlreadyExistsException", "The specified log stream already exists") from None

    db.write(insert).result()


def delete_stream(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> None:
    group = requested_group(db, scope, request)
    name = checks.stream_name(request)

    def delete(connection: sqlite3.Connection) -> None:
        row = connection.execute("SELECT id FROM logs_streams WHERE group_id = ? AND name = ?",
                                 (group.id, name)).fetchone()
        if row is None:
            raise checks.stream_not_found()
        connection.execute("DELETE FROM logs_events WHERE stream_id = ?", (row[0],))
        connection.execute("DELETE FROM logs_streams WHERE id = ?", (row[0],))

    db.write(delete).result()


def describe_streams(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    group = requested_group(db, scope, request)
    prefix = checks.stream_name(request, "logStreamNamePrefix", required=False)
    order = request.get("orderBy") or "LogStreamName"
    if order not in ("LogStreamName", "LastEventTime"):
        raise checks.constraint("orderBy", order, "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
    if order == "LastEventTime" and prefix:
        raise checks.invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
    descending = checks.boolean(request, "descending")
    limit = checks.integer(request, "limit", minimum=1, maximum=STREAM_PAGE) or STREAM_PAGE
    offset = 0
    if request.get("nextToken") is not None:
        offset = parse_page_token(request["nextToken"], f"streams:{group.id}:{order}:{descending}", is_count)
    direction = "DESC" if descending else "ASC"
    key = "name" if order == "LogStreamName" else f"coalesce(last_event, 0) {direction}, name"
    sql = f"SELECT {STREAM_COLUMNS} FROM logs_streams WHERE group_id = ?"
    params: list[Any] = [group.id]
    if prefix:
        sql += " AND name >= ? AND name < ?"
        params += [prefix, prefix + "\U0010ffff"]
    rows = db.query(f"{sql} ORDER BY {key} {direction} LIMIT ? OFFSET ?", (*params, limit + 1, int(offset)))
    streams = [Stream.from_row(row) for row in rows[:limit]]
    arn = scope.group_arn(group.name)
    answer: dict[str, Any] = {"logStreams": [_stream_description(arn, stream) for stream in streams]}
    if len(rows) > limit:
        answer["nextToken"] = page_token(f"streams:{group.id}:{order}:{descending}", int(offset) + limit)
    return answer


def _stream_description(group_arn: str, stream: Stream) -> dict[str, Any]:
    described: dict[str, Any] = {"logStreamName": stream.name, "creationTime": stream.created,
                                 "arn": f"{group_arn}:log-stream:{stream.name}", "storedBytes": 0}
    if stream.first_event is not None:
        described["firstEventTimestamp"] = stream.first_event
        described["lastEventTimestamp"] = stream.last_event
    if stream.last_ingestion is not None:
        described["lastIngestionTime"] = stream.last_ingestion
        described["uploadSequenceToken"] = f"{stream.last_ingestion:056d}"
    return described
