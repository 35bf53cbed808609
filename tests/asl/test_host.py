"""asl.host: the Stepper's mixins are type-checked through StepHost, at no run-time cost.

The checking itself is mypy's: these tests make sure it stays on (strict, not excluded, not
ignored) for the step and the engine, that the step passes it, and that StepHost is empty at
run time.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from statewright.asl.fanout import FanoutHandlers
from statewright.asl.host import StepHost
from statewright.asl.states import StateHandlers
from statewright.asl.step import Stepper
from statewright.asl.tasks import TaskHandlers

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("statewright.asl.*", "statewright.engine.*")


def test_step_host_adds_nothing_at_run_time() -> None:
    # Its declarations are for the type checker only: no attribute or method to look up.
    assert [name for name in vars(StepHost) if not name.startswith("__")] == []
    for mixin in (StateHandlers, TaskHandlers, FanoutHandlers):
        assert issubclass(mixin, StepHost)
    assert issubclass(Stepper, StepHost)


def test_mypy_checks_the_step_and_the_engine_strictly() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert "exclude" not in config and not config.get("ignore_errors")
    for module in CHECKED:
        overrides = [o for o in config.get("overrides", []) if module in o["module"]]
        assert overrides, f"no mypy override names {module}"
        assert any(o.get("strict") for o in overrides), f"{module} is not checked strictly"
        assert not any(o.get("ignore_errors") for o in overrides), f"{module} ignores its errors"


def test_the_step_and_the_engine_pass_mypy() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         str(ROOT / "src/statewright/asl"), str(ROOT / "src/statewright/engine")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
