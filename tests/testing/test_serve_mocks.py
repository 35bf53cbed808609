"""`statewright serve --mock-config` / SFN_MOCK_CONFIG: a bad file stops start-up with its path,
the JSON path and what is wrong."""

from __future__ import annotations

import json

from click.testing import CliRunner

from statewright.commands.serve import serve


def test_a_bad_mock_file_stops_start_up_naming_the_file_and_the_path(tmp_path):
    bad = tmp_path / "mocks.json"
    bad.write_text(json.dumps({"StateMachines": {"M": {"TestCases": {"Happy": {"S": "Missing"}}}},
                               "MockedResponses": {}}))
    result = CliRunner().invoke(serve, ["--mock-config", str(bad), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert f"{bad}: $.StateMachines.M.TestCases.Happy.S: names the mocked response 'Missing'" in result.output


def test_the_environment_variable_is_read_when_no_option_is_given(tmp_path):
    bad = tmp_path / "env-mocks.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(serve, ["--data-dir", str(tmp_path / "d")], env={"SFN_MOCK_CONFIG": str(bad)})
    assert result.exit_code == 1
    assert f"{bad}: not JSON" in result.output


def test_a_missing_file_is_named(tmp_path):
    result = CliRunner().invoke(serve, ["--mock-config", str(tmp_path / "nope.json"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "nope.json: cannot read the mock configuration" in result.output
