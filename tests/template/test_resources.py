"""resources: what Ref and Fn::GetAtt give per type, and a registry callers extend."""

from __future__ import annotations

import re

import pytest

from statewright.template.naming import Naming
from statewright.template.resources import Identity, ResourceProviders, default_providers

NAMING = Naming(stack_name="shop", region="eu-west-1", account="111122223333")
ARN = "arn:aws:{service}:eu-west-1:111122223333:{resource}"


def identify(resource_type, properties=None, logical_id="Thing"):
    return default_providers().identify(NAMING, logical_id, resource_type, properties or {})


@pytest.mark.parametrize("resource_type,properties,ref,attributes", [
    ("AWS::Lambda::Function", {"FunctionName": "orders"}, "orders",
     {"Arn": ARN.format(service="lambda", resource="function:orders")}),
    ("AWS::StepFunctions::StateMachine", {"StateMachineName": "flow"},
     ARN.format(service="states", resource="stateMachine:flow"),
     {"Arn": ARN.format(service="states", resource="stateMachine:flow"), "Name": "flow",
      "StateMachineRevisionId": ARN.format(service="states", resource="stateMachine:flow")}),
    ("AWS::IAM::Role", {"RoleName": "worker", "Path": "/service/"}, "worker",
     {"Arn": "arn:aws:iam::111122223333:role/service/worker"}),
    ("AWS::Logs::LogGroup", {"LogGroupName": "/aws/lambda/orders"}, "/aws/lambda/orders",
     {"Arn": ARN.format(service="logs", resource="log-group:/aws/lambda/orders:*")}),
    ("AWS::DynamoDB::Table", {"TableName": "orders", "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}},
     "orders", {"Arn": ARN.format(service="dynamodb", resource="table/orders")}),
    ("AWS::S3::Bucket", {"BucketName": "shop-files"}, "shop-files",
     {"Arn": "arn:aws:s3:::shop-files", "DomainName": "shop-files.s3.amazonaws.com",
      "RegionalDomainName": "shop-files.s3.eu-west-1.amazonaws.com",
      "WebsiteURL": "http://shop-files.s3-website-eu-west-1.amazonaws.com"}),
    ("AWS::SQS::Queue", {"QueueName": "jobs"}, "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
     {"Arn": ARN.format(service="sqs", resource="jobs"), "QueueName": "jobs",
      "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"}),
    ("AWS::SNS::Topic", {"TopicName": "alerts"}, ARN.format(service="sns", resource="alerts"),
     {"TopicArn": ARN.format(service="sns", resource="alerts"), "TopicName": "alerts"}),
    ("AWS::Lambda::LayerVersion", {"LayerName": "deps"}, ARN.format(service="lambda", resource="layer:deps:1"),
     {"LayerVersionArn": ARN.format(service="lambda", resource="layer:deps:1")}),
    ("AWS::Lambda::Version", {"FunctionName": "orders"}, ARN.format(service="lambda", resource="function:orders:1"),
     {"Version": "1"}),
    ("AWS::Lambda::Alias", {"FunctionName": ARN.format(service="lambda", resource="function:f"), "Name": "live"},
     ARN.format(service="lambda", resource="function:f:live"),
     {"AliasArn": ARN.format(service="lambda", resource="function:f:live")}),
    ("AWS::Events::Rule", {"Name": "nightly", "EventBusName": "orders"}, "nightly",
     {"Arn": ARN.format(service="events", resource="rule/orders/nightly")}),
    ("AWS::ApiGateway::Stage", {"StageName": "Prod"}, "Prod", {}),
])
def test_ref_and_attributes_as_cloudformation_documents(resource_type, properties, ref, attributes):
    identity = identify(resource_type, properties)
    assert identity.physical_id == ref
    for name, value in attributes.items():
        assert identity.attributes[name] == value


def test_generated_names_when_none_is_given():
    assert re.fullmatch(r"shop-Thing-[A-Z0-9]{12}", identify("AWS::Lambda::Function").physical_id)
    assert re.fullmatch(r"shop-thing-[a-z0-9]{12}", identify("AWS::S3::Bucket").physical_id)
    assert re.fullmatch(r"Thing-[A-Za-z0-9]{12}", identify("AWS::StepFunctions::StateMachine").attributes["Name"])
    assert identify("AWS::SQS::Queue", {"FifoQueue": True}).attributes["QueueName"].endswith(".fifo")


def test_ids_are_stable_and_shaped_like_aws():
    api = identify("AWS::ApiGateway::RestApi")
    assert re.fullmatch(r"[a-z0-9]{10}", api.physical_id) and re.fullmatch(r"[a-z0-9]{10}", api.attributes["RootResourceId"])
    assert api == identify("AWS::ApiGateway::RestApi")
    http = identify("AWS::ApiGatewayV2::Api")
    assert http.attributes["ApiEndpoint"] == f"https://{http.physical_id}.execute-api.eu-west-1.amazonaws.com"
    role = identify("AWS::IAM::Role")
    assert re.fullmatch(r"AROA[A-Z2-7]{17}", role.attributes["RoleId"])


def test_a_table_without_a_stream_has_no_stream_arn():
    assert "StreamArn" not in identify("AWS::DynamoDB::Table").attributes
    assert identify("AWS::DynamoDB::Table", {"StreamSpecification": {"StreamViewType": "KEYS_ONLY"}}) \
        .attributes["StreamArn"].startswith(ARN.format(service="dynamodb", resource="table/shop-Thing-"))


def test_unknown_types_get_a_generated_name_and_no_attributes():
    identity = identify("AWS::Kinesis::Stream")
    assert identity.physical_id.startswith("shop-Thing-") and identity.attributes == {}


def test_the_registry_is_extended_per_caller_not_globally():
    providers = default_providers()
    providers.register("AWS::Kinesis::Stream",
                       lambda naming, logical_id, props: Identity(props["Name"], {"Arn": naming.arn("kinesis", "stream/" + props["Name"])}))
    identity = providers.identify(NAMING, "S", "AWS::Kinesis::Stream", {"Name": "clicks"})
    assert identity.attributes["Arn"] == ARN.format(service="kinesis", resource="stream/clicks")
    assert "AWS::Kinesis::Stream" in providers
    assert "AWS::Kinesis::Stream" not in default_providers()
    assert "AWS::Kinesis::Stream" not in ResourceProviders()
