"""Applying a template to the services (runtime_stack.py), through the Runtime without HTTP:
what each resource becomes, and what a changed template does to the previous run's resources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from statewright.runtime import Runtime, RuntimeConfig
from statewright.runtime_stack import function_config, layer_dirs
from statewright.services.common import RequestContext
from statewright.services.common.platform import Settings
from statewright.template import StackResource, TemplateError

APP = Path(__file__).parent / "e2e" / "sam_app"


def open_runtime(template: Path, data_dir: Path, **options) -> Runtime:
    runtime = Runtime(RuntimeConfig(Settings(data_dir=data_dir), template=template, run_lint=False, **options))
    runtime.open()
    return runtime


def test_each_resource_becomes_its_local_counterpart(tmp_path):
    runtime = open_runtime(APP / "template.yaml", tmp_path, parameter_overrides={"Stage": "prod"})
    try:
        report = runtime.stack_report
        assert report is not None and report.status == "CREATE_COMPLETE"
        statuses = {entry.logical_id: entry.status for entry in report.resources}
        lam = runtime.services["lambda"]
        echo = lam.lookup_name(str(report.stack.resource("EchoFunction").physical_id)).config
        machines = runtime.services["stepfunctions"].handle("ListStateMachines", {}, RequestContext())
    finally:
        runtime.close()
    assert statuses["EchoFunction"] == "running" and statuses["MainMachine"] == "created"
    assert statuses["WorkQueue"] == "not emulated" and statuses["EchoFunctionRole"] == "kept"
    assert echo.environment == {"STAGE": "prod", "SHARED": "from-globals", "OWN": "prod-own"}
    assert echo.memory_size == 256 and echo.timeout == 10 and echo.handler == "app.echo"
    assert echo.layers == (str((APP / "layer").resolve()),)
    assert echo.code_dir == str((APP / "src").resolve())
    assert {m["name"].split("-")[0] for m in machines["stateMachines"]} == {"MainMachine", "CallbackMachine",
                                                                            "ParentMachine"}


def test_a_dropped_state_machine_is_removed_and_an_api_made_one_kept(tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    template = tmp_path / "app" / "template.yaml"
    runtime = open_runtime(template, tmp_path / "data")
    sfn = runtime.services["stepfunctions"]
    try:
        callback = str(runtime.stack.resource("CallbackMachine").physical_id)  # type: ignore[union-attr]
        mine, _ = sfn.put_state_machine(RequestContext(), name="made-by-hand", role_arn="arn:aws:iam::123456789012:role/r",
                                        definition='{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')
    finally:
        runtime.close()
    text = template.read_text()
    text = text[:text.index("  CallbackMachine:")] + text[text.index("  ParentMachine:"):]
    template.write_text(text.replace("  CallbackMachineArn:\n    Value: !Ref CallbackMachine\n", ""))
    runtime = open_runtime(template, tmp_path / "data")
    try:
        report = runtime.stack_report
        store = runtime.store
        assert report is not None and report.removed == (callback,) and report.status == "UPDATE_COMPLETE"
        assert store.get_resource(callback) is None
        assert store.get_resource(mine) is not None
        assert "CallbackMachine" not in {entry.logical_id for entry in report.resources}
    finally:
        runtime.close()


def test_a_template_error_stops_open_before_anything_is_built(tmp_path):
    bad = tmp_path / "template.yaml"
    bad.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
                   "      Role: !GetAtt Nope.Arn\n")
    runtime = Runtime(RuntimeConfig(Settings(data_dir=tmp_path / "data"), template=bad, run_lint=False))
    with pytest.raises(TemplateError) as raised:
        runtime.open()
    assert "Fn" in str(raised.value) and "Nope" in str(raised.value)
    assert runtime.store is None and runtime.services == {}


def test_function_config_maps_properties_and_warns_of_foreign_layers():
    layer = StackResource("Layer", "AWS::Lambda::LayerVersion", {"Content": "/layers/one"},
                          "arn:aws:lambda:us-east-1:123456789012:layer:one:1",
                          {"LayerVersionArn": "arn:aws:lambda:us-east-1:123456789012:layer:one:1"})
    function = StackResource("Fn", "AWS::Lambda::Function", {
        "Code": "/code", "Handler": "app.handler", "Runtime": "python3.11", "Timeout": "7", "MemorySize": 512,
        "ReservedConcurrentExecutions": 2, "Role": "arn:aws:iam::123456789012:role/r",
        "Environment": {"Variables": {"N": 5, "FLAG": True, "S": "text"}},
        "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:one:1", "arn:aws:lambda:us-east-1:999:layer:x:3"],
        "LoggingConfig": {"LogFormat": "JSON"}, "Tags": [{"Key": "team", "Value": "a"}]}, "stack-Fn-X", {})

    class OneLayer:
        def of_type(self, resource_type: str) -> list[StackResource]:
            return [layer] if resource_type == layer.type else []

    warnings: list[str] = []
    config = function_config(function, layer_dirs(OneLayer()), warnings)  # type: ignore[arg-type]
    assert (config.name, config.timeout, config.memory_size, config.reserved_concurrency) == ("stack-Fn-X", 7, 512, 2)
    assert config.environment == {"N": "5", "FLAG": "true", "S": "text"}
    assert config.layers == ("/layers/one",)
    # GetFunction lists every declared layer by ARN, the foreign one too (as AWS does).
    assert config.layer_arns == ("arn:aws:lambda:us-east-1:123456789012:layer:one:1",
                                 "arn:aws:lambda:us-east-1:999:layer:x:3")
    assert config.logging_config == {"LogFormat": "JSON"} and config.tags == {"team": "a"}
    assert len(warnings) == 1 and "layer:x:3" in warnings[0]


def test_a_property_the_service_cannot_use_fails_that_resource_only(tmp_path):
    template = tmp_path / "template.yaml"
    code = tmp_path / "src"
    code.mkdir()
    template.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
                        "      Code: src\n      Handler: app.handler\n      Runtime: python3.11\n"
                        "      Role: arn:aws:iam::123456789012:role/r\n      Timeout: soon\n"
                        "  Ok:\n    Type: AWS::Logs::LogGroup\n")
    runtime = open_runtime(template, tmp_path / "data")
    try:
        report = runtime.stack_report
    finally:
        runtime.close()
    assert report is not None
    statuses = {entry.logical_id: entry.status for entry in report.resources}
    assert statuses == {"Fn": "failed", "Ok": "running"}
    assert any("Fn" in warning and "soon" in warning for warning in report.warnings)


def test_every_api_stage_url_is_listed_for_serve(tmp_path):
    """What `serve` prints under "APIs": each stage's path-style and host-style URL."""
    runtime = open_runtime(Path(__file__).parent / "services" / "apigateway" / "app" / "template.yaml", tmp_path)
    try:
        report = runtime.stack_report
        endpoint = runtime.config.settings.endpoint.rstrip("/")
    finally:
        runtime.close()
    assert report is not None
    rest_id = report.stack.resource("RestApi").physical_id
    http_id = report.stack.resource("HttpApi").physical_id
    port = endpoint.rsplit(":", 1)[1]
    # SAM names both APIs after the stack ("app").
    assert (f"app (REST, stage dev): {endpoint}/restapis/{rest_id}/dev/_user_request_/"
            f"  or http://{rest_id}.execute-api.localhost:{port}/dev/") in report.api_urls
    assert (f"app (HTTP, stage $default): {endpoint}/restapis/{http_id}/$default/_user_request_/"
            f"  or http://{http_id}.execute-api.localhost:{port}/") in report.api_urls
