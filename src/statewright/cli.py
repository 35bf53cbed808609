"""The `statewright` command: a group whose subcommands live one per module in `commands/`."""

from __future__ import annotations

import importlib

import click

# (module under statewright.commands, attribute) for each subcommand; imported when first used so
# that `statewright --help` stays fast and one broken command cannot take the others down.
_COMMANDS = {
    "run": ("run", "run"),
    "validate": ("validate", "validate"),
    "serve": ("serve", "serve"),
    "outputs": ("outputs", "outputs"),
    "logs": ("logs", "logs"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module_name, attr = _COMMANDS[cmd_name]
        try:
            module = importlib.import_module(f"statewright.commands.{module_name}")
        except ModuleNotFoundError:
            return None
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(package_name="statewright")
def main() -> None:
    """Statewright: run AWS Step Functions workflows locally, durably and fast."""
