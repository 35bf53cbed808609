"""The server's settings, as `statewright serve` and tests give them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from statewright.integrations.registry import Registry


@dataclass
class ServerConfig:
    """Where the data lives, which account and region ARNs name, and how fast time runs.

    `integration_modules` names "module:function" callables that register task integrations
    (each is called with the registry at start); `integrations` lets tests pass a registry.
    """

    data_dir: Path = Path(".statewright")
    host: str = "127.0.0.1"
    port: int = 4590
    account_id: str = "123456789012"
    region: str = "us-east-1"
    time_scale: float = 1.0
    activity_poll_seconds: float = 60.0
    integration_modules: tuple[str, ...] = ()
    integrations: Registry = field(default_factory=Registry)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"
