"""`statewright validate`: check a definition the way CreateStateMachine would."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from statewright.asl.validate import validate as validate_definition


@click.command("validate")
@click.argument("definition_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(definition_file: Path) -> None:
    """Print the diagnostics of DEFINITION_FILE; exit non-zero when it has errors."""
    diagnostics = validate_definition(definition_file.read_text())
    for diag in diagnostics:
        click.echo(f"{diag.severity} {diag.code}: {diag.message} at {diag.location or '/'}")
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    if not errors:
        click.echo("OK: the definition is valid")
    sys.exit(1 if errors else 0)
