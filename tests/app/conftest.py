"""Handler tests without a server: the app's cores get AWS clients at the edge of the machine.

DynamoDB and S3 are moto's in-process implementations (conditions, transactions, indexes and
presigning as AWS does them), with the table built from the template's own definition. Step
Functions is a small recording stand-in: the handlers only start, stop and answer executions.
"""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from moto import mock_aws
from taskapp.context import Context, Settings, s3_client
from taskapp.observability import Telemetry

APP = Path(__file__).resolve().parents[2] / "app"
REGION = "us-east-1"
TABLE = "tasks"
BUCKET = "attachments"
STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Transactions"


class _TagLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML; short-form tags (!Ref, !Sub...) become plain values, unused here."""


_TagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def template() -> dict:
    return yaml.load((APP / "template.yaml").read_text(), Loader=_TagLoader)


def table_definition() -> dict:
    props = template()["Resources"]["TasksTable"]["Properties"]
    return {key: props[key] for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
                                         "BillingMode")}


class FakeStepFunctions:
    """Records what the API asks of Step Functions; answers like the service for known tokens."""

    def __init__(self) -> None:
        self.started: list[dict] = []
        self.stopped: list[dict] = []
        self.successes: list[dict] = []
        self.failures: list[dict] = []
        self.expired_tokens: set[str] = set()
        self.start_error: str | None = None
        self.history: dict[str, list[dict]] = {}

    def start_execution(self, stateMachineArn: str, name: str, input: str) -> dict:
        if self.start_error:
            raise ClientError({"Error": {"Code": self.start_error, "Message": "cannot start"}}, "StartExecution")
        self.started.append({"stateMachineArn": stateMachineArn, "name": name, "input": json.loads(input)})
        return {"executionArn": stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name,
                "startDate": datetime.now(UTC)}

    def stop_execution(self, executionArn: str, error: str, cause: str) -> dict:
        self.stopped.append({"executionArn": executionArn, "error": error, "cause": cause})
        return {"stopDate": datetime.now(UTC)}

    def _check_token(self, token: str, operation: str) -> None:
        if token in self.expired_tokens:
            raise ClientError({"Error": {"Code": "TaskTimedOut", "Message": "Task Timed Out"}}, operation)

    def send_task_success(self, taskToken: str, output: str) -> dict:
        self._check_token(taskToken, "SendTaskSuccess")
        self.successes.append({"taskToken": taskToken, "output": json.loads(output)})
        return {}

    def send_task_failure(self, taskToken: str, error: str, cause: str) -> dict:
        self._check_token(taskToken, "SendTaskFailure")
        self.failures.append({"taskToken": taskToken, "error": error, "cause": cause})
        return {}

    def get_execution_history(self, executionArn: str, maxResults: int, nextToken: str | None = None) -> dict:
        if executionArn not in self.history:
            raise ClientError({"Error": {"Code": "ExecutionDoesNotExist", "Message": "no such execution"}},
                              "GetExecutionHistory")
        return {"events": self.history[executionArn]}


class Clock:
    """A clock that moves one second per reading, so audit entries and metrics are reproducible."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def iso(self) -> str:
        self.now += timedelta(seconds=1)
        return self.now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def epoch(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(TableName=TABLE, **table_definition())
        s3 = s3_client(lambda name, **kwargs: boto3.client(name, region_name=REGION, **kwargs))
        s3.create_bucket(Bucket=BUCKET)
        yield {"dynamodb": dynamodb, "s3": s3}


@pytest.fixture
def context(aws) -> Context:
    clock, counter = Clock(), itertools.count(1)

    def new_id() -> str:
        # Sortable like the real ids: a fixed-width counter in the id alphabet.
        return f"01J{next(counter):023d}"

    return Context(settings=Settings(table=TABLE, bucket=BUCKET, state_machine_arn=STATE_MACHINE,
                                     approval_timeout_seconds=3600),
                   dynamodb=aws["dynamodb"], telemetry=Telemetry("test", stream=io.StringIO(), clock_ms=lambda: 0),
                   stepfunctions=FakeStepFunctions(), s3=aws["s3"], clock=clock.iso, new_id=new_id,
                   epoch=clock.epoch)


def logged(context: Context) -> list[dict]:
    """Every JSON line the handlers wrote."""
    return [json.loads(line) for line in context.telemetry.stream.getvalue().splitlines()]


def request(method: str, resource: str, user: str = "alice", role: str = "requester", body: object = None,
            path: dict | None = None, query: dict | None = None, headers: dict | None = None) -> dict:
    """An API Gateway REST proxy event as the authorizer-fronted API delivers it."""
    return {"httpMethod": method, "resource": resource, "pathParameters": path, "queryStringParameters": query,
            "headers": headers or {}, "body": None if body is None else (body if isinstance(body, str) else json.dumps(body)),
            "isBase64Encoded": False,
            "requestContext": {"authorizer": {"principalId": user, "user": user, "role": role}}}
