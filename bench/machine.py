"""What machine and which versions a benchmark ran on, so numbers are never quoted bare."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "absent"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _package_version(path: Path) -> str:
    try:
        return str(json.loads(path.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "absent"


def describe() -> dict:
    venv = HERE.parent / ".venv" / "bin" / "python"
    moto = HERE / ".peers" / "venv" / "bin" / "python"
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": _output([str(venv), "-c", "import sys; print(sys.version.split()[0])"]),
        "node": _output(["node", "--version"]),
        "aws_local_stepfunctions": _package_version(
            HERE / ".peers" / "node_modules" / "aws-local-stepfunctions" / "package.json"),
        "moto": _output([str(moto), "-c", "import moto; print(moto.__version__)"]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
