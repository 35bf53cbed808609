"""`statewright outputs`: a template's outputs with local values, as text or DescribeStacks JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from statewright.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "template" / "fixtures"
ORDERS = str(FIXTURES / "orders-api" / "template.yaml")


def test_prints_each_output_with_its_local_value():
    result = CliRunner().invoke(main, ["outputs", "--template", ORDERS, "--no-lint"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert lines["OrdersApi"].startswith("http://127.0.0.1:4590/restapis/")
    assert lines["OrdersTableName"].startswith("orders-api-OrdersTable-")
    assert "is not emulated locally" in result.stderr


def test_json_with_overrides_and_endpoint():
    result = CliRunner().invoke(main, ["outputs", "--template", ORDERS, "--json", "--endpoint", "http://localhost:8000",
                                       "--parameter-overrides", "Stage=prod", "LogRetentionDays=30", "--no-lint"])
    assert result.exit_code == 0, result.output
    described = json.loads(result.stdout)
    assert described["StackName"] == "orders-api"
    outputs = {item["OutputKey"]: item for item in described["Outputs"]}
    assert outputs["ProdOnly"]["OutputValue"] == "production"
    assert outputs["OrdersApi"]["OutputValue"].startswith("http://localhost:8000/restapis/")
    assert outputs["OrdersApi"]["Description"] == "API Gateway endpoint URL for the Prod stage"
    assert outputs["OrdersTableName"]["ExportName"] == "orders-api-OrdersTable"


def test_a_template_error_exits_non_zero_with_the_place():
    result = CliRunner().invoke(main, ["outputs", "--template", ORDERS, "--parameter-overrides", "Stage=qa"])
    assert result.exit_code == 1
    assert "Error: Stage.AllowedValues: 'qa' is not one of the AllowedValues" in result.stderr
