"""The pytest plugin (entry point `pytest11: statewright`). Importing it does nothing; the
fixtures start a server only when a test asks for one. See docs/testing.md.

Settings (pytest ini options): `statewright_scope` (`session`, the default, or `function`: how
long one server lives), `statewright_time_scale` (default 0.001), `statewright_reset` (`all`,
the default, `stepfunctions` or `none`: what each test starts from). Per test:
`@pytest.mark.statewright(time_scale=..., mocks=...)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import pytest

from statewright.integrations.mocks import MOCK_CONFIG_ENV

from .functions import create_function
from .inprocess import run_in_process
from .runs import Run, answer_task, run_execution, start_execution, wait_for_end, wait_for_task_token
from .server import StatewrightServer
from .stacks import DeployedStack, deploy_template

_RESETS = ("all", "stepfunctions", "none")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("statewright_scope", "how long one statewright_server lives: session or function",
                  default="session")
    parser.addini("statewright_time_scale", "multiplies waits, timeouts and backoffs (0.001: 1000x faster)",
                  default="0.001")
    parser.addini("statewright_reset", "what each test starts from: all, stepfunctions or none", default="all")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "statewright(time_scale=None, mocks=None): settings of the statewright "
                                       "fixtures for one test")


def _scope(fixture_name: str, config: pytest.Config) -> Literal["session", "function"]:
    scope = str(config.getini("statewright_scope") or "session")
    if scope == "session":
        return "session"
    if scope == "function":
        return "function"
    raise pytest.UsageError(f"statewright_scope must be session or function, not {scope!r}")


def _time_scale(config: pytest.Config) -> float:
    return float(config.getini("statewright_time_scale") or 0.001)


@pytest.fixture(scope=_scope)
def statewright_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                       ) -> Iterator[StatewrightServer]:
    """A Statewright server on a free port with a temporary data directory (mocks from
    SFN_MOCK_CONFIG when it is set)."""
    mocks = os.environ.get(MOCK_CONFIG_ENV) or None
    server = StatewrightServer(tmp_path_factory.mktemp("statewright"), time_scale=_time_scale(request.config),
                               mocks=mocks)
    with server:
        yield server


class Statewright:
    """One test's view of the server: clients, helpers, mocks and the time scale."""

    def __init__(self, server: StatewrightServer) -> None:
        self.server = server
        self._clients: dict[str, Any] = {}

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    @property
    def sfn(self) -> Any:
        return self.client("stepfunctions")

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.server.client(service)
        return self._clients[service]

    def run(self, state_machine_arn: str, input: Any = None, *, name: str | None = None,
            test_case: str | None = None, timeout: float = 30.0) -> Run:
        return run_execution(self.sfn, state_machine_arn, input, name=name, test_case=test_case, timeout=timeout)

    def start(self, state_machine_arn: str, input: Any = None, *, name: str | None = None,
              test_case: str | None = None) -> str:
        return start_execution(self.sfn, state_machine_arn, input, name=name, test_case=test_case)

    def wait(self, execution_arn: str, timeout: float = 30.0) -> Run:
        return wait_for_end(self.sfn, execution_arn, timeout)

    def wait_for_task_token(self, execution_arn: str, state: str | None = None, timeout: float = 30.0) -> str:
        return wait_for_task_token(self.sfn, execution_arn, state, timeout)

    def answer(self, token: str, output: Any = None, *, error: str | None = None, cause: str | None = None) -> None:
        answer_task(self.sfn, token, output, error=error, cause=cause)

    def create_function(self, name: str, source: str, **options: Any) -> str:
        """A Lambda function from Python source (handler `handler(event, context)`); its ARN."""
        return create_function(self.client("lambda"), name, source, **options)

    def load_mocks(self, mocks: Any) -> None:
        self.server.load_mocks(mocks)

    def set_time_scale(self, scale: float) -> None:
        self.server.set_time_scale(scale)

    def deploy(self, path: str | Path, *, parameter_overrides: dict[str, str] | None = None,
               stack_name: str | None = None) -> DeployedStack:
        return deploy_template(self.server, path, parameter_overrides=parameter_overrides, stack_name=stack_name)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


@pytest.fixture
def statewright(request: pytest.FixtureRequest, statewright_server: StatewrightServer) -> Iterator[Statewright]:
    """The server, reset before the test (ini `statewright_reset`), with the test's time scale
    and mocks (`@pytest.mark.statewright(time_scale=..., mocks=...)`) applied and undone after."""
    reset = str(request.config.getini("statewright_reset") or "all")
    if reset not in _RESETS:
        raise pytest.UsageError(f"statewright_reset must be one of {', '.join(_RESETS)}, not {reset!r}")
    if reset != "none":
        statewright_server.reset(None if reset == "all" else reset)
    marker = request.node.get_closest_marker("statewright")
    settings = dict(marker.kwargs) if marker is not None else {}
    default_scale, default_mocks = _time_scale(request.config), statewright_server.config.mock_config
    statewright_server.set_time_scale(float(settings.get("time_scale") or default_scale))
    if settings.get("mocks") is not None:
        statewright_server.load_mocks(settings["mocks"])
    session = Statewright(statewright_server)
    try:
        yield session
    finally:
        session.close()
        statewright_server.set_time_scale(default_scale)
        statewright_server.load_mocks(default_mocks)


@pytest.fixture
def sfn_client(statewright: Statewright) -> Any:
    """A boto3 Step Functions client for the (reset) server."""
    return statewright.sfn


@pytest.fixture
def aws_client(statewright: Statewright) -> Callable[[str], Any]:
    """`aws_client("dynamodb")`: a boto3 client of that service for the (reset) server."""
    return statewright.client


@pytest.fixture
def statewright_template(statewright: Statewright) -> Callable[..., DeployedStack]:
    """`statewright_template(path, parameter_overrides={...})`: deploy a template's resources."""
    return statewright.deploy


@pytest.fixture
def statewright_local() -> Callable[..., Run]:
    """`statewright_local(definition, input, tasks={...}, mocks=..., test_case=...)`: the in-process
    mode (no server, virtual clock)."""
    return run_in_process
