"""The composition root: builds the store, the engine, the Task integrations and every service
from the settings, once, and closes them in reverse order. Nothing it builds imports it.

Services are listed in `SERVICES`, the way the CLI lists its commands: a service is a package
with a `create(platform) -> Service` function, plus one line here.
"""

from __future__ import annotations

import importlib
import json
import logging
import random
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from statewright.engine import Clock, Engine
from statewright.integrations.mocks import MockConfig, MockedTasks
from statewright.integrations.registry import Registry
from statewright.services.common import FunctionInvoker, Service
from statewright.services.common.platform import Platform, Settings
from statewright.store import SqliteStore

if TYPE_CHECKING:
    from statewright.runtime_stack import DebugFunction, StackReport
    from statewright.template import Stack

log = logging.getLogger(__name__)

# botocore model name → the package whose `create(platform)` builds it.
SERVICES: Mapping[str, str] = {
    "stepfunctions": "statewright.services.stepfunctions",
    "sts": "statewright.services.sts",
    # Before Lambda, so it closes after it: the last invocations' logs are still stored.
    "logs": "statewright.services.logs",
    "lambda": "statewright.services.awslambda",
    "s3": "statewright.services.s3",
    "dynamodb": "statewright.services.dynamodb",
    "dynamodbstreams": "statewright.services.dynamodb.streams_service",
    "cloudformation": "statewright.services.cloudformation",
    "apigateway": "statewright.services.apigateway",
    "apigatewayv2": "statewright.services.apigateway.v2",
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
    # The SAM/CloudFormation template the runtime loads at open() and applies to the services
    # (runtime_stack.py), with `--parameter-overrides`. `on_stack` hears how it was applied.
    template: Path | None = None
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    stack_name: str | None = None
    emulated_types: Collection[str] | None = None  # None: runtime_stack.default_emulated_types()
    run_lint: bool = True
    on_stack: Callable[[StackReport], None] | None = None
    # Step Functions Local's mock configuration (integrations/mocks.py): executions started with
    # `<machine ARN>#<test case>` answer the case's mocked states from it.
    mock_config: MockConfig | None = None
    # `serve --debug-function`: a template function whose worker waits for a debugger (debugpy).
    debug_function: DebugFunction | None = None


class Runtime:
    """The running parts. `open()` builds and starts them; `close()` stops them."""

    def __init__(self, config: RuntimeConfig | None = None) -> None:
        self.config = config or RuntimeConfig()
        self.settings = self.config.settings
        self.store: SqliteStore | None = None
        self.engine: Engine | None = None
        self.services: dict[str, Service] = {}
        self.stack: Stack | None = None
        self.stack_report: StackReport | None = None

    def load_template(self) -> Stack | None:
        """Read the configured template (once), so that a caller can stop on a TemplateError
        before anything opens; open() calls it too."""
        config = self.config
        if config.template is not None and self.stack is None:
            from statewright.runtime_stack import load_template

            self.stack = load_template(config.template, self.settings, parameter_overrides=config.parameter_overrides,
                                       stack_name=config.stack_name, emulated_types=config.emulated_types,
                                       run_lint=config.run_lint)
        return self.stack

    def open(self) -> None:
        config, settings = self.config, self.settings
        self.load_template()  # a template error stops start-up before anything is built
        registry = config.integrations
        for spec in config.integration_modules:
            _call_plugin(spec, registry)
        clock = Clock(settings.time_scale)
        self.store = SqliteStore(settings.data_dir)
        registry.mocks = MockedTasks(config.mock_config, self.store)
        self.engine = Engine(self.store, registry, clock)
        platform = Platform(settings=settings, store=self.store, engine=self.engine, clock=clock,
                            integrations=registry, random=random.Random(config.seed), services=self.services)
        for name, package in config.services.items():
            self.services[name] = importlib.import_module(package).create(platform)
        _connect_integrations(registry, self.services)
        _connect_services(self.services)
        _connect_apis(self.services)
        _connect_logs(self.services, self.engine)
        self._apply_stack(clock)
        # Last: starting recovers the executions that were running and re-dispatches their tasks,
        # which need the integrations connected above and the stack's functions defined.
        self.engine.start()

    def _apply_stack(self, clock: Clock) -> None:
        """Create the template's resources in the services (runtime_stack.py)."""
        if self.stack is None:
            return
        from statewright.runtime_stack import apply_stack

        self.stack_report = apply_stack(self.stack, self.services, self.store, clock.now(), self.settings.endpoint,
                                        self.config.debug_function)
        if self.config.on_stack is not None:
            self.config.on_stack(self.stack_report)

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
    if "dynamodb" in services:
        from statewright.integrations.dynamodb import DynamoDbIntegration

        registry.register_service("dynamodb", DynamoDbIntegration(services["dynamodb"]))
    if "s3" in services:
        from statewright.integrations.s3 import S3Integration

        registry.register_service("s3", S3Integration(cast(Any, services["s3"])))


def _connect_services(services: Mapping[str, Service]) -> None:
    """Services that call each other through the runtime: S3 event notifications invoke Lambda
    functions asynchronously (InvocationType Event), as S3 does."""
    s3, functions = services.get("s3"), services.get("lambda")
    if s3 is not None and functions is not None:
        invoker = cast(FunctionInvoker, functions)

        def deliver(function_arn: str, event: dict[str, Any], context: Any) -> None:
            invoker.invoke(function_arn, json.dumps(event).encode(), context, invocation_type="Event")

        cast(Any, s3).set_deliverer(deliver)


def _connect_apis(services: Mapping[str, Service]) -> None:
    """API Gateway reaches Lambda (proxy integrations, authorizers) and Step Functions (direct
    integrations); `apigatewayv2` answers for the same APIs. A stack's APIs are then applied with
    `services["apigateway"].apply_stack(stack)`."""
    gateway = services.get("apigateway")
    if gateway is None:
        return
    connect = getattr(gateway, "connect", None)
    if connect is not None:
        connect(cast(FunctionInvoker, services["lambda"]) if "lambda" in services else None,
                services.get("stepfunctions"))
    v2 = services.get("apigatewayv2")
    if v2 is not None and hasattr(v2, "attach"):
        v2.attach(gateway)


def _connect_logs(services: Mapping[str, Service], engine: Engine | None = None) -> None:
    """Lambda's invocation logs go to CloudWatch Logs (`/aws/lambda/<function>`), and so do the
    execution events of state machines with a loggingConfiguration (their log group)."""
    if "logs" not in services:
        return
    logs: Any = services["logs"]
    if "lambda" in services:
        lambda_service: Any = services["lambda"]
        lambda_service.set_log_sink(logs.lambda_sink)
    if engine is not None:
        engine.event_sink = logs.states_sink


def _call_plugin(spec: str, registry: Registry) -> None:
    """Call `module:function` with the registry (how plugins and tests add task resources)."""
    module_name, _, function_name = spec.partition(":")
    module = importlib.import_module(module_name)
    getattr(module, function_name or "register")(registry)
