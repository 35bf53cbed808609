"""A Step Functions service on a real store and engine, called as the edge calls it."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.runtime import Runtime, RuntimeConfig
from statewright.services.common import RequestContext
from statewright.services.common.platform import Settings


class Caller:
    """`handle(operation, input)` in the default region, and the store for assertions."""

    def __init__(self, runtime: Runtime, context: RequestContext | None = None) -> None:
        self.service = runtime.services["stepfunctions"]
        self.store = runtime.store
        self.context = context or RequestContext()
        self.arns = self.service.context(self.context).arns

    def handle(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        return self.service.handle(operation, request, self.context)


@pytest.fixture
def service(tmp_path):
    with Runtime(RuntimeConfig(Settings(data_dir=tmp_path))) as runtime:
        yield Caller(runtime)
