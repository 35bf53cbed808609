"""Deploy a SAM/CloudFormation template's resources into a running test server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .server import StatewrightServer


@dataclass(frozen=True)
class DeployedStack:
    """What a template deployed: its outputs and each resource's physical id by logical id
    (a state machine's is its ARN)."""

    name: str
    outputs: dict[str, Any]
    physical_ids: dict[str, str]
    warnings: tuple[str, ...]

    def __getitem__(self, logical_id: str) -> str:
        return self.physical_ids[logical_id]


def deploy_template(server: StatewrightServer, path: str | Path, *,
                    parameter_overrides: Mapping[str, str] | None = None,
                    stack_name: str | None = None) -> DeployedStack:
    """Read the template (without cfn-lint, for speed) and create its resources in the server."""
    from statewright.runtime_stack import apply_stack, load_template

    runtime = server.runtime
    if runtime.store is None or runtime.engine is None:
        raise RuntimeError("the Statewright test server is not running")
    stack = load_template(Path(path), server.config.settings, parameter_overrides=parameter_overrides,
                          stack_name=stack_name, run_lint=False)
    report = apply_stack(stack, runtime.services, runtime.store, runtime.engine.clock.now(), server.endpoint)
    failed = [entry for entry in report.resources if entry.status == "failed"]
    if failed:
        problems = "; ".join(f"{entry.logical_id}: {entry.detail}" for entry in failed)
        raise RuntimeError(f"the template {path} could not be deployed: {problems}")
    return DeployedStack(stack.name, {output.key: output.value for output in stack.outputs},
                         {entry.logical_id: entry.physical_id for entry in report.resources}, report.warnings)
