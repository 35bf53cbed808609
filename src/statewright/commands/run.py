"""`statewright run`: run a definition in memory and print how it ended."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.model import Definition
from statewright.integrations.runner import run as run_execution


def _load_input(text: str | None) -> object:
    if text is None:
        return {}
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"--input is not valid JSON: {exc}") from exc


@click.command("run")
@click.argument("definition_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--input", "input_text", help="The execution input, as JSON text.")
@click.option("--history", is_flag=True, help="Print the history events too.")
@click.option("--repeat", type=int, default=1, show_default=True,
              help="Run N times in-process and report speed.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def run(definition_file: Path, input_text: str | None, history: bool, repeat: int, as_json: bool) -> None:
    """Run DEFINITION_FILE (Amazon States Language) in memory and print its output.

    Task states run through the same integrations as the server's, with no Lambda functions
    deployed: a function call fails as Lambda.ResourceNotFoundException. Use the server for those.
    """
    try:
        definition = parse_definition(definition_file.read_text())
    except DefinitionError as exc:
        for diag in exc.diagnostics:
            click.echo(f"{diag.code}: {diag.message} at {diag.location or '/'}", err=True)
        sys.exit(2)
    execution_input = _load_input(input_text)
    if repeat > 1:
        _benchmark(definition, execution_input, repeat, history)
        return
    result = run_execution(definition, execution_input, record=True)
    if as_json:
        body = {"status": result.status, "output": result.output, "error": result.error,
                "cause": result.cause}
        if history:
            body["events"] = result.events
        click.echo(json.dumps(body, indent=2))
    else:
        if history:
            for event in result.events:
                click.echo(json.dumps(event))
        if result.status == "SUCCEEDED":
            click.echo(json.dumps(result.output, indent=2))
        else:
            click.echo(f"{result.status}: {result.error}: {result.cause}", err=True)
    sys.exit(0 if result.status == "SUCCEEDED" else 1)


def _benchmark(definition: Definition, execution_input: object, repeat: int, history: bool) -> None:
    transitions = 0
    started = time.perf_counter()
    for _ in range(repeat):
        transitions += run_execution(definition, execution_input, record=history).transitions
    elapsed = max(time.perf_counter() - started, 1e-9)
    click.echo(json.dumps({"executions_per_s": round(repeat / elapsed, 1),
                           "transitions_per_s": round(transitions / elapsed, 1),
                           "executions": repeat, "transitions": transitions}))
