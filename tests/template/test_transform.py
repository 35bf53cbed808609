"""transform: AWS's SAM transform runs offline and yields the CloudFormation AWS would deploy."""

from __future__ import annotations

import pytest

from statewright.template.errors import TemplateError
from statewright.template.transform import SAM_TRANSFORM, check_transforms, expand_sam

CODE = "s3://statewright-local-artifacts/0"


def expand(resources, **sections):
    template = {"Transform": SAM_TRANSFORM, "Resources": resources, **sections}
    return expand_sam(template, parameter_values={}, region="eu-west-1", account="111122223333")


def function(**properties):
    return {"Type": "AWS::Serverless::Function",
            "Properties": {"CodeUri": CODE, "Handler": "app.handler", "Runtime": "python3.12", **properties}}


def test_globals_apply_to_every_function_and_a_role_is_made():
    out = expand({"A": function(), "B": function(Timeout=30)},
                 Globals={"Function": {"Timeout": 7, "MemorySize": 512, "Environment": {"Variables": {"X": "1"}}}})
    resources = out["Resources"]
    assert resources["A"]["Type"] == "AWS::Lambda::Function"
    assert (resources["A"]["Properties"]["Timeout"], resources["B"]["Properties"]["Timeout"]) == (7, 30)
    assert resources["B"]["Properties"]["MemorySize"] == 512
    assert resources["A"]["Properties"]["Environment"] == {"Variables": {"X": "1"}}
    assert resources["A"]["Properties"]["Code"] == {"S3Bucket": "statewright-local-artifacts", "S3Key": "0"}
    assert resources["A"]["Properties"]["Role"] == {"Fn::GetAtt": ["ARole", "Arn"]}
    assert resources["ARole"]["Type"] == "AWS::IAM::Role"
    assert "Globals" not in out and "Transform" not in out


def test_policy_templates_and_managed_policies_expand_offline():
    out = expand({"Fn": function(Policies=[{"DynamoDBCrudPolicy": {"TableName": "orders"}},
                                           "AWSLambdaBasicExecutionRole", "AmazonS3ReadOnlyAccess"])})
    role = out["Resources"]["FnRole"]["Properties"]
    # The managed policy names resolve from the map the translator ships; IAM is never asked.
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in role["ManagedPolicyArns"]
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in role["ManagedPolicyArns"]
    statement = role["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert "dynamodb:PutItem" in statement["Action"]


def test_api_events_make_the_implicit_rest_api():
    out = expand({"Fn": function(Events={"Get": {"Type": "Api", "Properties": {"Path": "/items", "Method": "get"}}})})
    resources = out["Resources"]
    assert resources["ServerlessRestApi"]["Type"] == "AWS::ApiGateway::RestApi"
    assert "/items" in resources["ServerlessRestApi"]["Properties"]["Body"]["paths"]
    assert resources["ServerlessRestApiProdStage"]["Properties"]["StageName"] == "Prod"
    assert resources["FnGetPermissionProd"]["Type"] == "AWS::Lambda::Permission"


def test_http_api_events_make_the_implicit_http_api():
    out = expand({"Fn": function(Events={"Get": {"Type": "HttpApi", "Properties": {"Path": "/x", "Method": "GET"}}})})
    assert out["Resources"]["ServerlessHttpApi"]["Type"] == "AWS::ApiGatewayV2::Api"
    assert out["Resources"]["ServerlessHttpApiApiGatewayDefaultStage"]["Properties"]["StageName"] == "$default"


def test_queue_and_schedule_event_sources():
    out = expand({"Q": {"Type": "AWS::SQS::Queue"},
                  "Fn": function(Events={"Jobs": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}},
                                         "Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}}})})
    resources = out["Resources"]
    assert resources["FnJobs"]["Type"] == "AWS::Lambda::EventSourceMapping"
    assert resources["FnJobs"]["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["Q", "Arn"]}
    assert resources["FnTick"]["Type"] == "AWS::Events::Rule"
    assert resources["FnTick"]["Properties"]["ScheduleExpression"] == "rate(5 minutes)"


def test_layers_expand_to_layer_versions_with_a_hashed_logical_id():
    out = expand({"Deps": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": CODE}},
                  "Fn": function(Layers=[{"Ref": "Deps"}])})
    layers = {name: r for name, r in out["Resources"].items() if r["Type"] == "AWS::Lambda::LayerVersion"}
    (logical_id, layer), = layers.items()
    assert logical_id.startswith("Deps")
    assert layer["Properties"]["Content"] == {"S3Bucket": "statewright-local-artifacts", "S3Key": "0"}
    assert out["Resources"]["Fn"]["Properties"]["Layers"] == [{"Ref": logical_id}]


def test_state_machine_with_definition_uri_and_substitutions():
    out = expand({"Fn": function(),
                  "Flow": {"Type": "AWS::Serverless::StateMachine", "Properties": {
                      "DefinitionUri": "s3://statewright-local-artifacts/1",
                      "DefinitionSubstitutions": {"FnArn": {"Fn::GetAtt": ["Fn", "Arn"]}},
                      "Type": "EXPRESS",
                      "Policies": [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "Fn"}}}]}}})
    machine = out["Resources"]["Flow"]["Properties"]
    assert machine["DefinitionS3Location"] == {"Bucket": "statewright-local-artifacts", "Key": "1"}
    assert machine["DefinitionSubstitutions"] == {"FnArn": {"Fn::GetAtt": ["Fn", "Arn"]}}
    assert machine["StateMachineType"] == "EXPRESS"
    assert machine["RoleArn"] == {"Fn::GetAtt": ["FlowRole", "Arn"]}


def test_transform_errors_name_the_resource():
    with pytest.raises(TemplateError, match="SAM transform failed") as caught:
        expand({"Broken": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "a.b"}}})
    assert caught.value.resource == "Broken"


def test_serverless_repository_applications_are_refused_before_any_call():
    with pytest.raises(TemplateError, match="Serverless Application Repository") as caught:
        expand({"App": {"Type": "AWS::Serverless::Application",
                        "Properties": {"Location": {"ApplicationId": "arn:x", "SemanticVersion": "1.0.0"}}}})
    assert (caught.value.resource, caught.value.field) == ("App", "Properties.Location")


@pytest.mark.parametrize("transform,expected", [
    (None, False), (SAM_TRANSFORM, True), ([SAM_TRANSFORM], True),
])
def test_check_transforms(transform, expected):
    template = {"Resources": {}} if transform is None else {"Transform": transform, "Resources": {}}
    assert check_transforms(template) is expected


@pytest.mark.parametrize("transform", ["AWS::LanguageExtensions", ["AWS::Include", SAM_TRANSFORM],
                                       [{"Name": "AWS::Include"}]])
def test_other_transforms_are_not_supported(transform):
    with pytest.raises(TemplateError, match="not supported locally|only named transforms") as caught:
        check_transforms({"Transform": transform})
    assert caught.value.resource == "Transform"


def test_the_users_aws_profile_and_region_do_not_matter(monkeypatch):
    # A developer's shell may name a profile this machine does not have, or another region.
    monkeypatch.setenv("AWS_PROFILE", "profile-that-does-not-exist")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    out = expand({"Fn": function(Events={"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}})})
    uri = out["Resources"]["ServerlessRestApi"]["Properties"]["Body"]["paths"]["/x"]["get"][
        "x-amazon-apigateway-integration"]["uri"]
    assert "arn:aws:apigateway:${AWS::Region}:lambda" in uri["Fn::Sub"]
    permission = out["Resources"]["FnGetPermissionProd"]["Properties"]["SourceArn"]["Fn::Sub"][0]
    assert permission.startswith("arn:aws:execute-api:")


def test_the_partition_follows_the_stack_region():
    template = {"Transform": SAM_TRANSFORM, "Resources": {"Fn": function(Policies=["AmazonS3ReadOnlyAccess"])}}
    out = expand_sam(template, parameter_values={}, region="cn-north-1", account="111122223333")
    arns = out["Resources"]["FnRole"]["Properties"]["ManagedPolicyArns"]
    assert "arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess" in arns
    assert all(arn.startswith("arn:aws-cn:") for arn in arns)
