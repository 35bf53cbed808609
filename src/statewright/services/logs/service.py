"""The local CloudWatch Logs service: the Logs API (awsJson 1.1) over `logs.db`, and the Python
API the other services write through (`write_events`, `lambda_sink`, `states_sink`)."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from statewright.services.common import AwsError, RequestContext
from statewright.services.common.arns import partition_of

from . import events, groups, tags
from .appender import Append, Appender
from .database import LogDatabase
from .retention import SWEEP_SECONDS, Sweeper, sweep
from .states_sink import StatesLogSink
from .types import NewEvent, Scope

log = logging.getLogger(__name__)


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)


class LogsService:
    """CloudWatch Logs for one server. `now` gives the time in ms (injected for tests)."""

    name = "logs"

    def __init__(self, data_dir: Path, region: str = "us-east-1", account: str = "123456789012", *,
                 now: Callable[[], int] = _wall_clock_ms, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.db = LogDatabase(Path(data_dir))
        self.scope = Scope(region, account, partition_of(region))
        self.now = now
        self.sweeper = Sweeper(self.db, now, sweep_seconds)
        self.appender = Appender(self.db)
        # The engine's event sink (runtime._connect_logs): execution events into log groups.
        self.states_sink = StatesLogSink(self.write_events)
        self._operations: Mapping[str, Callable[[Scope, dict[str, Any]], dict[str, Any]]] = {
            "CreateLogGroup": lambda s, r: _done(groups.create_group, self.db, s, r, self.now()),
            "DeleteLogGroup": lambda s, r: _done(groups.delete_group, self.db, s, r),
            "DescribeLogGroups": lambda s, r: groups.describe_groups(self.db, s, r),
            "CreateLogStream": lambda s, r: _done(groups.create_stream, self.db, s, r, self.now()),
            "DeleteLogStream": lambda s, r: _done(groups.delete_stream, self.db, s, r),
            "DescribeLogStreams": lambda s, r: groups.describe_streams(self.db, s, r),
            "PutRetentionPolicy": self._put_retention,
            "DeleteRetentionPolicy": lambda s, r: _done(groups.delete_retention, self.db, s, r),
            "PutLogEvents": lambda s, r: events.put_log_events(self.db, s, r, self.now()),
            "GetLogEvents": lambda s, r: events.get_log_events(self.db, s, r, self.now()),
            "FilterLogEvents": lambda s, r: events.filter_log_events(self.db, s, r, self.now()),
            "TagResource": lambda s, r: tags.tag_resource(self.db, s, r),
            "UntagResource": lambda s, r: tags.untag_resource(self.db, s, r),
            "ListTagsForResource": lambda s, r: tags.list_tags_for_resource(self.db, s, r),
            "TagLogGroup": lambda s, r: tags.tag_log_group(self.db, s, r),
            "UntagLogGroup": lambda s, r: tags.untag_log_group(self.db, s, r),
            "ListTagsLogGroup": lambda s, r: tags.list_tags_log_group(self.db, s, r),
        }

    # --- the API -----------------------------------------------------------------------------------

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        run = self._operations.get(operation)
        if run is None:
            raise AwsError("InvalidOperationException",
                           f"Statewright's CloudWatch Logs does not implement {operation}; it implements "
                           f"{', '.join(sorted(self._operations))}")
        try:
            return run(Scope(context.region, context.account, context.partition), input)
        except sqlite3.Error as error:
            log.exception("CloudWatch Logs storage failed during %s", operation)
            raise AwsError("ServiceUnavailableException", f"The log store failed: {error}", 500,
                           sender_fault=False) from None

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        self.states_sink.close()  # first: what it still holds goes through the appender
        self.appender.close()
        self.sweeper.close()
        self.db.close()

    def _put_retention(self, scope: Scope, request: dict[str, Any]) -> dict[str, Any]:
        groups.put_retention(self.db, scope, request)
        self.sweeper.poke()
        return {}

    def sweep(self) -> int:
        """Delete the events past their retention now (the sweeper does this every minute)."""
        return sweep(self.db, self.now())

    # --- for the other services ---------------------------------------------------------------------

    def put_group(self, name: str, *, retention_days: int | None = None, tags: Mapping[str, str] | None = None,
                  scope: Scope | None = None) -> None:
        """Define a log group from a template (`AWS::Logs::LogGroup`): created when missing, its
        retention and tags set either way. Invalid values raise AwsError as the API would."""
        target = scope or self.scope
        request: dict[str, Any] = {"logGroupName": name}
        if tags:
            request["tags"] = dict(tags)
        if groups.find_group(self.db, target, name) is None:
            groups.create_group(self.db, target, request, self.now())
        elif tags:
            self.handle("TagLogGroup", request, _context(target))
        if retention_days is None:
            groups.delete_retention(self.db, target, {"logGroupName": name})
        else:
            self._put_retention(target, {"logGroupName": name, "retentionInDays": retention_days})

    def write_events(self, group: str, stream: str, records: Iterable[NewEvent | Mapping[str, Any] | str], *,
                     create_group: bool = False, scope: Scope | None = None) -> Future[bool]:
        """Append events to `stream` of `group` (a name or a log group ARN, `:*` or not), without
        waiting: the answer resolves to True once they are stored, False when the group does not
        exist (and `create_group` is False; AWS drops such deliveries too). The stream is created
        on first write. A record is a `NewEvent`, a `{"timestamp": ms, "message": str}` mapping, or
        a message string stamped now. Events go in as given: callers send them in time order."""
        target, name = self._target(group, scope)
        now = self.now()
        batch = [_as_event(record, now) for record in records]
        return self.appender.add(Append(target, name, stream, batch, create_group, now))

    def lambda_sink(self, function_name: str, log_stream_name: str, lines: list[str],
                    log_group: str | None = None) -> None:
        """The Lambda service's log sink: an invocation's lines into `/aws/lambda/<function>` (or
        the function's `LoggingConfig.LogGroup`), which is created on first write as Lambda creates
        it. Queued, never waited for, so a busy function does not slow its callers."""
        self.write_events(log_group or f"/aws/lambda/{function_name}", log_stream_name, lines, create_group=True)

    def _target(self, group: str, scope: Scope | None) -> tuple[Scope, str]:
        target = scope or self.scope
        if group.startswith("arn:"):
            parts = group.split(":")
            if len(parts) >= 7 and parts[2] == "logs" and parts[5] == "log-group":
                name = ":".join(parts[6:])
                return Scope(parts[3], parts[4], parts[1]), name[:-2] if name.endswith(":*") else name
            raise ValueError(f"not a log group ARN: {group}")
        return target, group


def _context(scope: Scope) -> RequestContext:
    return RequestContext(region=scope.region, account=scope.account, partition=scope.partition)


def _done(call: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run an operation whose output is empty."""
    call(*args)
    return {}


def _as_event(record: NewEvent | Mapping[str, Any] | str, now: int) -> NewEvent:
    if isinstance(record, NewEvent):
        event = record
    elif isinstance(record, str):
        event = NewEvent(now, record)
    else:
        event = NewEvent(int(record.get("timestamp", now)), str(record["message"]))
    return NewEvent(event.timestamp, _text(event.message))


def _text(message: str) -> str:
    """The message with any lone surrogate replaced: SQLite holds only valid UTF-8."""
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return message.encode("utf-8", "replace").decode("utf-8")
    return message
