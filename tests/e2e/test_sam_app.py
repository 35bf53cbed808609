"""A SAM application run by the real server (`serve --template`), through boto3 and the AWS CLI:
template features, handlers in local workers, Step Functions calling them, CloudFormation's view
of the stack, and reload on change across a restart."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from statewright.runtime import RuntimeConfig
from statewright.runtime_stack import StackReport
from statewright.services.common.platform import Settings

from .server import REPO, ProcessServer, ThreadServer, client, free_port

APP = Path(__file__).parent / "sam_app"
AWS = shutil.which("aws", path=str(Path(sys.executable).parent))
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The test app served with `Stage=prod`; yields (server, the stack report it printed)."""
    reports: list[StackReport] = []
    settings = Settings(data_dir=tmp_path_factory.mktemp("sam-data"), port=free_port(), time_scale=0.001)
    config = RuntimeConfig(settings, template=APP / "template.yaml", parameter_overrides={"Stage": "prod"},
                           on_stack=reports.append)
    with ThreadServer(config) as running:
        yield running, reports[0]


@pytest.fixture(scope="module")
def outputs(app):
    server, report = app
    cfn = client(server.endpoint, "cloudformation")
    stack = cfn.describe_stacks(StackName=report.stack.name)["Stacks"][0]
    cfn.close()
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


@pytest.fixture
def lam(app):
    made = client(app[0].endpoint, "lambda")
    yield made
    made.close()


@pytest.fixture
def sfn(app):
    made = client(app[0].endpoint)
    yield made
    made.close()


def invoke(lam, name: str, event: object) -> tuple[dict, object]:
    answer = lam.invoke(FunctionName=name, Payload=json.dumps(event).encode())
    return answer, json.loads(answer["Payload"].read())


def run_to_end(sfn, machine: str, execution_input: object, timeout: float = 60.0) -> dict:
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(execution_input))["executionArn"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] in TERMINAL:
            return described
        time.sleep(0.02)
    raise AssertionError(f"{arn} still running")


def function_name(report: StackReport, logical_id: str) -> str:
    return str(report.stack.resource(logical_id).physical_id)


# --- CloudFormation's view of the stack ---------------------------------------------------------------

def test_describe_stacks_has_local_outputs_and_masked_parameters(app, outputs):
    server, report = app
    cfn = client(server.endpoint, "cloudformation")
    stack = cfn.describe_stacks(StackName=report.stack.name)["Stacks"][0]
    cfn.close()
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]} == {"Stage": "prod", "Secret": "****"}
    assert outputs["StageName"] == "prod"
    assert outputs["MainMachineArn"].startswith("arn:aws:states:us-east-1:123456789012:stateMachine:MainMachine-")
    assert outputs["EchoFunctionName"] == function_name(report, "EchoFunction")
    assert stack["StackId"].startswith(f"arn:aws:cloudformation:us-east-1:123456789012:stack/{report.stack.name}/")


def test_stack_resources_have_physical_ids_and_not_emulated_reasons(app):
    server, report = app
    cfn = client(server.endpoint, "cloudformation")
    summaries = {r["LogicalResourceId"]: r for r in
                 cfn.list_stack_resources(StackName=report.stack.name)["StackResourceSummaries"]}
    detail = cfn.describe_stack_resource(StackName=report.stack.name, LogicalResourceId="EchoFunction")
    by_physical = cfn.describe_stack_resources(PhysicalResourceId=function_name(report, "EchoFunction"))
    with pytest.raises(ClientError) as missing:
        cfn.describe_stacks(StackName="no-such-stack")
    cfn.close()
    assert summaries["EchoFunction"]["PhysicalResourceId"] == function_name(report, "EchoFunction")
    assert summaries["EchoFunction"]["ResourceStatus"] == "CREATE_COMPLETE"
    layers = [r for key, r in summaries.items() if key.startswith("SharedLayer")]  # SAM adds a hash
    assert [r["ResourceType"] for r in layers] == ["AWS::Lambda::LayerVersion"]
    assert summaries["RunLogs"]["ResourceType"] == "AWS::Logs::LogGroup"
    assert "EchoFunctionRole" in summaries  # made by the SAM transform, kept for IAM
    assert "does not emulate AWS::SQS::Queue" in summaries["WorkQueue"]["ResourceStatusReason"]
    assert "ResourceStatusReason" not in summaries["EchoFunction"]
    assert detail["StackResourceDetail"]["ResourceType"] == "AWS::Lambda::Function"
    assert [r["LogicalResourceId"] for r in by_physical["StackResources"]] == ["EchoFunction"]
    assert missing.value.response["Error"]["Code"] == "ValidationError"
    assert "no-such-stack does not exist" in missing.value.response["Error"]["Message"]


def test_not_emulated_types_are_warned_not_fatal(app):
    _, report = app
    statuses = {entry.logical_id: entry.status for entry in report.resources}
    assert statuses["WorkQueue"] == "not emulated"
    assert any("WorkQueue" in warning and "not emulated" in warning for warning in report.stack.warnings)
    assert statuses["EchoFunction"] == "running"
    assert statuses["MainMachine"] == "created"
    assert statuses["RunLogs"] == "running"  # a log group of the local CloudWatch Logs


@pytest.mark.skipif(AWS is None, reason="the AWS CLI is not installed in this environment")
def test_aws_cli_describe_stacks_and_lambda_invoke(app, tmp_path):
    server, report = app
    env = dict(os.environ, AWS_ACCESS_KEY_ID="t", AWS_SECRET_ACCESS_KEY="t", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))

    def cli(*args: str) -> str:
        done = subprocess.run([str(AWS), *args, "--endpoint-url", server.endpoint, "--output", "json"],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    stacks = json.loads(cli("cloudformation", "describe-stacks"))["Stacks"]
    assert [s["StackName"] for s in stacks] == [report.stack.name]
    assert {o["OutputKey"] for o in stacks[0]["Outputs"]} >= {"MainMachineArn", "StageName"}
    answer = json.loads(cli("lambda", "invoke", "--function-name", function_name(report, "DoubleFunction"),
                            "--payload", '{"n": 4}',
                            str(tmp_path / "out.json")))
    assert answer["StatusCode"] == 200
    assert json.loads((tmp_path / "out.json").read_text()) == 8


# --- handlers through Lambda's API over HTTP --------------------------------------------------------

def test_handler_sees_globals_environment_layer_and_context(app, lam):
    server, report = app
    name = function_name(report, "EchoFunction")
    answer, body = invoke(lam, name, {"hello": "world"})
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert body["event"] == {"hello": "world"}
    assert body["env"]["STAGE"] == "prod"  # Globals, with the parameter override
    assert body["env"]["SHARED"] == "from-globals"
    assert body["env"]["OWN"] == "prod-own"
    assert body["env"]["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert body["env"]["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert body["env"]["_HANDLER"] == "app.echo"
    assert body["env"]["AWS_ENDPOINT_URL"] == server.endpoint
    assert body["env"]["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert body["layer"] == "from-the-layer"
    assert body["context"]["function_name"] == name
    assert body["context"]["memory_limit_in_mb"] == "256"
    assert body["context"]["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    assert 0 < body["context"]["remaining_ms"] <= 10_000


def test_warm_worker_is_reused(app, lam):
    name = function_name(app[1], "EchoFunction")
    _, first = invoke(lam, name, {})
    _, second = invoke(lam, name, {})
    assert second["pid"] == first["pid"]
    assert second["warm_count"] == first["warm_count"] + 1


def test_timeout_fails_the_invocation_as_lambda_does(app, lam):
    answer, body = invoke(lam, function_name(app[1], "SlowFunction"), {"seconds": 5})
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")


def test_init_error_is_the_runtimes_own(app, lam):
    answer, body = invoke(lam, function_name(app[1], "BrokenFunction"), {})
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "missing_module" in body["errorMessage"]


def test_reserved_concurrency_throttles_the_second_invocation(app, lam):
    name = function_name(app[1], "LimitedFunction")
    invoke(lam, name, {})  # a warm worker first, so the slow call below starts at once
    results: list[object] = []

    def slow_call() -> None:
        results.append(invoke(lam, name, {"seconds": 2})[1])

    caller = threading.Thread(target=slow_call)
    caller.start()
    time.sleep(0.5)
    with pytest.raises(ClientError) as throttled:
        lam.invoke(FunctionName=name, Payload=b"{}")
    caller.join(30)
    assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert results == [{"slept": 2}]


def test_get_function_and_list_functions_over_http(app, lam):
    report = app[1]
    name = function_name(report, "EchoFunction")
    configuration = lam.get_function(FunctionName=name)["Configuration"]
    names = []
    for page in lam.get_paginator("list_functions").paginate():
        names.extend(f["FunctionName"] for f in page["Functions"])
    assert configuration["Handler"] == "app.echo"
    assert configuration["MemorySize"] == 256
    assert configuration["Timeout"] == 10
    assert configuration["Runtime"] == "python3.11"
    assert configuration["Environment"]["Variables"]["SHARED"] == "from-globals"
    assert configuration["Role"] == report.stack.resource("EchoFunctionRole").attributes["Arn"]
    # The layer version ARN, as AWS lists it (the local folder stays internal).
    layer = next(r for r in report.stack.resources if r.type == "AWS::Lambda::LayerVersion")
    assert [entry["Arn"] for entry in configuration["Layers"]] == [layer.attributes["LayerVersionArn"]]
    assert configuration["Layers"][0]["Arn"].startswith("arn:aws:lambda:us-east-1:123456789012:layer:")
    assert {function_name(report, f) for f in ("EchoFunction", "DoubleFunction", "SlowFunction")} <= set(names)


def test_invoke_log_tail_over_http(app, lam):
    answer = lam.invoke(FunctionName=function_name(app[1], "DoubleFunction"), Payload=b'{"n": 1}', LogType="Tail")
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "START RequestId:" in log and "REPORT RequestId:" in log


def test_json_log_format_and_log_levels_reach_the_log_group(app, lam):
    """LoggingConfig JSON with ApplicationLogLevel WARN and SystemLogLevel DEBUG, read back from
    /aws/lambda/<function> through boto3's logs client."""
    server, report = app
    name = function_name(report, "JsonLogFunction")
    env = invoke(lam, name, {})[1]
    request_id = env.pop("requestId")
    assert env == {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"}
    config = lam.get_function_configuration(FunctionName=name)["LoggingConfig"]
    assert config == {"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "SystemLogLevel": "DEBUG",
                      "LogGroup": f"/aws/lambda/{name}"}
    logs = client(server.endpoint, "logs")
    try:
        deadline = time.monotonic() + 30
        while True:
            # The log group is made by the first record written, which may come after the invoke
            # answered (the platform records are written once the worker reports back).
            try:
                events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
            except logs.exceptions.ResourceNotFoundException:
                events = []
            records = [json.loads(e["message"]) for e in events]
            if any(r.get("type") == "platform.report" for r in records) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        reports = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}",
                                         filterPattern='{ $.type = "platform.report" }')["events"]
    finally:
        logs.close()
    kinds = [r.get("type") for r in records if "type" in r]
    assert kinds == ["platform.initStart", "platform.start", "platform.runtimeDone", "platform.report"]
    start = records[[r.get("type") for r in records].index("platform.start")]
    assert start["record"]["requestId"] == request_id and start["record"]["version"] == "$LATEST"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", start["time"])
    done = json.loads(reports[0]["message"])["record"]
    assert done["requestId"] == request_id and done["status"] == "success"
    assert done["metrics"]["memorySizeMB"] == 128 and done["metrics"]["billedDurationMs"] >= 1
    assert "initDurationMs" in done["metrics"]
    # Application lines below WARN are dropped; a line without a level counts as INFO.
    application = [r for r in records if "type" not in r]
    assert [r["message"] for r in application] == ["stock low", "an error line"]
    assert application[0]["level"] == "WARNING" and application[0]["requestId"] == request_id


# --- Step Functions calling the functions -----------------------------------------------------------

def test_state_machine_calls_two_functions(app, sfn, outputs):
    done = run_to_end(sfn, outputs["MainMachineArn"], {"n": 21})
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["doubled"] == 42  # plain function ARN: the raw result
    assert output["echo"]["statusCode"] == 200  # lambda:invoke: the wrapper
    assert output["echo"]["echo"]["event"] == {"n": 21}


def test_handler_error_is_retried_and_caught_as_step_functions_records_it(app, sfn, outputs):
    key = uuid.uuid4().hex
    done = run_to_end(sfn, outputs["MainMachineArn"], {"n": 1, "fail": True, "flaky": 2, "key": key})
    assert done["status"] == "SUCCEEDED", done
    caught = json.loads(done["output"])["caught"]
    assert caught["Error"] == "ValidationFailed"
    cause = json.loads(caught["Cause"])
    assert cause["errorType"] == "ValidationFailed"
    assert cause["errorMessage"] == "bad input after 3 attempts"
    events = sfn.get_execution_history(executionArn=done["executionArn"], maxResults=1000)["events"]
    failures = [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]
    assert failures == ["Flaky", "Flaky", "ValidationFailed"]


def test_wait_for_task_token_with_lambda_invoke(app, sfn, outputs):
    done = run_to_end(sfn, outputs["CallbackMachineArn"], {"value": 7})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"called_back": 7}


def test_start_execution_sync2_runs_the_child(app, sfn, outputs):
    done = run_to_end(sfn, outputs["ParentMachineArn"], {"n": 5})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"])["doubled"] == 10


# --- start-up errors and reload -----------------------------------------------------------------------

def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from statewright.cli import main; main()", "serve", *args]


def test_template_error_stops_start_up_naming_resource_and_field(tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    template = tmp_path / "app" / "template.yaml"
    template.write_text(template.read_text().replace("Handler: app.double", "Handler: !Ref NoSuchThing"))
    done = subprocess.run(serve_command("--template", str(template), "--port", str(free_port()),
                                        "--data-dir", str(tmp_path / "data")),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "DoubleFunction" in done.stderr and "NoSuchThing" in done.stderr
    assert "Traceback" not in done.stderr


def test_changes_are_picked_up_on_the_next_serve(tmp_path):
    shutil.copytree(APP, tmp_path / "app")
    template = tmp_path / "app" / "template.yaml"
    (tmp_path / "data").mkdir()
    server = ProcessServer(tmp_path / "data", free_port(), extra_args=("--template", str(template), "--no-lint"))
    server.start()
    try:
        cfn, sfn, lam = (client(server.endpoint, name) for name in ("cloudformation", "stepfunctions", "lambda"))
        first = cfn.describe_stacks()["Stacks"][0]
        machines = {o["OutputKey"]: o["OutputValue"] for o in first["Outputs"]}
        before = run_to_end(sfn, machines["MainMachineArn"], {"n": 2})
        name = next(r["PhysicalResourceId"] for r in cfn.list_stack_resources(StackName=first["StackName"])
                    ["StackResourceSummaries"] if r["LogicalResourceId"] == "EchoFunction")
        for made in (cfn, sfn, lam):
            made.close()
    finally:
        server.stop()
    # Drop the callback machine, change an environment value and a handler.
    text = template.read_text().replace("SHARED: from-globals", "SHARED: changed")
    start, end = text.index("  CallbackMachine:"), text.index("  ParentMachine:")
    text = text[:start] + text[end:]
    text = text.replace("  CallbackMachineArn:\n    Value: !Ref CallbackMachine\n", "")
    template.write_text(text)
    handler = tmp_path / "app" / "src" / "app.py"
    handler.write_text(handler.read_text().replace("return event[\"n\"] * 2", "return event[\"n\"] * 3"))
    server.start()
    try:
        cfn, sfn, lam = (client(server.endpoint, name) for name in ("cloudformation", "stepfunctions", "lambda"))
        second = cfn.describe_stacks()["Stacks"][0]
        listed = {m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
        _, body = invoke(lam, name, {})
        after = run_to_end(sfn, machines["MainMachineArn"], {"n": 2})
        kept = sfn.describe_execution(executionArn=before["executionArn"])
        for made in (cfn, sfn, lam):
            made.close()
    finally:
        server.stop()
    assert second["StackStatus"] == "UPDATE_COMPLETE" and "LastUpdatedTime" in second
    printed = server.log_path.read_text()  # serve's start-up listing, both runs
    stack_name = second["StackName"]
    assert f"Stack {stack_name} (CREATE_COMPLETE)" in printed and f"Stack {stack_name} (UPDATE_COMPLETE)" in printed
    assert any(line.split()[:3] == ["EchoFunction", "AWS::Lambda::Function", "running"] for line in printed.splitlines())
    assert any(line.split()[:4] == ["WorkQueue", "AWS::SQS::Queue", "not", "emulated"] for line in printed.splitlines())
    assert f"removed (no longer in the template): {machines['CallbackMachineArn']}" in printed
    assert f"MainMachineArn      {machines['MainMachineArn']}" in printed
    assert machines["CallbackMachineArn"] not in listed
    assert machines["MainMachineArn"] in listed
    assert body["env"]["SHARED"] == "changed"
    assert json.loads(after["output"])["doubled"] == 6
    assert kept["status"] == "SUCCEEDED"  # executions of a kept machine survive the update


# --- the seed workflow -------------------------------------------------------------------------------

EXAMPLE = REPO / "examples" / "transaction-processor" / "template.yaml"


@pytest.fixture(scope="module")
def example_data(tmp_path_factory):
    # Shared by the server and `statewright run`: the python3.12 runtime is prepared once.
    return tmp_path_factory.mktemp("example-data")


def test_seed_workflow_routes_purchase_and_refund(example_data):
    settings = Settings(data_dir=example_data, port=free_port(), time_scale=0.001)
    with ThreadServer(RuntimeConfig(settings, template=EXAMPLE)) as server:
        cfn, sfn, lam = (client(server.endpoint, name) for name in ("cloudformation", "stepfunctions", "lambda"))
        outs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks()["Stacks"][0]["Outputs"]}
        purchase = run_to_end(sfn, outs["TransactionProcessorStateMachineArn"], {"TransactionType": "PURCHASE"},
                              timeout=180)
        refund = run_to_end(sfn, outs["TransactionProcessorStateMachineArn"], {"TransactionType": "REFUND"})
        _, direct = invoke(lam, outs["ProcessRefundFunctionArn"], {"TransactionType": "REFUND"})
        for made in (cfn, sfn, lam):
            made.close()
    assert purchase["status"] == "SUCCEEDED", purchase
    assert "inside the ProcessPurchase function" in json.loads(purchase["output"])["Message"]
    assert "inside the ProcessRefund function" in json.loads(refund["output"])["Message"]
    assert direct["TransactionType"] == "REFUND" and "ProcessRefund" in direct["Message"]


def test_run_template_runs_the_machine_with_real_handlers(example_data):
    done = subprocess.run([sys.executable, "-c", "from statewright.cli import main; main()", "run",
                           "--template", str(EXAMPLE), "TransactionProcessorStateMachine",
                           "--input", '{"TransactionType": "REFUND"}', "--json", "--data-dir", str(example_data)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "SUCCEEDED"
    assert "inside the ProcessRefund function" in result["output"]["Message"]


def test_a_lambda_task_in_flight_when_the_server_dies_runs_again_after_restart(tmp_path):
    """Recovery re-dispatches the in-flight task; it must find the Lambda integration and the
    template's functions, which exist only once the stack is applied (the engine starts after)."""
    (tmp_path / "data").mkdir()
    server = ProcessServer(tmp_path / "data", free_port(), time_scale=1.0,
                           extra_args=("--template", str(APP / "template.yaml"), "--no-lint"))
    server.start()
    try:
        cfn, sfn = client(server.endpoint, "cloudformation"), client(server.endpoint)
        stack = cfn.describe_stacks()["Stacks"][0]["StackName"]
        slow = next(r["PhysicalResourceId"] for r in cfn.list_stack_resources(StackName=stack)
                    ["StackResourceSummaries"] if r["LogicalResourceId"] == "SlowFunction")
        definition = {"StartAt": "Slow", "States": {"Slow": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
            "Parameters": {"FunctionName": slow, "Payload": {"seconds": 0.8}}, "End": True}}}
        machine = sfn.create_state_machine(name="recover-lambda", definition=json.dumps(definition),
                                           roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
        arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
        deadline = time.monotonic() + 30
        while "TaskStarted" not in [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]:
            assert time.monotonic() < deadline, "the task never started"
            time.sleep(0.05)
        for made in (cfn, sfn):
            made.close()
        server.kill()
        server.start()
        sfn = client(server.endpoint)
        deadline = time.monotonic() + 60
        while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution did not resume"
            time.sleep(0.1)
        assert described["status"] == "SUCCEEDED", described.get("cause")
        assert json.loads(described["output"]) == {"slept": 0.8}
        sfn.close()
    finally:
        server.stop()
