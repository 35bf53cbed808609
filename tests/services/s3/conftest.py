"""One S3 wire front per test session (uvicorn in a thread) and boto3 clients for it."""

from __future__ import annotations

import uuid

import pytest

from .server import ThreadS3, s3_client


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    with ThreadS3(tmp_path_factory.mktemp("data")) as running:
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
