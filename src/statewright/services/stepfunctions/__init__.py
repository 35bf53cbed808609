"""The AWS Step Functions API (AWS JSON 1.0) over the engine and the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .arns import Arns
from .service import StepFunctionsService

if TYPE_CHECKING:
    from statewright.services.common.platform import Platform

__all__ = ["Arns", "StepFunctionsService", "create"]


def create(platform: Platform) -> StepFunctionsService:
    """The service as the runtime builds it (see statewright/runtime.py)."""
    return StepFunctionsService(platform.store, platform.engine, now=platform.clock.now,
                                choices=platform.random, new_id=platform.new_id,
                                activity_poll_seconds=platform.settings.activity_poll_seconds)
