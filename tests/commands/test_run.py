"""`statewright run`: output, errors, history and the speed check."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from statewright.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, definition: dict) -> str:
    path = tmp_path / "machine.asl.json"
    path.write_text(json.dumps(definition))
    return str(path)


def test_prints_the_output(tmp_path):
    path = _write(tmp_path, {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"x": 1},
                                                               "ResultPath": "$.r", "End": True}}})
    result = CliRunner().invoke(main, ["run", path, "--input", '{"a": 2}'])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"a": 2, "r": {"x": 1}}


def test_history_lists_events_in_order(tmp_path):
    path = _write(tmp_path, {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    result = CliRunner().invoke(main, ["run", path, "--history", "--json"])
    body = json.loads(result.output)
    assert [e["type"] for e in body["events"]] == ["ExecutionStarted", "PassStateEntered",
                                                   "PassStateExited", "ExecutionSucceeded"]
    assert [e["id"] for e in body["events"]] == [1, 2, 3, 4]


def test_a_failed_execution_exits_non_zero_with_error_and_cause(tmp_path):
    path = _write(tmp_path, {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope",
                                                               "Cause": "because"}}})
    result = CliRunner().invoke(main, ["run", path])
    assert result.exit_code == 1
    assert "FAILED: Nope: because" in result.output


def test_an_invalid_definition_is_reported_with_its_location(tmp_path):
    path = _write(tmp_path, {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}})
    result = CliRunner().invoke(main, ["run", path])
    assert result.exit_code == 2
    assert "/States/A/Next" in result.output


def test_bad_input_json_is_a_usage_error(tmp_path):
    path = _write(tmp_path, {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    result = CliRunner().invoke(main, ["run", path, "--input", "{not json"])
    assert result.exit_code == 2
    assert "--input is not valid JSON" in result.output


def test_repeat_reports_speed_as_json():
    workload = ROOT / "bench" / "workloads" / "choice_loop.asl.json"
    result = CliRunner().invoke(main, ["run", str(workload), "--input", '{"i": 0}', "--repeat", "5", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["executions"] == 5
    # 100 rounds of Choice + Pass, then the Choice that leaves and the Succeed: 202 transitions each.
    assert body["transitions"] == 5 * 202
    assert body["executions_per_s"] > 0 and body["transitions_per_s"] > body["executions_per_s"]


def test_runs_the_jsonata_example():
    example = ROOT / "examples" / "jsonata-order"
    result = CliRunner().invoke(main, ["run", str(example / "statemachine.asl.json"), "--input",
                                       (example / "input.json").read_text()])
    assert result.exit_code == 0, result.output


SAM_APP = str(Path(__file__).resolve().parents[1] / "e2e" / "sam_app" / "template.yaml")


def test_template_machine_runs_with_its_real_handlers(tmp_path):
    result = CliRunner().invoke(main, ["run", "--template", SAM_APP, "MainMachine", "--input", '{"n": 4}',
                                       "--parameter-overrides", "Stage=prod", "--data-dir", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["status"] == "SUCCEEDED"
    assert body["output"]["doubled"] == 8
    assert body["output"]["echo"]["echo"]["env"]["STAGE"] == "prod"
    assert body["output"]["echo"]["echo"]["layer"] == "from-the-layer"


def test_template_machine_that_does_not_exist_lists_the_machines(tmp_path):
    result = CliRunner().invoke(main, ["run", "--template", SAM_APP, "Nope", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "'Nope' is not a state machine" in result.output and "MainMachine" in result.output
