"""What a handler's core works with: its AWS clients, settings and clock, passed in (never global)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from botocore.config import Config

from . import ids
from .observability import Telemetry
from .store import TaskStore


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Settings:
    """The template's configuration, from the function's environment variables."""

    table: str
    bucket: str = ""
    state_machine_arn: str = ""
    approval_threshold: Decimal = Decimal("500.00")
    approval_timeout_seconds: int = 86400
    upload_url_seconds: int = 900

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(table=environ["TABLE_NAME"], bucket=environ.get("BUCKET_NAME", ""),
                   state_machine_arn=environ.get("STATE_MACHINE_ARN", ""),
                   approval_threshold=Decimal(environ.get("APPROVAL_THRESHOLD", "500.00")),
                   approval_timeout_seconds=int(environ.get("APPROVAL_TIMEOUT_SECONDS", "86400")),
                   upload_url_seconds=int(environ.get("UPLOAD_URL_SECONDS", "900")))


@dataclass
class Context:
    """The clients and settings one invocation uses; tests build it with stand-ins for AWS."""

    settings: Settings
    dynamodb: object
    telemetry: Telemetry
    stepfunctions: object = None
    s3: object = None
    clock: Callable[[], str] = utc_now
    new_id: Callable[[], str] = ids.new_id
    epoch: Callable[[], float] = time.time
    store: TaskStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = TaskStore(self.dynamodb, self.settings.table, self.clock)


def from_environment(service: str, clients: Callable[..., object]) -> Context:
    """The Context of a deployed function: `clients(name)` is `boto3.client` (no endpoint URL: the
    local runtime sets AWS_ENDPOINT_URL, AWS needs none)."""
    settings = Settings.from_environment()
    return Context(settings=settings, dynamodb=clients("dynamodb"), telemetry=Telemetry(service),
                   stepfunctions=clients("stepfunctions"), s3=s3_client(clients))


def s3_client(clients: Callable[..., object]) -> object:
    """SigV4 presigning in every region (us-east-1 would otherwise sign URLs with SigV2, which does
    not sign the Content-Type and Content-Length an upload URL must pin)."""
    return clients("s3", config=Config(signature_version="s3v4"))
