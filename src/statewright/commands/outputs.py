"""`statewright outputs`: a template's Outputs resolved to their local values."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click


@click.command("outputs")
@click.option("--template", "template_file", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SAM/CloudFormation template. Without it, the outputs come from the running server "
                   "at --endpoint (CloudFormation DescribeStacks).")
@click.option("--parameter-overrides", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Template parameter values, as `sam deploy` takes them (KEY=VALUE ...).")
@click.option("--region", default="us-east-1", show_default=True, help="Region in ARNs.")
@click.option("--account-id", default="123456789012", show_default=True, help="Account id in ARNs.")
@click.option("--stack-name", default=None, help="Stack name (default: the template's folder name).")
@click.option("--endpoint", default=None, help="With --template, the endpoint local URLs point at; without, the server to ask "
                   "[default: http://127.0.0.1:4590].")
@click.option("--json", "as_json", is_flag=True, help="Print DescribeStacks-shaped JSON.")
@click.option("--no-lint", is_flag=True, help="Skip cfn-lint.")
@click.argument("more_overrides", nargs=-1, metavar="[KEY=VALUE]...")
def outputs(template_file: Path | None, overrides: tuple[str, ...], region: str, account_id: str,
            stack_name: str | None, endpoint: str | None, as_json: bool, no_lint: bool,
            more_overrides: tuple[str, ...]) -> None:
    """Print the Outputs of TEMPLATE as they resolve locally (AWS URLs become local ones), or
    those of the stack a running `statewright serve --template` loaded."""
    if template_file is None:
        if overrides or more_overrides:
            raise click.UsageError("parameter overrides need --template (the server's stack has its own)")
        _from_server(endpoint or "http://127.0.0.1:4590", stack_name, region, as_json)
        return
    from statewright.template import DEFAULT_ENDPOINT, TemplateError, load_stack
    from statewright.template.parameters import parse_overrides

    # The SAM translator logs its feature-toggle lookups as warnings; they say nothing about the template.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    try:
        # `--parameter-overrides A=1 B=2` leaves `B=2` as an argument; take it as an override too.
        parameters = parse_overrides([*overrides, *more_overrides])
        stack = load_stack(template_file, parameter_overrides=parameters, region=region, account=account_id,
                           stack_name=stack_name, endpoint=endpoint or DEFAULT_ENDPOINT, run_lint=not no_lint)
    except TemplateError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    for warning in stack.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if as_json:
        described = [{"OutputKey": output.key, "OutputValue": _text(output.value),
                      **({"Description": output.description} if output.description else {}),
                      **({"ExportName": output.export_name} if output.export_name else {})}
                     for output in stack.outputs]
        click.echo(json.dumps({"StackName": stack.name, "Outputs": described}, indent=2))
        return
    if not stack.outputs:
        click.echo("The template has no Outputs.")
        return
    width = max(len(output.key) for output in stack.outputs)
    for output in stack.outputs:
        click.echo(f"{output.key.ljust(width)}  {_text(output.value)}")


def _text(value: object) -> str:
    # CloudFormation outputs are strings; a list (from Fn::Split or a list parameter) is shown joined.
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _from_server(endpoint: str, stack_name: str | None, region: str, as_json: bool) -> None:
    """The outputs of the server's stack (or of `stack_name`), through CloudFormation's DescribeStacks."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("cloudformation", endpoint_url=endpoint, region_name=region, aws_access_key_id="local",
                          aws_secret_access_key="local", config=Config(retries={"max_attempts": 1}))
    try:
        stacks = client.describe_stacks(**({"StackName": stack_name} if stack_name else {}))["Stacks"]
    except (BotoCoreError, ClientError) as exc:
        click.echo(f"Error: cannot read the stack from {endpoint}: {exc}", err=True)
        sys.exit(1)
    finally:
        client.close()
    if not stacks:
        click.echo(f"Error: the server at {endpoint} has no stack (start it with --template)", err=True)
        sys.exit(1)
    if len(stacks) > 1:
        names = ", ".join(stack["StackName"] for stack in stacks)
        click.echo(f"Error: the server has several stacks ({names}); choose one with --stack-name", err=True)
        sys.exit(1)
    stack = stacks[0]
    if as_json:
        click.echo(json.dumps({"StackName": stack["StackName"], "Outputs": stack.get("Outputs", [])}, indent=2))
        return
    described = stack.get("Outputs", [])
    if not described:
        click.echo("The stack has no Outputs.")
        return
    width = max(len(output["OutputKey"]) for output in described)
    for output in described:
        click.echo(f"{output['OutputKey'].ljust(width)}  {output['OutputValue']}")
