"""The management API's read side through boto3 (`apigateway`, `apigatewayv2`) and the AWS CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.e2e.server import client


def answer(output: dict[str, Any]) -> dict[str, Any]:
    """A boto3 answer without its ResponseMetadata."""
    return {k: v for k, v in output.items() if k != "ResponseMetadata"}


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
    # Without `embed=methods` AWS names the methods only.
    assert by_path["/items/{id}"]["resourceMethods"] == {"GET": {}, "OPTIONS": {}}
    assert "ANY" in by_path["/proxy/{proxy+}"]["resourceMethods"]
    assert "resourceMethods" not in by_path["/items"]


def test_get_resources_embeds_methods_and_integrations(apigw, rest_id):
    items = apigw.get_resources(restApiId=rest_id, embed=["methods"])["items"]
    by_path = {item["path"]: item for item in items}
    methods = by_path["/items/{id}"]["resourceMethods"]
    assert methods["GET"]["authorizationType"] == "CUSTOM" and methods["OPTIONS"]["authorizationType"] == "NONE"
    authorizers = {a["name"]: a for a in apigw.get_authorizers(restApiId=rest_id)["items"]}
    assert methods["GET"]["authorizerId"] == authorizers["TokenAuth"]["id"]
    proxy = methods["GET"]["methodIntegration"]
    assert proxy["type"] == "AWS_PROXY" and proxy["httpMethod"] == "POST"
    assert re.fullmatch(r"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"
                        r"\d{12}:function:[^/]+/invocations", proxy["uri"])
    assert proxy["timeoutInMillis"] == 29000 and proxy["passthroughBehavior"] == "WHEN_NO_MATCH"
    mock = methods["OPTIONS"]["methodIntegration"]
    assert mock["type"] == "MOCK" and "uri" not in mock
    assert json.loads(mock["requestTemplates"]["application/json"]) == {"statusCode": 200}  # SAM's CORS mock
    cors = mock["integrationResponses"]["200"]["responseParameters"]
    assert cors["method.response.header.Access-Control-Allow-Origin"] == "'https://example.com'"
    slow = by_path["/slow"]["resourceMethods"]["GET"]["methodIntegration"]
    assert slow["timeoutInMillis"] == 1000
    one = apigw.get_resource(restApiId=rest_id, resourceId=by_path["/slow"]["id"], embed=["methods"])
    assert one["resourceMethods"]["GET"]["methodIntegration"] == slow


def test_get_method_and_integration(apigw, rest_id, workflow_id):
    items = {i["path"]: i for i in apigw.get_resources(restApiId=workflow_id)["items"]}
    sync = apigw.get_method(restApiId=workflow_id, resourceId=items["/sync"]["id"], httpMethod="POST")
    assert sync["httpMethod"] == "POST" and sync["authorizationType"] == "NONE" and sync["apiKeyRequired"] is False
    integration = apigw.get_integration(restApiId=workflow_id, resourceId=items["/sync"]["id"], httpMethod="POST")
    assert answer(integration) == sync["methodIntegration"]
    assert integration["type"] == "AWS" and integration["uri"] == "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution"
    assert integration["passthroughBehavior"] == "NEVER"
    assert "$util.escapeJavaScript" in integration["requestTemplates"]["application/json"]
    assert "selectionPattern" not in integration["integrationResponses"]["200"]
    failing = apigw.get_integration(restApiId=workflow_id, resourceId=items["/direct-fail"]["id"], httpMethod="POST")
    assert failing["integrationResponses"]["400"]["selectionPattern"] == "handler.*"
    response = apigw.get_integration_response(restApiId=workflow_id, resourceId=items["/direct-fail"]["id"],
                                              httpMethod="POST", statusCode="400")
    assert response["responseTemplates"] == {"application/json": '{"error": "$input.path(\'$.errorMessage\')"}'}
    needs = apigw.get_method(restApiId=workflow_id, resourceId=items["/needs-param"]["id"], httpMethod="GET")
    assert needs["requestParameters"] == {"method.request.querystring.q": True}
    validator = answer(apigw.get_request_validator(restApiId=workflow_id, requestValidatorId=needs["requestValidatorId"]))
    assert validator == {"id": needs["requestValidatorId"], "name": "params-only", "validateRequestBody": False,
                         "validateRequestParameters": True}
    assert {v["name"] for v in apigw.get_request_validators(restApiId=workflow_id)["items"]} == {"body-only",
                                                                                                 "params-only"}
    with pytest.raises(ClientError) as caught:
        apigw.get_method(restApiId=workflow_id, resourceId=items["/sync"]["id"], httpMethod="GET")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as caught:
        apigw.get_integration(restApiId=workflow_id, resourceId="nope00", httpMethod="GET")
    assert caught.value.response["Error"]["Message"] == "Invalid Resource identifier specified"


def test_get_authorizers_v1(apigw, rest_id):
    authorizers = {a["name"]: a for a in apigw.get_authorizers(restApiId=rest_id)["items"]}
    assert set(authorizers) == {"TokenAuth", "RequestAuth"}
    token = authorizers["TokenAuth"]
    assert token["type"] == "TOKEN" and token["authType"] == "custom"
    assert token["identitySource"] == "method.request.header.Authorization"
    assert token["authorizerResultTtlInSeconds"] == 300
    assert token["authorizerUri"].endswith("/invocations") and ":function:" in token["authorizerUri"]
    request = authorizers["RequestAuth"]
    assert request["type"] == "REQUEST" and request["identitySource"] == "method.request.header.X-Pass"
    assert request["authorizerResultTtlInSeconds"] == 0
    assert answer(apigw.get_authorizer(restApiId=rest_id, authorizerId=token["id"])) == token


def test_get_deployments_v1(apigw, rest_id):
    deployments = apigw.get_deployments(restApiId=rest_id)["items"]
    stages = apigw.get_stages(restApiId=rest_id)["item"]
    assert {d["id"] for d in deployments} == {s["deploymentId"] for s in stages}
    assert apigw.get_deployment(restApiId=rest_id, deploymentId=deployments[0]["id"])["id"] == deployments[0]["id"]


def test_list_operations_page_with_position(apigw, rest_id):
    everything = apigw.get_resources(restApiId=rest_id, limit=500)["items"]
    first = apigw.get_resources(restApiId=rest_id, limit=3)
    assert len(first["items"]) == 3 and first["position"]
    second = apigw.get_resources(restApiId=rest_id, limit=3, position=first["position"])
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything[:6]]
    paged = [i for p in apigw.get_paginator("get_resources").paginate(restApiId=rest_id, PaginationConfig={"PageSize": 4})
             for i in p["items"]]
    assert [i["id"] for i in paged] == [i["id"] for i in everything]


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


def test_routes_integrations_and_authorizers_v2(apigw2, http_id, stack):
    routes = {r["RouteKey"]: r for r in apigw2.get_routes(ApiId=http_id)["Items"]}
    integrations = {i["IntegrationId"]: i for i in apigw2.get_integrations(ApiId=http_id)["Items"]}
    authorizers = {a["Name"]: a for a in apigw2.get_authorizers(ApiId=http_id)["Items"]}
    assert routes["POST /workflow"]["RouteId"] == stack.resource("StartRoute").physical_id
    start = integrations[routes["POST /workflow"]["Target"].removeprefix("integrations/")]
    assert start["IntegrationId"] == stack.resource("StartIntegration").physical_id
    assert start["IntegrationType"] == "AWS_PROXY" and start["IntegrationSubtype"] == "StepFunctions-StartExecution"
    assert start["PayloadFormatVersion"] == "1.0" and start["RequestParameters"]["Input"] == "$request.body"
    assert start["CredentialsArn"].startswith("arn:aws:iam::") and "IntegrationUri" not in start
    items = integrations[routes["GET /items/{id}"]["Target"].removeprefix("integrations/")]
    assert items["IntegrationType"] == "AWS_PROXY" and items["PayloadFormatVersion"] == "2.0"
    assert items["IntegrationUri"].endswith("/invocations") and items["IntegrationMethod"] == "POST"
    assert routes["GET /jwt"]["AuthorizationType"] == "JWT"
    assert routes["GET /jwt"]["AuthorizationScopes"] == ["orders/read"]
    assert routes["GET /jwt"]["AuthorizerId"] == authorizers["JwtAuth"]["AuthorizerId"]
    assert routes["GET /secure"]["AuthorizationType"] == "CUSTOM"
    assert routes["GET /items/{id}"]["AuthorizationType"] == "NONE" and "AuthorizerId" not in routes["GET /items/{id}"]
    jwt = authorizers["JwtAuth"]
    assert jwt["AuthorizerType"] == "JWT" and jwt["IdentitySource"] == ["$request.header.Authorization"]
    assert jwt["JwtConfiguration"]["Audience"] == ["statewright-tests"]
    lambda_auth = authorizers["LambdaAuth"]
    assert lambda_auth["AuthorizerType"] == "REQUEST" and lambda_auth["EnableSimpleResponses"] is True
    assert lambda_auth["AuthorizerPayloadFormatVersion"] == "2.0"
    assert answer(apigw2.get_route(ApiId=http_id, RouteId=routes["GET /jwt"]["RouteId"])) == routes["GET /jwt"]
    assert answer(apigw2.get_integration(ApiId=http_id, IntegrationId=start["IntegrationId"])) == start
    stage = apigw2.get_stage(ApiId=http_id, StageName="$default")
    assert stage["AutoDeploy"] is True and stage["DeploymentId"]
    assert [d["DeploymentId"] for d in apigw2.get_deployments(ApiId=http_id)["Items"]] == [stage["DeploymentId"]]
    with pytest.raises(ClientError) as caught:
        apigw2.get_integration(ApiId=http_id, IntegrationId="nope123")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_aws_cli_reads_resources_and_integrations(server, rest_id, http_id):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")

    def cli(*args: str) -> Any:
        done = subprocess.run([sys.executable, "-m", "awscli", *args, "--endpoint-url", server.endpoint, "--output",
                               "json"], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    resources = cli("apigateway", "get-resources", "--rest-api-id", rest_id, "--embed", "methods")["items"]
    by_path = {r["path"]: r for r in resources}
    assert by_path["/items/{id}"]["resourceMethods"]["GET"]["methodIntegration"]["type"] == "AWS_PROXY"
    assert {s["stageName"] for s in cli("apigateway", "get-stages", "--rest-api-id", rest_id)["item"]} == {"dev", "Stage"}
    integrations = cli("apigatewayv2", "get-integrations", "--api-id", http_id)["Items"]
    assert "StepFunctions-StartExecution" in {i.get("IntegrationSubtype") for i in integrations}


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


def test_usage_plans_and_their_keys(apigw, rest_id):
    [plan] = apigw.get_usage_plans()["items"]
    assert plan["apiStages"] == [{"apiId": rest_id, "stage": "dev"}]
    assert plan["quota"] == {"limit": 1000, "offset": 0, "period": "DAY"} and "throttle" not in plan
    [key] = apigw.get_api_keys()["items"]
    assert [k["id"] for k in apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == [key["id"]]
    assert apigw.get_usage_plans(keyId=key["id"])["items"] == [plan]
    assert answer(apigw.get_usage_plan(usagePlanId=plan["id"])) == plan
    with pytest.raises(ClientError) as caught:
        apigw.get_usage_plan(usagePlanId="nope")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_a_usage_plan_quota_is_enforced_over_http(server, rest_id):
    from statewright.services.apigateway.types import ApiKey, UsagePlan

    from .conftest import send

    gateway = server.runtime.services["apigateway"]
    gateway.put_usage_plan(UsagePlan("tight", "tight", frozenset({(rest_id, "dev")}), quota_limit=2))
    gateway.put_api_key(ApiKey("k-tight", "tight", "t" * 40, stages=frozenset({(rest_id, "dev")}), plans=("tight",)))
    url = f"{server.endpoint}/restapis/{rest_id}/dev/_user_request_/keyed"
    try:
        answers = [send(url, headers={"x-api-key": "t" * 40}) for _ in range(3)]
    finally:
        gateway.remove_api_key("k-tight")
        gateway.remove_usage_plan("tight")
    assert [a.status for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"message": "Limit Exceeded"}


def test_unsigned_rest_reads_as_the_console_sends_them(server, rest_id, http_id):
    """The console reads the management API with plain GETs (no SigV4)."""
    from .conftest import send

    resources = send(f"{server.endpoint}/restapis/{rest_id}/resources?embed=methods&limit=500").json()
    by_path = {r["path"]: r for r in resources["item"]}  # the wire name of `items`
    assert by_path["/items/{id}"]["resourceMethods"]["GET"]["methodIntegration"]["type"] == "AWS_PROXY"
    assert "position" not in resources
    integrations = send(f"{server.endpoint}/v2/apis/{http_id}/integrations").json()["items"]
    assert {i["integrationType"] for i in integrations} == {"AWS_PROXY"}
    assert all(i["integrationId"] for i in integrations)
