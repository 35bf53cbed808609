"""How long a 20-test workflow suite takes against Statewright, run as a user runs it: a fresh
pytest process with the installed plugin (warnings as errors), from the repository root.

The suite is the two test files of docs/testing.md (9 tests: the seed workflow on real local
Lambda functions from its SAM template, and the approval callback workflow) plus 11 generated
tests of an order workflow (mocked paths in Step Functions Local's format, a retry, a day-long
wait, a callback, and in-process runs). It runs three ways:

- `reset=all`: the default, every test starts from an empty server (Lambda workers restart);
- `reset=stepfunctions`: only Step Functions is emptied between tests (warm Lambda workers;
  without the approval file, whose fixture creates a Lambda function in every test);
- the 11 generated tests alone, in the in-process mode where they can run there.

Usage: `.venv/bin/python bench/workflow_suite.py` (prints seconds per configuration).

Measured here (2 shared cores, 2026-11-30), time scale 1e-6:

    20-test workflow suite (fresh pytest process each, wall-clock seconds)
      reset=all               24.72 s   20 passed in 23.59s
      reset=stepfunctions     11.90 s   15 passed, 5 deselected in 10.70s  (without test_approval.py)
      in-process tests only    1.48 s   5 passed, 15 deselected in 0.69s

Most of the first figure is Lambda cold starts: each full reset ends the warm workers, and the
seed workflow's two python3.12 handlers take 4-6 s to start on this loaded machine (pytest
--durations). The mocked and in-process tests take tens of milliseconds each; the server starts
once per session (about 1 s).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"<!-- test-file: (?P<name>[\w.]+) -->\s*```python\n(?P<code>.*?)```", re.S)

ORDERS = '''
"""An order workflow, mocked per path."""

import json

import pytest

ORDER = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "validate", "Payload.$": "$"},
                     "ResultSelector": {"valid.$": "$.Payload.valid"}, "ResultPath": "$.validation",
                     "Next": "IsValid"},
        "IsValid": {"Type": "Choice", "Choices": [{"Variable": "$.validation.valid", "BooleanEquals": True,
                                                   "Next": "Charge"}], "Default": "Rejected"},
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "ResultPath": "$.charge",
                   "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 30,
                              "MaxAttempts": 3}],
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}], "Next": "Cool"},
        "Cool": {"Type": "Wait", "Seconds": 86400, "Next": "Done"},
        "Refund": {"Type": "Pass", "Next": "Rejected"},
        "Rejected": {"Type": "Fail", "Error": "Rejected"},
        "Done": {"Type": "Succeed"},
    },
}
OK = {"0": {"Return": {"StatusCode": 200, "Payload": {"valid": True}}}}
MOCKS = {
    "StateMachines": {"Orders": {"TestCases": {
        "Happy": {"Validate": "Valid", "Charge": "Charged"},
        "Invalid": {"Validate": "NotValid"},
        "Flaky": {"Validate": "Valid", "Charge": "Flaky"},
        "Broken": {"Validate": "Valid", "Charge": "Broken"},
    }}},
    "MockedResponses": {
        "Valid": OK, "Charged": OK,
        "NotValid": {"0": {"Return": {"StatusCode": 200, "Payload": {"valid": False}}}},
        "Flaky": {"0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "busy"}}, "2": OK["0"]},
        "Broken": {"0-3": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}}},
    },
}
PATHS = {
    "Happy": ["Validate", "IsValid", "Charge", "Cool", "Done"],
    "Invalid": ["Validate", "IsValid", "Rejected"],
    "Flaky": ["Validate", "IsValid", "Charge", "Cool", "Done"],
    "Broken": ["Validate", "IsValid", "Charge", "Refund", "Rejected"],
}


@pytest.fixture
def orders(statewright):
    statewright.load_mocks(MOCKS)
    return statewright.sfn.create_state_machine(name="Orders", definition=json.dumps(ORDER),
                                                roleArn="arn:aws:iam::123456789012:role/o")["stateMachineArn"]


@pytest.mark.parametrize("case", sorted(PATHS))
def test_a_path_on_the_server(statewright, orders, case):
    assert statewright.run(orders, {"id": 1}, test_case=case).path == PATHS[case]


@pytest.mark.parametrize("case", sorted(PATHS))
def test_a_path_in_process(statewright_local, case):
    run = statewright_local(ORDER, {"id": 1}, mocks=MOCKS, state_machine="Orders", test_case=case)
    assert run.path == PATHS[case]


def test_retries_are_in_the_history(statewright, orders):
    run = statewright.run(orders, {}, test_case="Flaky")
    assert run.event_types().count("TaskFailed") == 2


def test_a_describe_after_the_end(statewright, orders):
    run = statewright.run(orders, {}, test_case="Invalid")
    assert statewright.sfn.describe_execution(executionArn=run.execution_arn)["status"] == "FAILED"


def test_list_executions_of_the_machine(statewright, orders):
    statewright.run(orders, {}, test_case="Happy")
    assert len(statewright.sfn.list_executions(stateMachineArn=orders)["executions"]) == 1
'''


def suite(directory: Path, with_docs: bool = True) -> int:
    count = 0
    if with_docs:
        for match in _BLOCK.finditer((REPO / "docs" / "testing.md").read_text(encoding="utf-8")):
            (directory / match["name"]).write_text(match["code"], encoding="utf-8")
            count += len(re.findall(r"^def test_", match["code"], re.M))
    (directory / "test_orders.py").write_text(ORDERS, encoding="utf-8")
    return count + 11


def run(directory: Path, reset: str, selection: str = "") -> tuple[float, str]:
    (directory / "pytest.ini").write_text(f"[pytest]\nfilterwarnings =\n    error\nstatewright_reset = {reset}\nstatewright_time_scale = 0.000001\n")
    command = [sys.executable, "-m", "pytest", str(directory), "-q", "-p", "no:cacheprovider",
               "-c", str(directory / "pytest.ini"), "--rootdir", str(directory)]
    if selection:
        command += ["-k", selection]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1200)
    elapsed = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    if result.returncode != 0:
        raise SystemExit(f"the suite failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, summary


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        tests = suite(directory)
        print(f"{tests}-test workflow suite (fresh pytest process each, wall-clock seconds)")
        elapsed, summary = run(directory, "all")
        print(f"  reset=all              {elapsed:6.2f} s   {summary}")
        # The approval file creates its Lambda function in every test: it needs a full reset.
        elapsed, summary = run(directory, "stepfunctions", "not test_approval")
        print(f"  reset=stepfunctions    {elapsed:6.2f} s   {summary}  (without test_approval.py)")
        elapsed, summary = run(directory, "all", "in_process")
        print(f"  in-process tests only  {elapsed:6.2f} s   {summary}")


if __name__ == "__main__":
    main()
