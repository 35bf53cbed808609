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


def test_without_a_template_asks_the_running_server(tmp_path):
    from tests.e2e.server import ThreadServer, free_port

    from statewright.runtime import RuntimeConfig
    from statewright.services.common.platform import Settings

    template = FIXTURES.parent.parent / "e2e" / "sam_app" / "template.yaml"
    settings = Settings(data_dir=tmp_path, port=free_port())
    with ThreadServer(RuntimeConfig(settings, template=template, run_lint=False)) as server:
        text = CliRunner().invoke(main, ["outputs", "--endpoint", server.endpoint])
        as_json = CliRunner().invoke(main, ["outputs", "--endpoint", server.endpoint, "--json"])
    assert text.exit_code == 0, text.output
    lines = dict(line.split(None, 1) for line in text.stdout.splitlines())
    assert lines["StageName"] == "dev"
    assert lines["MainMachineArn"].startswith("arn:aws:states:us-east-1:123456789012:stateMachine:MainMachine-")
    described = json.loads(as_json.stdout)
    assert described["StackName"] == "sam-app"
    assert {o["OutputKey"] for o in described["Outputs"]} >= {"StageName", "QueueUrl"}


def test_without_a_template_or_server_exits_non_zero():
    from tests.e2e.server import free_port

    result = CliRunner().invoke(main, ["outputs", "--endpoint", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert "cannot read the stack" in result.stderr
