"""A CloudWatch Logs service per test (its logs.db in tmp_path) with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from statewright.services.common import AwsError, RequestContext
from statewright.services.logs import LogsService

CONTEXT = RequestContext()
NOW = 1_796_000_000_000  # 2026-11-30, in ms
DAY = 86_400_000


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(tmp_path: Path, clock: Clock) -> Iterator[LogsService]:
    svc = LogsService(tmp_path / "data", now=clock, sweep_seconds=3600)
    yield svc
    svc.close()


def call(service: LogsService, operation: str, **request: object) -> dict:
    return service.handle(operation, dict(request), CONTEXT)


def error_of(service: LogsService, operation: str, **request: object) -> AwsError:
    with pytest.raises(AwsError) as caught:
        call(service, operation, **request)
    return caught.value


def make_stream(service: LogsService, group: str = "/app/g", stream: str = "s") -> None:
    if not call(service, "DescribeLogGroups", logGroupNamePrefix=group)["logGroups"]:
        call(service, "CreateLogGroup", logGroupName=group)
    call(service, "CreateLogStream", logGroupName=group, logStreamName=stream)


def put(service: LogsService, messages: list[tuple[int, str]], group: str = "/app/g", stream: str = "s") -> dict:
    return call(service, "PutLogEvents", logGroupName=group, logStreamName=stream,
                logEvents=[{"timestamp": ts, "message": text} for ts, text in messages])
