"""`statewright run`: run a definition in memory and print how it ended."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.model import Definition
from statewright.integrations.runner import RunResult
from statewright.integrations.runner import run as run_execution


def _load_input(text: str | None) -> object:
    if text is None:
        return {}
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"--input is not valid JSON: {exc}") from exc


@click.command("run")
@click.argument("definition_file", metavar="DEFINITION_FILE|MACHINE")
@click.option("--input", "input_text", help="The execution input, as JSON text.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the state machine MACHINE (logical id, name or ARN) of this SAM template, "
                   "its Lambda functions in local workers.")
@click.option("--parameter-overrides", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Template parameter values (KEY=VALUE ...).")
@click.option("--data-dir", default=".statewright", show_default=True, type=click.Path(file_okay=False),
              help="With --template: where Lambda keeps its caches (requirements, runtimes).")
@click.option("--history", is_flag=True, help="Print the history events too.")
@click.option("--repeat", type=int, default=1, show_default=True,
              help="Run N times in-process and report speed.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def run(definition_file: str, input_text: str | None, template: Path | None, overrides: tuple[str, ...],
        data_dir: str, history: bool, repeat: int, as_json: bool) -> None:
    """Run DEFINITION_FILE (Amazon States Language) in memory and print its output.

    Without --template, Task states run through the same integrations as the server's, with no
    Lambda functions deployed: a function call fails as Lambda.ResourceNotFoundException. With
    --template T, MACHINE is one of T's state machines and its functions run in real workers.
    """
    execution_input = _load_input(input_text)
    if template is not None:
        from .run_template import run_template_machine

        with run_template_machine(template, definition_file, list(overrides), Path(data_dir)) as (definition, options):
            if repeat > 1:
                _benchmark(definition, execution_input, repeat, history, options)
                return
            result = run_execution(definition, execution_input, record=True, **options)
            _report(result, history, as_json)
        return
    path = Path(definition_file)
    if not path.is_file():
        raise click.BadParameter(f"file {definition_file!r} does not exist", param_hint="DEFINITION_FILE")
    try:
        definition = parse_definition(path.read_text())
    except DefinitionError as exc:
        for diag in exc.diagnostics:
            click.echo(f"{diag.code}: {diag.message} at {diag.location or '/'}", err=True)
        sys.exit(2)
    if repeat > 1:
        _benchmark(definition, execution_input, repeat, history, {})
        return
    _report(run_execution(definition, execution_input, record=True), history, as_json)


def _report(result: RunResult, history: bool, as_json: bool) -> None:
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


def _benchmark(definition: Definition, execution_input: object, repeat: int, history: bool,
               options: dict[str, Any]) -> None:
    transitions = 0
    started = time.perf_counter()
    for _ in range(repeat):
        transitions += run_execution(definition, execution_input, record=history, **options).transitions
    elapsed = max(time.perf_counter() - started, 1e-9)
    click.echo(json.dumps({"executions_per_s": round(repeat / elapsed, 1),
                           "transitions_per_s": round(transitions / elapsed, 1),
                           "executions": repeat, "transitions": transitions}))
