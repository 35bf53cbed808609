"""A Statewright server for tests: the real app under uvicorn on a free loopback port, in a
thread of the test process, with its own data directory and time scale."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from statewright.integrations.mocks import MockConfig, MockedTasks, load_mock_config, parse_mock_config
from statewright.integrations.registry import Registry
from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common.platform import Settings

START_SECONDS = 30.0
DEFAULT_TIME_SCALE = 0.001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def aws_client(endpoint: str, service: str = "stepfunctions", region: str = "us-east-1") -> Any:
    """A boto3 client for `service` at `endpoint`: test credentials, no retries, and no host
    prefix (boto3 would send StartSyncExecution and TestState to `sync-<host>`)."""
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}, read_timeout=120))


def as_mock_config(mocks: MockConfig | dict[str, Any] | str | Path | None) -> MockConfig | None:
    """A mock configuration from a checked config, a JSON object, or a file's path."""
    if mocks is None or isinstance(mocks, MockConfig):
        return mocks
    if isinstance(mocks, dict):
        return parse_mock_config(mocks)
    return load_mock_config(mocks)


class StatewrightServer:
    """The server, started by `start()` (or `with`), stopped by `stop()`.

    `time_scale` multiplies every wait, timeout and retry backoff (0.001: a day in 86 s, an hour
    in 3.6 s); `set_time_scale` changes it for the timers armed afterwards. `reset()` empties it
    (POST /_statewright/reset); `load_mocks()` replaces its mock configuration.
    """

    def __init__(self, data_dir: Path, *, time_scale: float = DEFAULT_TIME_SCALE, port: int | None = None,
                 mocks: MockConfig | dict[str, Any] | str | Path | None = None,
                 integrations: Registry | None = None, template: Path | None = None,
                 parameter_overrides: dict[str, str] | None = None, region: str = "us-east-1") -> None:
        settings = Settings(data_dir=Path(data_dir), port=port or free_port(), time_scale=time_scale,
                            region=region, activity_poll_seconds=1.0)
        self.config = RuntimeConfig(settings, integrations=integrations or Registry(),
                                    mock_config=as_mock_config(mocks), template=template,
                                    parameter_overrides=dict(parameter_overrides or {}), run_lint=False)
        self.runtime = Runtime(self.config)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return self.config.settings.endpoint

    def client(self, service: str = "stepfunctions") -> Any:
        return aws_client(self.endpoint, service, self.config.settings.region)

    def start(self) -> StatewrightServer:
        import uvicorn

        from statewright.edge import create_app

        settings = self.config.settings
        self._server = uvicorn.Server(uvicorn.Config(create_app(self.runtime), host=settings.host,
                                                     port=settings.port, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, name="statewright-test-server", daemon=True)
        self._thread.start()
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._thread is not None and not self._thread.is_alive():
                raise RuntimeError(f"the Statewright test server on {self.endpoint} stopped while starting")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/health", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"the Statewright test server on {self.endpoint} did not come up")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(START_SECONDS)
        self._server, self._thread = None, None

    def __enter__(self) -> StatewrightServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self, service: str | None = None) -> None:
        """POST /_statewright/reset (everything, or one service's resources and executions)."""
        query = f"?service={service}" if service else ""
        request = urllib.request.Request(f"{self.endpoint}/_statewright/reset{query}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=120) as answer:
            json.loads(answer.read() or b"{}")

    def load_mocks(self, mocks: MockConfig | dict[str, Any] | str | Path | None) -> None:
        """Use this mock configuration for executions started from now on (None: no mocks)."""
        config = as_mock_config(mocks)
        self.config.mock_config = config
        registry_mocks = self.config.integrations.mocks
        if isinstance(registry_mocks, MockedTasks):
            registry_mocks.config = config

    def set_time_scale(self, scale: float) -> None:
        if not scale > 0:
            raise ValueError(f"the time scale must be positive, not {scale}")
        engine = self.runtime.engine
        if engine is not None:
            engine.clock.scale = scale
