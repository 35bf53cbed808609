"""The Step Functions service refuses, before storing anything, what boto3 could not read back,
and answers with AWS's texts: names, alias routing, encryption, activities, foreign ARNs."""

from __future__ import annotations

import json

import pytest

from statewright.services.common import AwsError, RequestContext

ROLE = "arn:aws:iam::123456789012:role/r"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def refused(service, operation: str, request: dict) -> AwsError:
    with pytest.raises(AwsError) as raised:
        service.handle(operation, request)
    return raised.value


def machine(service, name: str = "m", **extra) -> dict:
    return service.handle("CreateStateMachine", {"name": name, "definition": PASS, "roleArn": ROLE, **extra})


@pytest.mark.parametrize("extra", [
    {"loggingConfiguration": {"level": "ALL", "destinations": "notalist"}},
    {"encryptionConfiguration": 5},
    {"tracingConfiguration": {"enabled": "yes"}},
    {"tags": {"key": "k"}},
])
def test_what_boto3_could_not_read_back_is_never_stored(service, extra):
    assert refused(service, "CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                                   **extra}).code == "SerializationException"
    assert service.handle("ListStateMachines", {})["stateMachines"] == []


def test_reverse_order_must_be_a_boolean(service):
    arn = machine(service)["stateMachineArn"]
    execution = service.handle("StartExecution", {"stateMachineArn": arn})["executionArn"]
    assert refused(service, "GetExecutionHistory", {"executionArn": execution,
                                                    "reverseOrder": "false"}).code == "SerializationException"


@pytest.mark.parametrize("operation", ["CreateStateMachine", "CreateActivity", "StartExecution"])
def test_a_name_over_80_characters_is_a_validation_error(service, operation):
    request = {"name": "n" * 81}
    if operation == "CreateStateMachine":
        request.update(definition=PASS, roleArn=ROLE)
    if operation == "StartExecution":
        request["stateMachineArn"] = machine(service)["stateMachineArn"]
    error = refused(service, operation, request)
    assert (error.code, error.message) == ("ValidationException", (
        f"1 validation error detected: Value '{'n' * 81}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80"))


@pytest.mark.parametrize("bad", ["a\ufffe", "b\uffff"])
def test_noncharacters_in_names_are_invalid_names(service, bad):
    assert refused(service, "CreateActivity", {"name": bad}).code == "InvalidName"


def _versions(service) -> tuple[str, str]:
    created = machine(service, publish=True)
    second = service.handle("UpdateStateMachine", {"stateMachineArn": created["stateMachineArn"],
                                                   "definition": PASS.replace('"P"', '"Q"'), "publish": True})
    return created["stateMachineVersionArn"], second["stateMachineVersionArn"]


def test_alias_routing_errors_have_awss_texts(service):
    first, second = _versions(service)

    def alias(routes):
        return refused(service, "CreateStateMachineAlias", {"name": "live", "routingConfiguration": [
            {"stateMachineVersionArn": arn, "weight": weight} for arn, weight in routes]})

    assert alias([(first, 70), (second, 29)]).message == \
        "Sum of routing configuration weights must equal 100. Received: [70, 29]"
    assert alias([(first, 50), (first, 50)]).message == \
        f"Routing configuration must contain distinct state machine version ARNs. Received: [{first}, {first}]"
    machine_arn = first.rsplit(":", 1)[0]
    assert alias([(machine_arn, 50), (second, 50)]).message == \
        f"Routing configuration must contain state machine version ARNs. Received: [{machine_arn}, {second}]"
    service.handle("CreateStateMachineAlias", {"name": "live", "routingConfiguration": [
        {"stateMachineVersionArn": first, "weight": 100}]})
    conflict = alias([(second, 100)])
    assert conflict.code == "ConflictException" and conflict.message == (
        "Failed to create alias because an alias with the same name and a different routing configuration "
        "already exists.")
    in_use = refused(service, "DeleteStateMachineVersion", {"stateMachineVersionArn": first})
    assert in_use.message == ("Version to be deleted must not be referenced by an alias. Current list of aliases "
                              "referencing this version: [live]")


@pytest.mark.parametrize(("configuration", "code"), [
    ({"type": "CUSTOMER_MANAGED_KMS_KEY"}, "InvalidEncryptionConfiguration"),
    ({"type": "AWS_OWNED_KEY", "kmsKeyId": "alias/k"}, "InvalidEncryptionConfiguration"),
    ({"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "alias/k", "kmsDataKeyReusePeriodSeconds": 30},
     "ValidationException"),
    ({"type": "PLAIN"}, "ValidationException"),
    ({}, "ValidationException"),
])
def test_encryption_configurations_are_checked(service, configuration, code):
    assert refused(service, "CreateActivity", {"name": "a", "encryptionConfiguration": configuration}).code == code
    assert refused(service, "CreateStateMachine", {"name": "m", "definition": PASS, "roleArn": ROLE,
                                                   "encryptionConfiguration": configuration}).code == code


def test_a_customer_key_is_kept_and_an_activity_cannot_change_its_encryption(service):
    key = {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "alias/k", "kmsDataKeyReusePeriodSeconds": 120}
    arn = service.handle("CreateActivity", {"name": "a", "encryptionConfiguration": key})["activityArn"]
    assert service.handle("DescribeActivity", {"activityArn": arn})["encryptionConfiguration"] == key
    # The same name again is idempotent (tags are ignored, as on AWS), another encryption is not.
    assert service.handle("CreateActivity", {"name": "a", "encryptionConfiguration": key,
                                             "tags": [{"key": "k", "value": "v"}]})["activityArn"] == arn
    error = refused(service, "CreateActivity", {"name": "a"})
    assert error.code == "ActivityAlreadyExists"
    plain = service.handle("CreateActivity", {"name": "b"})["activityArn"]
    assert service.handle("DescribeActivity", {"activityArn": plain})["encryptionConfiguration"] == \
        {"type": "AWS_OWNED_KEY"}


@pytest.mark.parametrize("context", [RequestContext(region="us-west-2"), RequestContext(account="999999999999")])
def test_arns_of_another_region_or_account_are_refused_and_left_alone(service, context):
    arn = machine(service)["stateMachineArn"]
    elsewhere = service.service
    with pytest.raises(AwsError) as raised:
        elsewhere.handle("DeleteStateMachine", {"stateMachineArn": arn}, context)
    assert raised.value.code == "InvalidArn" and arn in raised.value.message
    with pytest.raises(AwsError):
        elsewhere.handle("StartExecution", {"stateMachineArn": arn}, context)
    assert service.handle("DescribeStateMachine", {"stateMachineArn": arn})["name"] == "m"


def test_unpaired_surrogates_never_reach_the_store_or_an_execution(service):
    arn = machine(service)["stateMachineArn"]
    # Raw in a string member: the model check refuses it.
    assert refused(service, "StartExecution", {"stateMachineArn": arn, "input": '{"a": "\ud800"}'}).code == \
        "ValidationException"
    # Escaped inside the JSON text: valid JSON, but no valid text once read.
    assert refused(service, "StartExecution", {"stateMachineArn": arn, "input": '{"a": "\\ud800"}'}).code == \
        "InvalidExecutionInput"
    assert refused(service, "ListStateMachines", {"nextToken": "tok\udc00"}).code == "ValidationException"
    assert service.handle("ListExecutions", {"stateMachineArn": arn})["executions"] == []
    # A pair written as two escapes is one character: accepted.
    service.handle("StartExecution", {"stateMachineArn": arn, "input": '{"a": "\\ud83d\\ude00"}'})


@pytest.mark.parametrize("routes", [[None], [None, None], [{"stateMachineVersionArn": None, "weight": 100}]])
def test_null_routes_are_validation_errors(service, routes):
    error = refused(service, "CreateStateMachineAlias", {"name": "live", "routingConfiguration": routes})
    assert error.code == "ValidationException" and "Member must not be null" in error.message
