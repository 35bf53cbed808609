"""Log group tags: TagResource / UntagResource / ListTagsForResource (by ARN), and the older
TagLogGroup / UntagLogGroup / ListTagsLogGroup (by name), over one `tags` column."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from statewright.services.common import AwsError

from . import checks
from .database import LogDatabase
from .groups import requested_group
from .types import Group, Scope

MAX_TAGS = 50


def _by_arn(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> Group:
    arn = checks.string(request, "resourceArn", required=True, max_length=1011) or ""
    if not arn.startswith("arn:") or ":log-group:" not in arn:
        raise checks.invalid(f"Invalid resourceArn: {arn}")
    return requested_group(db, scope, {"logGroupIdentifier": arn})


def _by_name(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> Group:
    checks.group_name(request)
    return requested_group(db, scope, {"logGroupName": request["logGroupName"]})


def _read(db: LogDatabase, group: Group) -> dict[str, str]:
    rows = db.query("SELECT tags FROM logs_groups WHERE id = ?", (group.id,))
    return dict(json.loads(rows[0][0])) if rows else {}


def _change(db: LogDatabase, group: Group, add: dict[str, str], remove: list[str]) -> None:
    def update(connection: sqlite3.Connection) -> None:
        row = connection.execute("SELECT tags FROM logs_groups WHERE id = ?", (group.id,)).fetchone()
        if row is None:
            raise checks.group_not_found()
        tags = {k: v for k, v in json.loads(row[0]).items() if k not in remove}
        tags.update(add)
        if len(tags) > MAX_TAGS:
            raise AwsError("TooManyTagsException", f"A resource can have no more than {MAX_TAGS} tags.")
        connection.execute("UPDATE logs_groups SET tags = ? WHERE id = ?", (json.dumps(tags), group.id))

    db.write(update).result()


def _keys(request: dict[str, Any], field: str) -> list[str]:
    keys = request.get(field)
    if keys is None:
        raise checks.constraint(field, None, "Member must not be null")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise AwsError("SerializationException", f"Expected a list of strings for '{field}'")
    return keys


def _tags(request: dict[str, Any]) -> dict[str, str]:
    if request.get("tags") is None:
        raise checks.constraint("tags", None, "Member must not be null")
    return checks.tags(request)


def tag_resource(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    _change(db, _by_arn(db, scope, request), _tags(request), [])
    return {}


def untag_resource(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    _change(db, _by_arn(db, scope, request), {}, _keys(request, "tagKeys"))
    return {}


def list_tags_for_resource(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    return {"tags": _read(db, _by_arn(db, scope, request))}


def tag_log_group(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    _change(db, _by_name(db, scope, request), _tags(request), [])
    return {}


def untag_log_group(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    _change(db, _by_name(db, scope, request), {}, _keys(request, "tags"))
    return {}


def list_tags_log_group(db: LogDatabase, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
    return {"tags": _read(db, _by_name(db, scope, request))}
