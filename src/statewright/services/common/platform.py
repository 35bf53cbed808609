"""What the composition root (`statewright.runtime`) hands each service's `create` function."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ids import RandomIds


@dataclass(frozen=True)
class Settings:
    """The server's settings, as `statewright serve` and tests give them."""

    data_dir: Path = Path(".statewright")
    host: str = "127.0.0.1"
    port: int = 4590
    account_id: str = "123456789012"
    region: str = "us-east-1"
    time_scale: float = 1.0
    activity_poll_seconds: float = 60.0

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class Platform:
    """The shared parts every service may use. A service's package exposes
    `create(platform: Platform) -> Service`; the runtime calls it once at start.

    `store`, `engine`, `clock` and `integrations` are the runtime's single instances (typed
    loosely here so this contracts module imports nothing heavy). `random` and `new_id` are
    injected so that tests can make choices (alias routing weights, ids) deterministic.
    """

    settings: Settings
    store: Any
    engine: Any
    clock: Any
    integrations: Any
    random: random.Random = field(default_factory=random.Random)
    new_id: Callable[[], str] = field(default_factory=RandomIds)
    # The services built before this one, in the order of the runtime's table (a service that is
    # a view of another, such as DynamoDB Streams over DynamoDB, finds it here).
    services: dict[str, Any] = field(default_factory=dict)

