"""One real server per test session (in a thread, time scaled 1000x) and boto3 clients for it."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from statewright.integrations.registry import Registry
from statewright.integrations.types import TaskError
from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .server import ThreadServer, client, free_port

ROLE = "arn:aws:iam::123456789012:role/statewright-test"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def _integrations() -> Registry:
    registry = Registry()
    registry.register("arn:test:double", lambda params, context: {"n": params["n"] * 2})
    registry.register("arn:test:echo", lambda params, context: params)

    def fail(params, context):
        raise TaskError("Test.Failure", "asked to fail")

    registry.register("arn:test:fail", fail)
    return registry


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), port=free_port(), time_scale=0.001,
                        activity_poll_seconds=1.0)
    config = RuntimeConfig(settings, integrations=_integrations())
    with ThreadServer(config) as running:
        yield running


@pytest.fixture
def sfn(server):
    made = client(server.endpoint)
    yield made
    made.close()


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_machine(sfn, definition: dict, kind: str = "STANDARD", **extra) -> str:
    return sfn.create_state_machine(name=unique("sm"), definition=json.dumps(definition), roleArn=ROLE,
                                    type=kind, **extra)["stateMachineArn"]


def wait_done(sfn, arn: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] in TERMINAL:
            return described
        time.sleep(0.01)
    raise AssertionError(f"{arn} still running")


PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
