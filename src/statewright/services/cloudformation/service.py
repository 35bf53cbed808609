"""The CloudFormation API (awsQuery) over the stacks the runtime loaded from templates: reads
only. Stacks are created by `statewright serve --template`, not by CreateStack."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from statewright.services.common import AwsError, RequestContext
from statewright.store import Resource, Store

from .records import STACK, STACK_RESOURCE, resource_arn

Operation = Callable[["CloudFormationService", dict[str, Any], RequestContext], dict[str, Any]]
STAGES = ("Original", "Processed")


class CloudFormationService:
    """DescribeStacks, ListStacks, ListStackResources, DescribeStackResources,
    DescribeStackResource and GetTemplate for the stacks in the store (see records.py)."""

    name = "cloudformation"

    def __init__(self, store: Store) -> None:
        self.store = store

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        action = OPERATIONS.get(operation)
        if action is None:
            raise AwsError("InvalidAction", f"Statewright's CloudFormation does not implement the action "
                                            f"{operation}; stacks come from `statewright serve --template`")
        return action(self, input, context)

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        return None

    # --- lookups ---------------------------------------------------------------------------------

    def stacks(self, context: RequestContext) -> list[Resource]:
        prefix = f"arn:{context.partition}:cloudformation:{context.region}:{context.account}:stack/"
        return [stack for stack in self.store.list_resources(STACK, service="cloudformation")
                if stack.arn.startswith(prefix)]

    def stack(self, name: Any, context: RequestContext) -> Resource:
        """The stack a request names by name or stack id; CloudFormation's ValidationError if none."""
        if not isinstance(name, str) or not name:
            raise AwsError("ValidationError", "1 validation error detected: Value null at 'stackName' failed "
                                              "to satisfy constraint: Member must not be null")
        for stack in self.stacks(context):
            if name in (stack.name, stack.arn):
                return stack
        raise AwsError("ValidationError", f"Stack with id {name} does not exist")

    def resources(self, stack: Resource) -> list[Resource]:
        return self.store.list_resources(STACK_RESOURCE, stack.arn)


def describe_stacks(service: CloudFormationService, request: dict[str, Any],
                    context: RequestContext) -> dict[str, Any]:
    name = request.get("StackName")
    stacks = [service.stack(name, context)] if name else service.stacks(context)
    return {"Stacks": [_stack(stack) for stack in stacks]}


def _stack(stack: Resource) -> dict[str, Any]:
    body = stack.body
    described: dict[str, Any] = {
        "StackId": stack.arn, "StackName": stack.name, "CreationTime": stack.created,
        "StackStatus": body["status"], "DisableRollback": False, "Parameters": body.get("parameters", []),
        "Outputs": body.get("outputs", []), "Tags": [], "NotificationARNs": [],
        "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        "EnableTerminationProtection": False, "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    if body.get("description"):
        described["Description"] = body["description"]
    if body.get("lastUpdated") is not None:
        described["LastUpdatedTime"] = body["lastUpdated"]
    return described


def list_stacks(service: CloudFormationService, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    wanted = set(request.get("StackStatusFilter") or [])
    summaries = []
    for stack in service.stacks(context):
        if wanted and stack.body["status"] not in wanted:
            continue
        summary: dict[str, Any] = {"StackId": stack.arn, "StackName": stack.name, "CreationTime": stack.created,
                                   "StackStatus": stack.body["status"],
                                   "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"}}
        if stack.body.get("description"):
            summary["TemplateDescription"] = stack.body["description"]
        if stack.body.get("lastUpdated") is not None:
            summary["LastUpdatedTime"] = stack.body["lastUpdated"]
        summaries.append(summary)
    return {"StackSummaries": summaries}


def _resource(stack: Resource, resource: Resource, *, detail: bool = False) -> dict[str, Any]:
    body = resource.body
    described: dict[str, Any] = {
        "LogicalResourceId": resource.name, "PhysicalResourceId": body["physicalId"],
        "ResourceType": body["type"], "ResourceStatus": body["status"],
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }
    if body.get("reason"):
        described["ResourceStatusReason"] = body["reason"]
    if detail:
        described.update(StackName=stack.name, StackId=stack.arn)
    return described


def list_stack_resources(service: CloudFormationService, request: dict[str, Any],
                         context: RequestContext) -> dict[str, Any]:
    stack = service.stack(request.get("StackName"), context)
    return {"StackResourceSummaries": [{**_resource(stack, resource), "LastUpdatedTimestamp": resource.body["updated"]}
                                       for resource in service.resources(stack)]}


def describe_stack_resources(service: CloudFormationService, request: dict[str, Any],
                             context: RequestContext) -> dict[str, Any]:
    physical = request.get("PhysicalResourceId")
    if request.get("StackName"):
        stack = service.stack(request["StackName"], context)
        candidates = [(stack, resource) for resource in service.resources(stack)]
    elif physical:
        candidates = [(stack, resource) for stack in service.stacks(context) for resource in service.resources(stack)]
    else:
        raise AwsError("ValidationError", "Either StackName or PhysicalResourceId must be specified")
    logical = request.get("LogicalResourceId")
    chosen = [(stack, resource) for stack, resource in candidates
              if (not logical or resource.name == logical) and (not physical or resource.body["physicalId"] == physical)]
    if physical and not request.get("StackName") and not chosen:
        raise AwsError("ValidationError", f"Stack for {physical} does not exist")
    return {"StackResources": [{**_resource(stack, resource, detail=True), "Timestamp": resource.body["updated"]}
                               for stack, resource in chosen]}


def describe_stack_resource(service: CloudFormationService, request: dict[str, Any],
                            context: RequestContext) -> dict[str, Any]:
    stack = service.stack(request.get("StackName"), context)
    logical = request.get("LogicalResourceId")
    found = service.store.get_resource(resource_arn(stack.arn, str(logical))) if logical else None
    if found is None:
        raise AwsError("ValidationError", f"Resource {logical} does not exist for stack {stack.name}")
    detail = {**_resource(stack, found, detail=True), "LastUpdatedTimestamp": found.body["updated"],
              "Metadata": json.dumps(_metadata(stack, found.name))}
    return {"StackResourceDetail": detail}


def _metadata(stack: Resource, logical_id: str) -> dict[str, Any]:
    resources = (stack.body.get("processedTemplate") or {}).get("Resources") or {}
    metadata = (resources.get(logical_id) or {}).get("Metadata")
    return metadata if isinstance(metadata, dict) else {}


def get_template(service: CloudFormationService, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    stack = service.stack(request.get("StackName"), context)
    stage = request.get("TemplateStage") or "Original"
    if stage not in STAGES:
        raise AwsError("ValidationError", f"1 validation error detected: Value '{stage}' at 'templateStage' failed "
                                          "to satisfy constraint: Member must satisfy enum value set: "
                                          "[Original, Processed]")
    body = stack.body["templateBody"] if stage == "Original" else json.dumps(stack.body["processedTemplate"], indent=2)
    return {"TemplateBody": body, "StagesAvailable": list(STAGES)}


OPERATIONS: dict[str, Operation] = {
    "DescribeStacks": describe_stacks,
    "ListStacks": list_stacks,
    "ListStackResources": list_stack_resources,
    "DescribeStackResources": describe_stack_resources,
    "DescribeStackResource": describe_stack_resource,
    "GetTemplate": get_template,
}
