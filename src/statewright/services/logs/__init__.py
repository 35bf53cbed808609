"""Amazon CloudWatch Logs (awsJson 1.1): log groups, streams and events in `<data_dir>/logs.db`,
filter patterns, retention, and the sinks Lambda and Step Functions write through."""

from __future__ import annotations

from statewright.services.common.platform import Platform

from .service import LogsService
from .types import NewEvent, Scope

__all__ = ["LogsService", "NewEvent", "Scope", "create"]


def create(platform: Platform) -> LogsService:
    """The composition root's entry point."""
    settings = platform.settings
    return LogsService(settings.data_dir, settings.region, settings.account_id)
