"""`statewright serve`: the local AWS endpoint, the console, and (with --template) a SAM application."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statewright.engine.clock import TIME_SCALE_ENV

if TYPE_CHECKING:
    from statewright.integrations.mocks import MockConfig
    from statewright.runtime_stack import StackReport

INTEGRATIONS_ENV = "STATEWRIGHT_INTEGRATIONS"
SHUTDOWN_GRACE_SECONDS = 3


@click.command()
@click.option("--port", default=4590, show_default=True, help="TCP port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--data-dir", default=".statewright", show_default=True, type=click.Path(file_okay=False),
              help="Directory of the SQLite database (created if missing).")
@click.option("--template", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SAM/CloudFormation template whose resources to run (see docs/sam.md).")
@click.option("--parameter-overrides", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Template parameter values, as `sam deploy` takes them (KEY=VALUE ...).")
@click.option("--stack-name", default=None, help="Stack name (default: the template's folder name).")
@click.option("--no-lint", is_flag=True, help="Skip cfn-lint when loading the template.")
@click.option("--time-scale", default=None, type=float,
              help=f"Multiply every wait, timeout and backoff by this (tests: 0.001). Env: {TIME_SCALE_ENV}.")
@click.option("--account-id", default="123456789012", show_default=True, help="Account id in ARNs.")
@click.option("--region", default="us-east-1", show_default=True, help="Region in ARNs.")
@click.option("--mock-config", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Step Functions Local mock configuration (docs/testing.md). Env: SFN_MOCK_CONFIG.")
@click.argument("more_overrides", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--debug-function", default=None, metavar="NAME",
              help="Run this template function's worker under debugpy, for a debugger to attach (docs/lambda.md).")
@click.option("--debug-port", default=5678, show_default=True, help="The loopback port debugpy listens on.")
def serve(port: int, host: str, data_dir: str, template: Path | None, overrides: tuple[str, ...],
          stack_name: str | None, no_lint: bool, time_scale: float | None, account_id: str, region: str,
          mock_config: Path | None, more_overrides: tuple[str, ...], debug_function: str | None,
          debug_port: int) -> None:
    """Serve the local AWS services (boto3, AWS CLI) and the console on one port; with --template,
    run a SAM application's functions and state machines."""
    import uvicorn

    from statewright.edge import create_app
    from statewright.runtime import Runtime, RuntimeConfig
    from statewright.services.common.platform import Settings

    scale = time_scale if time_scale is not None else float(os.environ.get(TIME_SCALE_ENV) or 1.0)
    if scale <= 0:
        raise click.BadParameter("must be positive", param_hint="--time-scale")
    modules = tuple(name for name in os.environ.get(INTEGRATIONS_ENV, "").split(",") if name.strip())
    settings = Settings(data_dir=Path(data_dir), host=host, port=port, account_id=account_id,
                        region=region, time_scale=scale)
    if more_overrides and template is None:
        raise click.UsageError(f"unexpected arguments {' '.join(more_overrides)} (parameter overrides need --template)")
    mocks = _mocks(mock_config)
    from statewright.runtime_stack import DebugFunction

    config = RuntimeConfig(settings, integration_modules=modules, template=template, mock_config=mocks,
                           parameter_overrides=_overrides([*overrides, *more_overrides]),
                           stack_name=stack_name, run_lint=not no_lint, on_stack=print_stack,
                           debug_function=DebugFunction(debug_function, debug_port) if debug_function else None)
    runtime = Runtime(config)
    if template is not None:
        from statewright.template import TemplateError

        try:
            stack = runtime.load_template()
        except TemplateError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        for warning in stack.warnings if stack else ():
            click.echo(f"Warning: {warning}", err=True)
    click.echo(f"Statewright on {settings.endpoint}")
    click.echo(f"  AWS endpoint  {settings.endpoint}  (aws --endpoint-url / boto3 endpoint_url)")
    click.echo(f"  console       {settings.endpoint}/console/")
    click.echo(f"  data          {Path(data_dir).resolve()}")
    if mocks is not None:
        click.echo(f"  mocks         {mocks.source}")
    if scale != 1.0:
        click.echo(f"  time scale    {scale} (waits and timeouts run {1 / scale:g}x faster than on AWS)")
    from statewright.edge.framing import http_protocol

    # http_protocol(): requests uvicorn cannot frame are answered in AWS's error shape too.
    # SIGTERM must stop the server within seconds: requests still open after the grace period
    # (a GetActivityTask long poll, a StartSyncExecution) are cut; nothing they hold is lost.
    # No access log: at log level "warning" it printed nothing, yet each response still built
    # its message arguments.
    uvicorn.run(create_app(runtime), host=host, port=port, log_level="warning", http=http_protocol(),
                access_log=False, timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)


def _mocks(path: Path | None) -> MockConfig | None:
    """The mock configuration of --mock-config, else of SFN_MOCK_CONFIG; a bad one stops start-up."""
    from statewright.integrations.mocks import MockConfigError, load_mock_config, mock_config_from_env

    try:
        return load_mock_config(path) if path is not None else mock_config_from_env()
    except MockConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


def _overrides(pairs: list[str]) -> dict[str, str]:
    from statewright.template import TemplateError
    from statewright.template.parameters import parse_overrides

    try:
        return parse_overrides(pairs)
    except TemplateError as exc:
        raise click.BadParameter(str(exc), param_hint="--parameter-overrides") from None


def print_stack(report: StackReport) -> None:
    """The start-up listing: each resource with what runs locally, then the outputs."""
    stack = report.stack
    click.echo(f"Stack {stack.name} ({report.status}) from {stack.template_path}")
    width = max((len(entry.logical_id) for entry in report.resources), default=0)
    for entry in report.resources:
        detail = f"  {entry.detail}" if entry.detail and entry.status != "not emulated" else ""
        click.echo(f"  {entry.logical_id.ljust(width)}  {entry.type:<36} {entry.status}{detail}")
    for arn in report.removed:
        click.echo(f"  removed (no longer in the template): {arn}")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if report.api_urls:
        click.echo("APIs")
        for line in report.api_urls:
            click.echo(f"  {line}")
    if stack.outputs:
        click.echo("Outputs")
        key_width = max(len(output.key) for output in stack.outputs)
        for output in stack.outputs:
            value = ",".join(map(str, output.value)) if isinstance(output.value, list) else str(output.value)
            click.echo(f"  {output.key.ljust(key_width)}  {value}")
