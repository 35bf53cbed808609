"""The management API's read side through boto3 (`apigateway`, `apigatewayv2`) and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError
from tests.e2e.server import client


@pytest.fixture
def apigw(server):
    made = client(server.endpoint, "apigateway")
    yield made
    made.close()


@pytest.fixture
def apigw2(server):
    made = client(server.endpoint, "apigatewayv2")
    yield made
    made.close()


def test_get_rest_apis_and_one(apigw, rest_id, workflow_id, stack):
    listed = {api["id"]: api for api in apigw.get_rest_apis()["items"]}
    assert set(listed) == {rest_id, workflow_id}
    assert listed[workflow_id]["name"] == "workflow"
    one = apigw.get_rest_api(restApiId=rest_id)
    assert one["binaryMediaTypes"] == ["image/png"]
    assert one["rootResourceId"] == stack.resource("RestApi").attributes["RootResourceId"]


def test_get_resources_is_the_tree(apigw, rest_id):
    items = apigw.get_resources(restApiId=rest_id)["items"]
    by_path = {item["path"]: item for item in items}
    assert {"/", "/items", "/items/{id}", "/proxy", "/proxy/{proxy+}", "/orders", "/custom"} <= set(by_path)
    assert by_path["/items/{id}"]["parentId"] == by_path["/items"]["id"]
    assert by_path["/items/{id}"]["pathPart"] == "{id}"
    methods = by_path["/items/{id}"]["resourceMethods"]
    assert methods["GET"]["authorizationType"] == "CUSTOM" and methods["OPTIONS"]["authorizationType"] == "NONE"
    assert "ANY" in by_path["/proxy/{proxy+}"]["resourceMethods"]


def test_get_stages(apigw, rest_id):
    stages = {s["stageName"]: s for s in apigw.get_stages(restApiId=rest_id)["item"]}
    # SAM's deployment also creates the stage named "Stage", as on AWS.
    assert set(stages) == {"dev", "Stage"}
    assert stages["dev"]["variables"] == {"color": "blue"}


def test_unknown_api_is_not_found(apigw):
    with pytest.raises(ClientError) as caught:
        apigw.get_rest_api(restApiId="nope123456")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_get_apis_v2(apigw2, http_id, server):
    items = apigw2.get_apis()["Items"]
    assert [api["ApiId"] for api in items] == [http_id]
    assert items[0]["ProtocolType"] == "HTTP"
    assert items[0]["ApiEndpoint"] == f"{server.endpoint}/restapis/{http_id}/$default/_user_request_"
    assert items[0]["CorsConfiguration"]["AllowOrigins"] == ["https://example.com"]
    routes = {r["RouteKey"] for r in apigw2.get_routes(ApiId=http_id)["Items"]}
    assert {"GET /items/{id}", "ANY /any", "$default", "POST /workflow", "GET /secure"} <= routes
    assert [s["StageName"] for s in apigw2.get_stages(ApiId=http_id)["Items"]] == ["$default"]


def test_aws_cli_get_rest_apis(server, rest_id):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    done = subprocess.run([sys.executable, "-m", "awscli", "apigateway", "get-rest-apis", "--endpoint-url",
                           server.endpoint, "--output", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert rest_id in {api["id"] for api in json.loads(done.stdout)["items"]}


def test_api_keys_from_usage_plans(apigw, server, rest_id):
    keys = apigw.get_api_keys(includeValues=True)["items"]
    assert len(keys) == 1 and keys[0]["stageKeys"] == [f"{rest_id}/dev"] and len(keys[0]["value"]) == 40
    assert "value" not in apigw.get_api_keys()["items"][0]
    from .conftest import send

    url = f"{server.endpoint}/restapis/{rest_id}/dev/_user_request_/keyed"
    assert send(url).status == 403 and send(url).json() == {"message": "Forbidden"}
    assert send(url, headers={"x-api-key": "wrong"}).status == 403
    assert send(url, headers={"x-api-key": keys[0]["value"]}).status == 200
