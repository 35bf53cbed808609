"""The in-process mode: run a definition in this process on a virtual clock (no server, no HTTP,
waits take no time), with Python callables as Lambda functions and, optionally, a test case of
a mock configuration. The answer is the same `Run` the HTTP helpers give."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from statewright.integrations.inprocess import PythonHandler
from statewright.integrations.mocks import MemoryMocks, MockConfig
from statewright.integrations.registry import Registry
from statewright.integrations.runner import local_registry, run

from .runs import Run, path_of
from .server import as_mock_config


def run_in_process(definition: str | dict[str, Any] | Path, input: Any = None, *,
                   tasks: Mapping[str, PythonHandler] | None = None, integrations: Registry | None = None,
                   mocks: MockConfig | dict[str, Any] | str | Path | None = None,
                   state_machine: str = "local", test_case: str | None = None) -> Run:
    """Run `definition` (JSON text, a dict, or a file's path) to its end. `tasks` maps Lambda
    function names (or resource ARNs) to callables; with `mocks` and `test_case`, the case's
    states of `state_machine` answer from the mocks."""
    if isinstance(definition, Path):
        definition = definition.read_text(encoding="utf-8")
    registry = integrations if integrations is not None else local_registry(tasks)
    config = as_mock_config(mocks)
    if test_case is not None:
        if config is None:
            raise ValueError("test_case needs mocks (a mock configuration)")
        registry.mocks = MemoryMocks(config, state_machine, test_case)
    result = run(definition, input, integrations=registry, state_machine=state_machine)
    arn = f"arn:aws:states:us-east-1:123456789012:execution:{state_machine}:local-execution"
    events = [_wire(event) for event in result.events]
    return Run(arn, result.status, result.output, result.error, result.cause, path_of(events), events)


def _wire(event: dict[str, Any]) -> dict[str, Any]:
    """History events as GetExecutionHistory has them: payload fields as JSON text."""
    wired = dict(event)
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            wired[key] = {name: json.dumps(item) if name in ("input", "output", "parameters") and
                          not isinstance(item, str) else item for name, item in value.items()}
    return wired
