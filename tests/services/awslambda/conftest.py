"""A local Lambda service per test (its data dir in tmp_path) and handlers the tests write."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from statewright.services.awslambda import FunctionConfig, LambdaService
from statewright.services.common import RequestContext

CONTEXT = RequestContext()


class Logs:
    """A log sink that keeps what it is given."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str, list[str]]] = []
        self.groups: list[str | None] = []

    def __call__(self, function: str, stream: str, lines: list[str], log_group: str | None = None) -> None:
        self.records.append((function, stream, lines))
        self.groups.append(log_group)


@pytest.fixture
def logs() -> Logs:
    return Logs()


@pytest.fixture
def service(tmp_path: Path, logs: Logs) -> Iterator[LambdaService]:
    svc = LambdaService(tmp_path / "data", "http://127.0.0.1:4599", time_scale=1000.0, log_sink=logs)
    yield svc
    svc.close()


def write_code(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return directory


@pytest.fixture
def define(service: LambdaService, tmp_path: Path) -> Callable[..., FunctionConfig]:
    """Write handler files into a fresh code directory and define a function over them."""
    count = [0]

    def make(files: dict[str, str], name: str = "fn", handler: str = "app.handler",
             runtime: str = "python3.11", **options: object) -> FunctionConfig:
        count[0] += 1
        code = write_code(tmp_path / f"code{count[0]}", files)
        config = FunctionConfig(name=name, handler=handler, runtime=runtime, code_dir=str(code),
                                **options)  # type: ignore[arg-type]
        service.put_function(config)
        return config

    return make
