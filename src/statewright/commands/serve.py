"""`statewright serve`: the local AWS endpoint (Step Functions today) and the console."""

from __future__ import annotations

import os
from pathlib import Path

import click

from statewright.engine.clock import TIME_SCALE_ENV

INTEGRATIONS_ENV = "STATEWRIGHT_INTEGRATIONS"
SHUTDOWN_GRACE_SECONDS = 3


@click.command()
@click.option("--port", default=4590, show_default=True, help="TCP port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--data-dir", default=".statewright", show_default=True, type=click.Path(file_okay=False),
              help="Directory of the SQLite database (created if missing).")
@click.option("--template", default=None, type=click.Path(dir_okay=False),
              help="SAM template to load resources from (a later release).")
@click.option("--time-scale", default=None, type=float,
              help=f"Multiply every wait, timeout and backoff by this (tests: 0.001). Env: {TIME_SCALE_ENV}.")
@click.option("--account-id", default="123456789012", show_default=True, help="Account id in ARNs.")
@click.option("--region", default="us-east-1", show_default=True, help="Region in ARNs.")
def serve(port: int, host: str, data_dir: str, template: str | None, time_scale: float | None,
          account_id: str, region: str) -> None:
    """Serve the AWS Step Functions API (boto3, AWS CLI) and the console on one port."""
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
    config = RuntimeConfig(settings, integration_modules=modules)
    if template:
        click.echo(f"Note: --template {template} was given; loading SAM templates comes in a later release.")
    click.echo(f"Statewright on {settings.endpoint}")
    click.echo(f"  AWS endpoint  {settings.endpoint}  (aws --endpoint-url / boto3 endpoint_url)")
    click.echo(f"  console       {settings.endpoint}/console/")
    click.echo(f"  data          {Path(data_dir).resolve()}")
    if scale != 1.0:
        click.echo(f"  time scale    {scale} (waits and timeouts run {1 / scale:g}x faster than on AWS)")
    # SIGTERM must stop the server within seconds: requests still open after the grace period
    # (a GetActivityTask long poll, a StartSyncExecution) are cut; nothing they hold is lost.
    uvicorn.run(create_app(Runtime(config)), host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS)
