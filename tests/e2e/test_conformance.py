"""The AWS-recorded conformance cases, run black-box through the server with boto3.

Uses the shared runner (`../shared/conformance/run.py`); skipped where it is absent. The time
scale makes the recorded Waits fast. The score is recorded in docs/server.md.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .server import REPO, ThreadServer, free_port

RUNNER = REPO.parent / "shared" / "conformance" / "run.py"
# Cases the black-box runner cannot reproduce: AWS's recording called StopExecution on a
# 60 s Wait, and the runner only starts executions and waits for them.
UNREACHABLE_BY_RUNNER = {"tests/aws/services/stepfunctions/v2/test_sfn_api.py::TestSnfApi::test_stop_execution"}
CASES = RUNNER.parent / "cases.jsonl"


def time_dependent_cases() -> set[str]:
    """Cases whose input is a date relative to the day AWS recorded them (`input_time_dependent`):
    a Wait until "recording day + 24,856 days" was too long then and is not today. The runner
    sends the recorded input at today's time, so their outcome depends on the calendar; the
    in-process run (tests/conformance) replays them at a fixed clock and asserts them there."""
    if not CASES.exists():
        return set()
    ids = set()
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        if case.get("input_time_dependent"):
            ids.add(case["id"])
    return ids


@pytest.mark.skipif(not RUNNER.exists(), reason="../shared/conformance is not here")
def test_conformance_through_the_server(tmp_path):
    config = RuntimeConfig(Settings(data_dir=tmp_path / "data", port=free_port(), time_scale=0.001))
    report = tmp_path / "report.json"
    with ThreadServer(config) as server:
        done = subprocess.run([sys.executable, str(RUNNER), "--endpoint", server.endpoint,
                               "--report", str(report), "--timeout", "60"],
                              capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    score = re.search(r"conformance: (\d+)/(\d+) passed", done.stdout)
    assert score is not None, done.stdout[-2000:]
    print(score.group(0))
    failed = {result["id"].split("#")[0]: result["why"] for result in json.loads(report.read_text())
              if not result["ok"]}
    assert set(failed) <= UNREACHABLE_BY_RUNNER | time_dependent_cases(), failed
