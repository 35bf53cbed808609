"""State machines a template declares: created, updated in place (executions and versions kept),
left alone when unchanged, removed; invalid input refused as CreateStateMachine refuses it."""

from __future__ import annotations

import json
import time

import pytest

from statewright.services.common import AwsError
from statewright.services.stepfunctions.declared import api_logging, api_tracing

ROLE = "arn:aws:iam::123456789012:role/machine"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
RESULT = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}})


def put(service, definition: str = PASS, **options):
    return service.service.put_state_machine(service.context, name=options.pop("name", "declared"),
                                             definition=definition, role_arn=options.pop("role_arn", ROLE), **options)


def test_creates_then_reports_unchanged(service):
    arn, created = put(service)
    again_arn, again = put(service)
    described = service.handle("DescribeStateMachine", {"stateMachineArn": arn})
    assert (created, again, again_arn) == ("created", "unchanged", arn)
    assert arn == service.arns.state_machine("declared")
    assert described["definition"] == PASS and described["type"] == "STANDARD"


def test_update_keeps_executions_and_versions_and_publishes_nothing(service):
    arn, _ = put(service)
    service.handle("PublishStateMachineVersion", {"stateMachineArn": arn})
    execution = service.handle("StartExecution", {"stateMachineArn": arn})["executionArn"]
    revision = service.handle("DescribeStateMachine", {"stateMachineArn": arn})["revisionId"]
    _, outcome = put(service, RESULT, logging={"level": "OFF", "includeExecutionData": True})
    described = service.handle("DescribeStateMachine", {"stateMachineArn": arn})
    versions = service.handle("ListStateMachineVersions", {"stateMachineArn": arn})["stateMachineVersions"]
    assert outcome == "updated"
    assert described["definition"] == RESULT and described["revisionId"] != revision
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": True}
    assert len(versions) == 1
    deadline = time.monotonic() + 10
    while service.handle("DescribeExecution", {"executionArn": execution})["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert service.handle("DescribeExecution", {"executionArn": execution})["status"] == "SUCCEEDED"


def test_invalid_definition_and_role_are_refused_as_create_refuses_them(service):
    with pytest.raises(AwsError) as bad_definition:
        put(service, json.dumps({"StartAt": "Nowhere", "States": {}}))
    with pytest.raises(AwsError) as bad_role:
        put(service, role_arn="not-a-role")
    with pytest.raises(AwsError) as bad_logging:
        put(service, logging={"level": "ALL", "includeExecutionData": False})
    assert bad_definition.value.code == "InvalidDefinition"
    assert bad_role.value.code == "InvalidArn"
    assert bad_logging.value.code == "InvalidLoggingConfiguration"


def test_remove_deletes_the_machine_and_its_versions(service):
    arn, _ = put(service)
    version = service.handle("PublishStateMachineVersion", {"stateMachineArn": arn})["stateMachineVersionArn"]
    assert service.service.remove_state_machine(service.context, arn) is True
    assert service.service.remove_state_machine(service.context, arn) is False
    assert service.store.get_resource(arn) is None and service.store.get_resource(version) is None


def test_template_configurations_in_the_api_shape():
    group = "arn:aws:logs:us-east-1:123456789012:log-group:g:*"
    assert api_logging({"Level": "ALL", "IncludeExecutionData": "true",
                        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": group}}]}) == {
        "level": "ALL", "includeExecutionData": True,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}]}
    assert api_logging(None) is None
    assert api_tracing({"Enabled": False}) == {"enabled": False}
