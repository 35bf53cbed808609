"""The composition root: builds the store, the engine, the Task integrations and every service
from the settings, once, and closes them in reverse order. Nothing it builds imports it.

Services are listed in `SERVICES`, the way the CLI lists its commands: a service is a package
with a `create(platform) -> Service` function, plus one line here.
"""

from __future__ import annotations

import importlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from statewright.engine import Clock, Engine
from statewright.integrations.registry import Registry
from statewright.services.common import FunctionInvoker, Service
from statewright.services.common.platform import Platform, Settings
from statewright.store import SqliteStore

log = logging.getLogger(__name__)

# botocore model name → the package whose `create(platform)` builds it.
SERVICES: Mapping[str, str] = {
    "stepfunctions": "statewright.services.stepfunctions",
    "sts": "statewright.services.sts",
    # Before Lambda, so it closes after it: the last invocations' logs are still stored.
    "logs": "statewright.services.logs",
    "lambda": "statewright.services.awslambda",
}


@dataclass
class RuntimeConfig:
    """Everything the runtime is built from: the settings, plus the ways tests and plugins add
    Task integrations (`integration_modules` names `module:function` callables called with the
    registry at start; `integrations` lets a test pass a registry it filled itself)."""

    settings: Settings = field(default_factory=Settings)
    integration_modules: tuple[str, ...] = ()
    integrations: Registry = field(default_factory=Registry)
    services: Mapping[str, str] = field(default_factory=lambda: dict(SERVICES))
    seed: int | None = None  # fixes the runtime's random choices (alias routing) for tests


class Runtime:
    """The running parts. `open()` builds and starts them; `close()` stops them."""

    def __init__(self, config: RuntimeConfig | None = None) -> None:
        self.config = config or RuntimeConfig()
        self.settings = self.config.settings
        self.store: SqliteStore | None = None
        self.engine: Engine | None = None
        self.services: dict[str, Service] = {}

    def open(self) -> None:
        config, settings = self.config, self.settings
        registry = config.integrations
        for spec in config.integration_modules:
            _call_plugin(spec, registry)
        clock = Clock(settings.time_scale)
        self.store = SqliteStore(settings.data_dir)
        self.engine = Engine(self.store, registry, clock)
        self.engine.start()
        platform = Platform(settings=settings, store=self.store, engine=self.engine, clock=clock,
                            integrations=registry, random=random.Random(config.seed))
        for name, package in config.services.items():
            self.services[name] = importlib.import_module(package).create(platform)
        _connect_integrations(registry, self.services)
        _connect_logs(self.services)

    def close(self) -> None:
        for name, service in reversed(list(self.services.items())):
            try:
                service.close()
            except Exception:  # noqa: BLE001 - one service failing to close must not keep the rest open
                log.exception("closing the %s service failed", name)
        self.services.clear()
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> Runtime:
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _connect_integrations(registry: Registry, services: Mapping[str, Service]) -> None:
    """Task states reach the local services: Lambda functions (plain ARNs, `lambda:invoke`,
    `aws-sdk:lambda:invoke`) and child executions (`states:startExecution`). An integration a
    test or plugin registered for a resource's exact text still wins (Registry.resolve)."""
    from statewright.integrations.awslambda import LambdaIntegration
    from statewright.integrations.stepfunctions import ServiceExecutions, StepFunctionsIntegration

    if "lambda" in services:
        registry.register_service("lambda", LambdaIntegration(cast(FunctionInvoker, services["lambda"])))
    if "stepfunctions" in services:
        registry.register_service("states", StepFunctionsIntegration(ServiceExecutions(services["stepfunctions"])))


def _connect_logs(services: Mapping[str, Service]) -> None:
    """Lambda's invocation logs go to CloudWatch Logs (`/aws/lambda/<function>`)."""
    if "lambda" in services and "logs" in services:
        logs: Any = services["logs"]
        lambda_service: Any = services["lambda"]
        lambda_service.set_log_sink(logs.lambda_sink)


def _call_plugin(spec: str, registry: Registry) -> None:
    """Call `module:function` with the registry (how plugins and tests add task resources)."""
    module_name, _, function_name = spec.partition(":")
    module = importlib.import_module(module_name)
    getattr(module, function_name or "register")(registry)
