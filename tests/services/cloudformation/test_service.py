"""The CloudFormation service over stack records in a real store: statuses across updates,
the read operations, and CloudFormation's errors."""

from __future__ import annotations

import json

import pytest

from statewright.services.cloudformation import CloudFormationService, ResourceState, StackState, save_stack
from statewright.services.common import AwsError, RequestContext
from statewright.store import SqliteStore

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/0000-1111"
HERE = RequestContext(region="us-east-1", account="123456789012")


@pytest.fixture
def store(tmp_path):
    opened = SqliteStore(tmp_path)
    yield opened
    opened.close()


def state(*resources: ResourceState, fingerprint: str = "v1", **changes) -> StackState:
    fields = dict(stack_id=STACK_ID, name="shop", description="A shop", template_body="Resources: {}\n",
                  parameters=[{"ParameterKey": "Secret", "ParameterValue": "****"}],
                  outputs=[{"OutputKey": "Url", "OutputValue": "http://127.0.0.1:4590/x", "Description": "where"}],
                  processed_template={"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Metadata": {"k": 1}}}},
                  fingerprint=fingerprint, resources=resources)
    fields.update(changes)
    return StackState(**fields)


FN = ResourceState("Fn", "AWS::Lambda::Function", "shop-Fn-ABC", "p1")
QUEUE = ResourceState("Queue", "AWS::SQS::Queue", "https://q", "p1", reason="not emulated", emulated=False)


def call(store, operation: str, **request) -> dict:
    return CloudFormationService(store).handle(operation, request, HERE)


def test_a_new_stack_is_create_complete_with_outputs_and_parameters(store):
    assert save_stack(store, state(FN, QUEUE), now=100.0) == "CREATE_COMPLETE"
    [stack] = call(store, "DescribeStacks")["Stacks"]
    assert stack["StackId"] == STACK_ID and stack["StackName"] == "shop"
    assert stack["StackStatus"] == "CREATE_COMPLETE" and "LastUpdatedTime" not in stack
    assert stack["Outputs"] == [{"OutputKey": "Url", "OutputValue": "http://127.0.0.1:4590/x", "Description": "where"}]
    assert stack["Parameters"] == [{"ParameterKey": "Secret", "ParameterValue": "****"}]
    assert call(store, "DescribeStacks", StackName=STACK_ID)["Stacks"][0]["StackName"] == "shop"


def test_an_unchanged_restart_keeps_statuses_and_a_change_updates(store):
    save_stack(store, state(FN, QUEUE), now=100.0)
    assert save_stack(store, state(FN, QUEUE), now=200.0) == "CREATE_COMPLETE"
    changed = ResourceState("Fn", "AWS::Lambda::Function", "shop-Fn-ABC", "p2")
    assert save_stack(store, state(changed, fingerprint="v2"), now=300.0) == "UPDATE_COMPLETE"
    [stack] = call(store, "DescribeStacks", StackName="shop")["Stacks"]
    summaries = call(store, "ListStackResources", StackName="shop")["StackResourceSummaries"]
    assert stack["LastUpdatedTime"] == 300.0
    assert [(s["LogicalResourceId"], s["ResourceStatus"]) for s in summaries] == [("Fn", "UPDATE_COMPLETE")]
    assert summaries[0]["LastUpdatedTimestamp"] == 300.0


def test_resources_with_reasons_details_and_metadata(store):
    save_stack(store, state(FN, QUEUE), now=100.0)
    summaries = {s["LogicalResourceId"]: s for s in call(store, "ListStackResources", StackName="shop")
                 ["StackResourceSummaries"]}
    detail = call(store, "DescribeStackResource", StackName="shop", LogicalResourceId="Fn")["StackResourceDetail"]
    by_physical = call(store, "DescribeStackResources", PhysicalResourceId="https://q")["StackResources"]
    by_logical = call(store, "DescribeStackResources", StackName="shop", LogicalResourceId="Fn")["StackResources"]
    assert summaries["Queue"]["ResourceStatusReason"] == "not emulated"
    assert "ResourceStatusReason" not in summaries["Fn"]
    assert detail["PhysicalResourceId"] == "shop-Fn-ABC" and json.loads(detail["Metadata"]) == {"k": 1}
    assert [(r["StackName"], r["LogicalResourceId"]) for r in by_physical] == [("shop", "Queue")]
    assert [r["PhysicalResourceId"] for r in by_logical] == ["shop-Fn-ABC"]


def test_get_template_stages_and_list_stacks_filter(store):
    save_stack(store, state(FN), now=100.0)
    original = call(store, "GetTemplate", StackName="shop")
    processed = call(store, "GetTemplate", StackName="shop", TemplateStage="Processed")
    assert original["TemplateBody"] == "Resources: {}\n"
    assert json.loads(processed["TemplateBody"])["Resources"]["Fn"]["Type"] == "AWS::Lambda::Function"
    assert [s["StackName"] for s in call(store, "ListStacks")["StackSummaries"]] == ["shop"]
    assert call(store, "ListStacks", StackStatusFilter=["UPDATE_COMPLETE"])["StackSummaries"] == []


def test_errors_are_cloudformations(store):
    save_stack(store, state(FN), now=100.0)
    other_region = RequestContext(region="eu-west-1", account="123456789012")
    assert CloudFormationService(store).handle("DescribeStacks", {}, other_region) == {"Stacks": []}
    for operation, request, message in (
            ("DescribeStacks", {"StackName": "nope"}, "Stack with id nope does not exist"),
            ("DescribeStackResource", {"StackName": "shop", "LogicalResourceId": "Nope"},
             "Resource Nope does not exist for stack shop"),
            ("GetTemplate", {"StackName": "shop", "TemplateStage": "Later"}, "Member must satisfy enum value set"),
            ("DescribeStackResources", {}, "Either StackName or PhysicalResourceId must be specified")):
        with pytest.raises(AwsError) as raised:
            call(store, operation, **request)
        assert raised.value.code == "ValidationError" and message in raised.value.message
    with pytest.raises(AwsError) as unknown:
        call(store, "CreateStack", StackName="x")
    assert unknown.value.code == "InvalidAction"
