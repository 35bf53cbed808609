"""`statewright validate`: diagnostics with locations, exit status."""

from __future__ import annotations

import json

from click.testing import CliRunner

from statewright.cli import main


def test_a_valid_definition_passes(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert "OK" in result.output


def test_every_problem_is_listed_and_the_exit_status_is_non_zero(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nowhere"},
        "B": {"Type": "Wait", "End": True},
    }}))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert len(lines) >= 2
    assert any("/States/A/Next" in line for line in lines)
    assert any("/States/B" in line for line in lines)


def test_invalid_json_is_reported(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "INVALID_JSON_DESCRIPTION" in result.output
