"""Reading OpenAPI documents with API Gateway's extensions into routes and authorizers."""

from __future__ import annotations

import pytest

from statewright.services.apigateway.definitions import api_from_openapi
from statewright.services.apigateway.types import HTTP, REST
from statewright.services.common import AwsError

MOCK = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}}


def document(security_schemes: dict, security: list) -> dict:
    return {"swagger": "2.0", "info": {"title": "t"}, "securityDefinitions": security_schemes,
            "paths": {"/a": {"get": {"x-amazon-apigateway-integration": MOCK, "security": security}}}}


def test_token_authorizer_defaults():
    api = api_from_openapi("abc", document({"Tok": {
        "type": "apiKey", "name": "X-Token", "in": "header", "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:fn"}}}, [{"Tok": []}]), REST)
    authorizer = api.authorizers["Tok"]
    assert authorizer.type == "TOKEN" and authorizer.ttl_seconds == 300
    assert authorizer.identity_sources == ("method.request.header.X-Token",)
    assert api.routes[0].authorizer == "Tok" and not api.routes[0].api_key_required


def test_api_key_iam_and_cognito_schemes():
    schemes = {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "AWS_IAM": {"type": "apiKey", "name": "Authorization", "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4"},
        "Pool": {"type": "apiKey", "name": "Authorization", "in": "header",
                 "x-amazon-apigateway-authtype": "cognito_user_pools",
                 "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:p"]}},
    }
    keyed = api_from_openapi("abc", document(schemes, [{"api_key": []}]), REST).routes[0]
    assert keyed.api_key_required and keyed.authorizer is None
    for name in ("AWS_IAM", "Pool"):
        route = api_from_openapi("abc", document(schemes, [{name: []}]), REST).routes[0]
        assert not route.api_key_required and route.authorizer is None


def test_any_method_validators_and_refs():
    body = {"openapi": "3.0.1", "info": {"title": "t"},
            "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": True,
                                                               "validateRequestParameters": True}},
            "x-amazon-apigateway-request-validator": "all",
            "components": {"schemas": {"S": {"type": "object"}}},
            "paths": {"/x/{proxy+}": {"x-amazon-apigateway-any-method": {
                "x-amazon-apigateway-integration": MOCK,
                "parameters": [{"name": "q", "in": "query", "required": True}],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}}
    route = api_from_openapi("abc", body, HTTP).routes[0]
    assert route.method == "ANY" and route.path == "/x/{proxy+}"
    assert route.validate_body and route.validate_params
    assert route.body_schemas == {"application/json": {"type": "object"}}
    assert route.required_params == (("query", "q"),)
    assert route.integration is not None and route.integration.payload_format == "2.0"


def test_bad_integration_names_the_field():
    body = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"uri": "x"}}}}}
    with pytest.raises(AwsError) as caught:
        api_from_openapi("abc", body, REST)
    assert "paths./a.get" in caught.value.message


@pytest.mark.parametrize(("integration", "field"), [
    ({"type": "mock", "timeoutInMillis": "soon"}, "timeoutInMillis"),
    ({"type": "mock", "timeoutInMillis": 10}, "timeoutInMillis"),
    ({"type": "mock", "requestTemplates": "x"}, "requestTemplates"),
])
def test_bad_integration_fields_are_named(integration, field):
    body = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": integration}}}}
    with pytest.raises(AwsError) as caught:
        api_from_openapi("abc", body, REST)
    assert f"paths./a.get.x-amazon-apigateway-integration.{field}" in caught.value.message
    assert caught.value.code == "BadRequestException"
