"""CloudWatch Logs through the real server: boto3 and the AWS CLI (v1) against `logs`, and
Lambda invocations landing in `/aws/lambda/<function>` with Lambda's START/END/REPORT lines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from tests.e2e.server import ThreadServer, client, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.awslambda import FunctionConfig
from statewright.services.common.platform import Settings

from .conftest import DAY


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("logs-server"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        yield running


@pytest.fixture
def logs(server):
    made = client(server.endpoint, "logs")
    yield made
    made.close()


def now_ms() -> int:
    return int(time.time() * 1000)


def test_boto3_round_trip_and_errors(logs):
    logs.create_log_group(logGroupName="/boto3/app")
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName="/boto3/app")
    logs.create_log_stream(logGroupName="/boto3/app", logStreamName="web")
    start = now_ms()
    answer = logs.put_log_events(logGroupName="/boto3/app", logStreamName="web", logEvents=[
        {"timestamp": start - 15 * DAY, "message": "too old"},
        {"timestamp": start, "message": '{"level": "ERROR", "msg": "boom"}'},
        {"timestamp": start + 1, "message": "INFO all good"}])
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    got = logs.get_log_events(logGroupName="/boto3/app", logStreamName="web", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ['{"level": "ERROR", "msg": "boom"}', "INFO all good"]
    paginator = logs.get_paginator("filter_log_events")
    found = [e["message"] for page in paginator.paginate(logGroupName="/boto3/app",
                                                          filterPattern='{ $.level = "ERROR" }') for e in page["events"]]
    assert found == ['{"level": "ERROR", "msg": "boom"}']
    with pytest.raises(logs.exceptions.ResourceNotFoundException, match="The specified log group does not exist."):
        logs.get_log_events(logGroupName="/boto3/none", logStreamName="web")
    with pytest.raises(logs.exceptions.InvalidParameterException, match="Invalid filter pattern"):
        logs.filter_log_events(logGroupName="/boto3/app", filterPattern="{ $.level = ")
    with pytest.raises(logs.exceptions.InvalidParameterException, match="chronological order"):
        logs.put_log_events(logGroupName="/boto3/app", logStreamName="web", logEvents=[
            {"timestamp": start, "message": "b"}, {"timestamp": start - 1, "message": "a"}])
    groups = [g["logGroupName"] for page in logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix="/boto3/", PaginationConfig={"PageSize": 1}) for g in page["logGroups"]]
    assert groups == ["/boto3/app"]


def test_retention_removes_old_events(logs):
    logs.create_log_group(logGroupName="/boto3/retention")
    logs.create_log_stream(logGroupName="/boto3/retention", logStreamName="s")
    now = now_ms()
    logs.put_log_events(logGroupName="/boto3/retention", logStreamName="s",
                        logEvents=[{"timestamp": now - 10 * DAY, "message": "ten days old"}])
    logs.put_log_events(logGroupName="/boto3/retention", logStreamName="s",
                        logEvents=[{"timestamp": now, "message": "today"}])
    logs.put_retention_policy(logGroupName="/boto3/retention", retentionInDays=7)
    [group] = logs.describe_log_groups(logGroupNamePrefix="/boto3/retention")["logGroups"]
    assert group["retentionInDays"] == 7
    got = logs.get_log_events(logGroupName="/boto3/retention", logStreamName="s", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["today"]
    # The sweeper, woken by PutRetentionPolicy, deletes what reads already hide.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        [group] = logs.describe_log_groups(logGroupNamePrefix="/boto3/retention")["logGroups"]
        if group["storedBytes"] == len("today"):
            break
        time.sleep(0.05)
    assert group["storedBytes"] == len("today")


def aws_cli(server, *args: str) -> dict:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    done = subprocess.run([sys.executable, "-m", "awscli", "logs", *args, "--endpoint-url", server.endpoint,
                           "--output", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_aws_cli(server):
    aws_cli(server, "create-log-group", "--log-group-name", "/cli/app")
    aws_cli(server, "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "s")
    now = now_ms()
    events = json.dumps([{"timestamp": now, "message": "GET /index.html 200"},
                         {"timestamp": now + 1, "message": "GET /missing 404"}])
    aws_cli(server, "put-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "s",
            "--log-events", events)
    got = aws_cli(server, "get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "s",
                  "--start-from-head")
    assert [e["message"] for e in got["events"]] == ["GET /index.html 200", "GET /missing 404"]
    found = aws_cli(server, "filter-log-events", "--log-group-name", "/cli/app",
                    "--filter-pattern", "[method, path, status = 4*]")
    assert [e["message"] for e in found["events"]] == ["GET /missing 404"]
    described = aws_cli(server, "describe-log-groups", "--log-group-name-prefix", "/cli/")
    assert [g["logGroupName"] for g in described["logGroups"]] == ["/cli/app"]
    aws_cli(server, "put-retention-policy", "--log-group-name", "/cli/app", "--retention-in-days", "14")
    aws_cli(server, "delete-log-group", "--log-group-name", "/cli/app")
    assert aws_cli(server, "describe-log-groups", "--log-group-name-prefix", "/cli/")["logGroups"] == []


HANDLER = '''
def handler(event, context):
    print("hello from", event["who"])
    return {"ok": True}
'''


def lambda_lines(logs, group: str, count: int) -> tuple[str, list[str]]:
    """The stream and messages of `group` once it holds at least `count` events."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
            streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
            if streams:
                got = logs.get_log_events(logGroupName=group, logStreamName=streams[0]["logStreamName"],
                                          startFromHead=True)
                if len(got["events"]) >= count:
                    return streams[0]["logStreamName"], [e["message"] for e in got["events"]]
        time.sleep(0.05)
    raise AssertionError(f"{group} did not get {count} events")


def test_lambda_invocations_land_in_aws_lambda_group(server, logs, tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(HANDLER)
    runtime = server.server.config.app.state.runtime
    runtime.services["lambda"].put_function(FunctionConfig("log-writer", "app.handler", "python3.11", str(code),
                                                           timeout=30))
    lam = client(server.endpoint, "lambda")
    try:
        first = lam.invoke(FunctionName="log-writer", Payload=b'{"who": "one"}')
        second = lam.invoke(FunctionName="log-writer", Payload=b'{"who": "two"}')
    finally:
        lam.close()
    assert first["StatusCode"] == second["StatusCode"] == 200
    stream, lines = lambda_lines(logs, "/aws/lambda/log-writer", 8)
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", stream)
    starts = [i for i, line in enumerate(lines) if line.startswith("START RequestId: ")]
    assert len(starts) == 2
    for number, (index, who) in enumerate(zip(starts, ("one", "two"), strict=True)):
        request_id = re.fullmatch(r"START RequestId: (\S+) Version: \$LATEST", lines[index]).group(1)
        assert lines[index + 1] == f"hello from {who}"
        assert lines[index + 2] == f"END RequestId: {request_id}"
        report = lines[index + 3].rstrip("\t").split("\t")
        assert report[0] == f"REPORT RequestId: {request_id}"
        fields = [part.split(":")[0] for part in report[1:]]
        expected = ["Duration", "Billed Duration", "Memory Size", "Max Memory Used"]
        assert fields == (expected + ["Init Duration"] if number == 0 else expected)  # cold start, then warm


JSON_HANDLER = '''
import logging
logger = logging.getLogger()
def handler(event, context):
    logger.info("all is well")
    logger.error("something broke")
    return {}
'''


def test_json_log_format_lines_can_be_filtered_with_json_patterns(server, logs, tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(JSON_HANDLER)
    runtime = server.server.config.app.state.runtime
    runtime.services["lambda"].put_function(FunctionConfig(
        "json-logger", "app.handler", "python3.11", str(code), timeout=30, logging_config={"LogFormat": "JSON", "ApplicationLogLevel": "INFO"}))
    lam = client(server.endpoint, "lambda")
    try:
        assert lam.invoke(FunctionName="json-logger", Payload=b"{}")["StatusCode"] == 200
    finally:
        lam.close()
    lambda_lines(logs, "/aws/lambda/json-logger", 5)
    found = logs.filter_log_events(logGroupName="/aws/lambda/json-logger", filterPattern='{ $.level = "ERROR" }')
    [event] = found["events"]
    record = json.loads(event["message"])
    assert record["message"] == "something broke" and record["requestId"]
    infos = logs.filter_log_events(logGroupName="/aws/lambda/json-logger",
                                   filterPattern='{ $.level = "INFO" && $.message = "all*" }')["events"]
    assert [json.loads(e["message"])["message"] for e in infos] == ["all is well"]


def test_a_functions_own_log_group_gets_its_lines(server, logs, tmp_path):
    """`LoggingConfig.LogGroup`: Lambda writes there (and tells the handler so) instead of
    /aws/lambda/<function>."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("import os\ndef handler(event, context):\n"
                                 "    print('to', os.environ['AWS_LAMBDA_LOG_GROUP_NAME'])\n")
    runtime = server.server.config.app.state.runtime
    runtime.services["lambda"].put_function(FunctionConfig(
        "grouped", "app.handler", "python3.11", str(code), timeout=30, logging_config={"LogGroup": "/shared/app"}))
    lam = client(server.endpoint, "lambda")
    try:
        assert lam.invoke(FunctionName="grouped", Payload=b"{}")["StatusCode"] == 200
    finally:
        lam.close()
    lines = lambda_lines(logs, "/shared/app", 4)[1]
    assert lines[1] == "to /shared/app"
    assert not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/grouped")["logGroups"]
