"""`statewright run --template T MACHINE`: one of a template's state machines, in process, with
the template's Lambda functions running in real local workers (the Lambda service's `invoke`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from statewright.asl.definition import parse_definition
from statewright.asl.model import Definition


@contextmanager
def run_template_machine(template: Path, machine: str, overrides: list[str],
                         data_dir: Path) -> Iterator[tuple[Definition, dict[str, Any]]]:
    """The machine's definition and the runner's options (its integrations, ARN and role); the
    Lambda service behind them stops when the block ends. A template error exits with status 1."""
    from statewright.integrations.awslambda import LambdaIntegration
    from statewright.integrations.registry import Registry
    from statewright.runtime_stack import (
        FUNCTION,
        STATE_MACHINE,
        function_config,
        layer_dirs,
        load_template,
        state_machine_settings,
    )
    from statewright.services.awslambda import LambdaService
    from statewright.services.common.platform import Settings
    from statewright.template import TemplateError
    from statewright.template.parameters import parse_overrides

    settings = Settings(data_dir=data_dir)
    try:
        stack = load_template(template, settings, parameter_overrides=parse_overrides(overrides))
    except TemplateError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    machines = stack.of_type(STATE_MACHINE)
    chosen = [resource for resource in machines
              if machine in (resource.logical_id, resource.physical_id, resource.attributes.get("Name"))]
    if not chosen:
        known = ", ".join(resource.logical_id for resource in machines) or "none"
        raise click.BadParameter(f"{machine!r} is not a state machine of {template} (it has: {known})",
                                 param_hint="MACHINE")
    resource = chosen[0]
    settings_of = state_machine_settings(resource, stack)
    definition = parse_definition(settings_of["definition"])
    service = LambdaService(data_dir, settings.endpoint, stack.region, stack.account)
    try:
        layers = layer_dirs(stack)
        warnings: list[str] = []
        for function in stack.of_type(FUNCTION):
            if function.emulated and isinstance(function.properties.get("Code"), str):
                service.put_function(function_config(function, layers, warnings))
        for warning in (*stack.warnings, *warnings):
            click.echo(f"Warning: {warning}", err=True)
        registry = Registry()
        registry.register_service("lambda", LambdaIntegration(service))
        yield definition, {"integrations": registry, "state_machine": settings_of["name"],
                           "role_arn": settings_of["role_arn"], "execution_type": settings_of["machine_type"],
                           "name": "local-execution"}
    finally:
        service.close()
