"""One real server per test session (the one edge, with S3 on the same port as every service) and
boto3 clients for it. `s3_server.service` is the runtime's S3 service, for tests that look inside."""

from __future__ import annotations

import uuid

import pytest
from tests.e2e.server import ThreadServer, free_port

from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

from .server import s3_client


class S3Server(ThreadServer):
    @property
    def service(self):
        return self.runtime.services["s3"]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), port=free_port())
    with S3Server(RuntimeConfig(settings)) as running:
        yield running


@pytest.fixture
def s3(s3_server):
    made = s3_client(s3_server.endpoint)
    yield made
    made.close()


def unique(prefix: str = "b") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def bucket(s3) -> str:
    name = unique()
    s3.create_bucket(Bucket=name)
    return name
