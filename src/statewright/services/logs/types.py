"""Contracts only: who a request is scoped to, and the rows the service reads back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """The account and region a log group belongs to (log groups are regional, as on AWS)."""

    region: str
    account: str
    partition: str = "aws"

    def group_arn(self, name: str) -> str:
        return f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:{name}"


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    created: int
    retention_days: int | None
    kms_key_id: str | None
    log_group_class: str
    stored_bytes: int

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Group:
        return cls(*row)


GROUP_COLUMNS = "id, name, created, retention_days, kms_key_id, log_group_class, stored_bytes"


@dataclass(frozen=True)
class Stream:
    id: int
    name: str
    created: int
    first_event: int | None
    last_event: int | None
    last_ingestion: int | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Stream:
        return cls(*row)


STREAM_COLUMNS = "id, name, created, first_event, last_event, last_ingestion"


@dataclass(frozen=True)
class NewEvent:
    """An event to append: its time (ms since the epoch) and its text."""

    timestamp: int
    message: str
