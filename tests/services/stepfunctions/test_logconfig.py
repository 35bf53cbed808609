"""services.stepfunctions.logconfig: the loggingConfiguration rule of CreateStateMachine and
UpdateStateMachine, over its input space, with AWS's texts."""

from __future__ import annotations

import json

import pytest

from statewright.services.common import AwsError
from statewright.services.stepfunctions.logconfig import (
    NO_QUALIFIER,
    NOT_A_LOG_GROUP,
    ONE_DESTINATION,
    checked_logging,
)

ROLE = "arn:aws:iam::123456789012:role/r"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders:*"


def to(*arns) -> list[dict]:
    return [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}} for arn in arns]


# (configuration, (error code, message) or the stored configuration)
ACCEPTED = [
    ({}, {"level": "OFF", "includeExecutionData": False}),
    ({"level": "OFF"}, {"level": "OFF", "includeExecutionData": False}),
    ({"level": "OFF", "includeExecutionData": True}, {"level": "OFF", "includeExecutionData": True}),
    ({"level": "OFF", "destinations": to(GROUP)},
     {"level": "OFF", "includeExecutionData": False, "destinations": to(GROUP)}),
    *[({"level": level, "destinations": to(GROUP)},
       {"level": level, "includeExecutionData": False, "destinations": to(GROUP)}) for level in ("ALL", "ERROR", "FATAL")],
    ({"level": "ALL", "includeExecutionData": True, "destinations": to(GROUP)},
     {"level": "ALL", "includeExecutionData": True, "destinations": to(GROUP)}),
    ({"level": "ERROR", "destinations": to("arn:aws-cn:logs:cn-north-1:123456789012:log-group:a.b-c_d/e#f:*")},
     {"level": "ERROR", "includeExecutionData": False,
      "destinations": to("arn:aws-cn:logs:cn-north-1:123456789012:log-group:a.b-c_d/e#f:*")}),
]
REFUSED = [
    *[({"level": level}, ONE_DESTINATION) for level in ("ALL", "ERROR", "FATAL")],
    ({"level": "ALL", "destinations": []}, ONE_DESTINATION),
    ({"level": "ALL", "destinations": to(GROUP, GROUP)}, ONE_DESTINATION),
    ({"level": "OFF", "destinations": to(GROUP, GROUP)}, ONE_DESTINATION),
    ({"level": "ALL", "destinations": to(GROUP[:-2])}, NO_QUALIFIER),
    ({"level": "ALL", "destinations": to(GROUP[:-1] + "x")}, NO_QUALIFIER),
    ({"level": "ALL", "destinations": to(GROUP + ":*")}, NO_QUALIFIER),
    ({"level": "OFF", "destinations": to(GROUP[:-2])}, NO_QUALIFIER),
    ({"level": "ALL", "destinations": to("arn:aws:s3:::bucket")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("arn:aws:logs:us-east-1:123456789012:destination:d:*")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("arn:aws:logs::123456789012:log-group:g:*")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("arn:aws:logs:us-east-1::log-group:g:*")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("arn:aws:logs:us-east-1:123456789012:log-group::*")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("arn:aws:logs:us-east-1:123456789012:log-group:bad name:*")},
     NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": to("/aws/vendedlogs/states/orders")}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": [{}]}, NOT_A_LOG_GROUP),
    ({"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {}}]}, NOT_A_LOG_GROUP),
]


@pytest.mark.parametrize(("configuration", "stored"), ACCEPTED)
def test_accepted_configurations_are_stored_as_described(service, configuration, stored):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                                "loggingConfiguration": configuration})["stateMachineArn"]
    described = service.handle("DescribeStateMachine", {"stateMachineArn": arn})
    assert described["loggingConfiguration"] == stored


@pytest.mark.parametrize(("configuration", "message"), REFUSED)
@pytest.mark.parametrize("operation", ["CreateStateMachine", "UpdateStateMachine"])
def test_refused_configurations_answer_invalid_logging_configuration(service, operation, configuration, message):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE})["stateMachineArn"]
    request = ({"name": "other", "definition": PASS, "roleArn": ROLE} if operation == "CreateStateMachine"
               else {"stateMachineArn": arn})
    with pytest.raises(AwsError) as refused:
        service.handle(operation, {**request, "loggingConfiguration": configuration})
    assert (refused.value.code, refused.value.message) == ("InvalidLoggingConfiguration", message)
    machines = service.handle("ListStateMachines", {})["stateMachines"]
    assert [machine["name"] for machine in machines] == ["m"]  # nothing stored
    described = service.handle("DescribeStateMachine", {"stateMachineArn": arn})
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}


@pytest.mark.parametrize(("configuration", "code", "text"), [
    ({"level": "DEBUG", "destinations": to(GROUP)}, "ValidationException",
     "Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"),
    ({"level": "ALL", "includeExecutionData": "yes", "destinations": to(GROUP)}, "SerializationException",
     "includeExecutionData"),
    ({"level": "ALL", "destinations": to("")}, "ValidationException", "Member must have length greater than or equal to 1"),
])
def test_what_the_model_forbids_is_refused_before_the_rule(service, configuration, code, text):
    with pytest.raises(AwsError) as refused:
        service.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                              "loggingConfiguration": configuration})
    assert refused.value.code == code and text in refused.value.message


@pytest.mark.parametrize(("configuration", "code"), [
    ({"level": "DEBUG", "destinations": to(GROUP)}, "ValidationException"),
    ({"level": "ALL", "includeExecutionData": "yes", "destinations": to(GROUP)}, "SerializationException"),
    ({"level": "ALL", "destinations": "notalist"}, "SerializationException"),
    ("ALL", "SerializationException"),
])
def test_the_rule_alone_refuses_what_skips_the_request_layer(configuration, code):
    # A template's machine reaches the rule without the model's checks (declared.put_state_machine).
    with pytest.raises(AwsError) as refused:
        checked_logging(configuration)
    assert refused.value.code == code
    assert "level" in refused.value.message or "loggingConfiguration" in refused.value.message


def test_an_update_replaces_the_whole_configuration(service):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                                "loggingConfiguration": {"level": "ALL", "includeExecutionData": True,
                                                                         "destinations": to(GROUP)}})["stateMachineArn"]
    service.handle("UpdateStateMachine", {"stateMachineArn": arn, "loggingConfiguration": {"level": "OFF"}})
    described = service.handle("DescribeStateMachine", {"stateMachineArn": arn})
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
