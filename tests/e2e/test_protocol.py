"""The wire: AWS JSON 1.0 routing, error shapes, and bad input that must not hurt the server."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from .conftest import PASS, make_machine, wait_done


def post(server, body: bytes, target: str | None = "AWSStepFunctions.ListStateMachines",
         headers: dict[str, str] | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(server.config.settings.host, server.config.settings.port, timeout=30)
    try:
        sent = {"Content-Type": "application/x-amz-json-1.0", **(headers or {})}
        if target is not None:
            sent["X-Amz-Target"] = target
        connection.request("POST", "/", body=body, headers=sent)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def test_unknown_actions_name_the_action(server):
    status, body = post(server, b"{}", "AWSStepFunctions.ListMapRunsPlease")
    assert status == 400 and body["__type"] == "UnknownOperationException"
    assert "ListMapRunsPlease" in body["message"]
    status, body = post(server, b"{}", None)
    assert status == 400 and body["__type"] == "UnknownOperationException"
    status, body = post(server, b"{}", "AmazonSQS.ListQueues")  # a service Statewright does not serve
    assert body["__type"] == "UnknownOperationException"


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_malformed_bodies_get_serialization_errors(server, payload):
    status, body = post(server, payload)
    assert status == 400 and body["__type"] == "SerializationException" and body["message"]


def test_wrong_field_types_are_refused_not_crashed_on(server):
    status, body = post(server, json.dumps({"name": 5, "definition": [], "roleArn": {}}).encode(),
                        "AWSStepFunctions.CreateStateMachine")
    assert status == 400 and body["__type"] in ("SerializationException", "ValidationException")
    # A number where the model has a string fails reading the body, as on AWS (Coral).
    status, body = post(server, json.dumps({"stateMachineArn": 7}).encode(), "AWSStepFunctions.StartExecution")
    assert status == 400 and body["__type"] == "SerializationException" and "'stateMachineArn'" in body["message"]
    status, body = post(server, json.dumps({"maxResults": "ten"}).encode())
    assert status == 400


def test_an_oversized_body_is_refused(server):
    status, body = post(server, b'{"x": "' + b"y" * (5 * 1024 * 1024) + b'"}')
    assert status == 413 and body["__type"] == "ValidationException"


def test_the_server_still_answers_after_bad_input(server, sfn):
    post(server, b"{oops")
    arn = sfn.start_execution(stateMachineArn=make_machine(sfn, PASS))["executionArn"]
    assert wait_done(sfn, arn)["status"] == "SUCCEEDED"


def test_the_sync_host_prefix_is_harmless(server):
    """boto3 with the default host prefix sends `Host: sync-<host>`; routing ignores the host."""
    status, _ = post(server, b"{}", headers={"Host": f"sync-127.0.0.1:{server.config.settings.port}"})
    assert status == 200


def test_boto3_with_host_prefix_injection_works_where_sync_names_resolve(server, sfn):
    machine = make_machine(sfn, PASS, kind="EXPRESS")
    prefixed = boto3.client("stepfunctions", endpoint_url=f"http://localhost:{server.config.settings.port}",
                            region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t",
                            config=Config(retries={"max_attempts": 0}))
    try:
        # `sync-localhost` resolves on systems that map *.localhost to the loopback (RFC 6761);
        # elsewhere this documents why clients set inject_host_prefix=False.
        answer = prefixed.start_sync_execution(stateMachineArn=machine)
    except Exception as error:  # noqa: BLE001 - name resolution is the machine's, not ours
        pytest.skip(f"sync-localhost does not resolve here: {type(error).__name__}")
    finally:
        prefixed.close()
    assert answer["status"] == "SUCCEEDED"


@pytest.mark.skipif(shutil.which("aws", path=str(Path(sys.executable).parent)) is None,
                    reason="the AWS CLI is not installed in this environment")
def test_aws_cli_smoke(server, tmp_path):
    aws = shutil.which("aws", path=str(Path(sys.executable).parent))
    env = dict(os.environ, AWS_ACCESS_KEY_ID="t", AWS_SECRET_ACCESS_KEY="t", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))

    def cli(*args: str) -> dict:
        done = subprocess.run([aws, "stepfunctions", *args, "--endpoint-url", server.endpoint, "--output", "json"],
                              capture_output=True, text=True, env=env, timeout=60, check=True)
        return json.loads(done.stdout or "{}")

    machine = cli("create-state-machine", "--name", "cli-smoke", "--definition", json.dumps(PASS),
                  "--role-arn", "arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    run = cli("start-execution", "--state-machine-arn", machine, "--input", '{"from": "cli"}')["executionArn"]
    described = {}
    for _ in range(200):
        described = cli("describe-execution", "--execution-arn", run)
        if described["status"] != "RUNNING":
            break
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"from": "cli"}
    assert any(m["name"] == "cli-smoke" for m in cli("list-state-machines")["stateMachines"])
