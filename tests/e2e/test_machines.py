"""State machine actions through boto3 against the real server."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import PASS, ROLE, make_machine, unique, wait_done


def code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def test_create_describe_list_delete(sfn):
    name = unique()
    created = sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    arn = created["stateMachineArn"]
    assert arn == f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert (described["name"], described["type"], described["status"]) == (name, "STANDARD", "ACTIVE")
    assert json.loads(described["definition"]) == PASS
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert arn in [m["stateMachineArn"] for m in sfn.list_state_machines(maxResults=1000)["stateMachines"]]
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert code(error) == "StateMachineDoesNotExist"
    sfn.delete_state_machine(stateMachineArn=arn)  # deleting again is not an error, as on AWS


def test_create_is_idempotent_for_the_same_configuration_only(sfn):
    name = unique()
    first = sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    again = sfn.create_state_machine(name=name, definition=json.dumps(PASS), roleArn=ROLE)
    assert again["stateMachineArn"] == first["stateMachineArn"]
    other = {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}
    with pytest.raises(ClientError) as error:
        sfn.create_state_machine(name=name, definition=json.dumps(other), roleArn=ROLE)
    assert code(error) == "StateMachineAlreadyExists"


@pytest.mark.parametrize("definition, expected", [
    ("{not json", "InvalidDefinition"),
    (json.dumps({"StartAt": "Missing", "States": {"P": {"Type": "Pass", "End": True}}}), "InvalidDefinition"),
])
def test_invalid_definitions_are_refused(sfn, definition, expected):
    with pytest.raises(ClientError) as error:
        sfn.create_state_machine(name=unique(), definition=definition, roleArn=ROLE)
    assert code(error) == expected
    assert "Invalid State Machine Definition" in error.value.response["Error"]["Message"]


@pytest.mark.parametrize("field, value, expected", [
    ("name", "has space", "InvalidName"),
    ("name", "x" * 81, "ValidationException"),  # the model's length limit comes first, as on AWS
    ("roleArn", "not-an-arn", "InvalidArn"),
    ("type", "MEDIUM", "ValidationException"),
])
def test_bad_create_fields(sfn, field, value, expected):
    request = {"name": unique(), "definition": json.dumps(PASS), "roleArn": ROLE, field: value}
    with pytest.raises(ClientError) as error:
        sfn.create_state_machine(**request)
    assert code(error) == expected


def test_invalid_and_unknown_arns(sfn):
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine(stateMachineArn="arn:nope")
    assert code(error) == "InvalidArn"
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:123456789012:activity:a")
    assert code(error) == "InvalidArn"
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:none")
    assert code(error) == "StateMachineDoesNotExist"


def test_update_changes_the_revision_and_needs_something_to_change(sfn):
    arn = make_machine(sfn, PASS)
    before = sfn.describe_state_machine(stateMachineArn=arn)["revisionId"]
    other = {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(other),
                                       tracingConfiguration={"enabled": True})
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert updated["revisionId"] == described["revisionId"] != before
    assert json.loads(described["definition"]) == other and described["tracingConfiguration"] == {"enabled": True}
    with pytest.raises(ClientError) as error:
        sfn.update_state_machine(stateMachineArn=arn)
    assert code(error) == "MissingRequiredParameter"
    with pytest.raises(ClientError) as error:
        sfn.update_state_machine(stateMachineArn=arn, definition="{}")
    assert code(error) == "InvalidDefinition"


def test_list_state_machines_pages(sfn):
    for _ in range(3):
        make_machine(sfn, PASS)
    seen, token, pages = [], None, 0
    while True:
        page = sfn.list_state_machines(maxResults=2, **({"nextToken": token} if token else {}))
        seen += [m["stateMachineArn"] for m in page["stateMachines"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) >= 3 and pages >= 2
    with pytest.raises(ClientError) as error:
        sfn.list_state_machines(nextToken="garbage")
    assert code(error) == "InvalidToken"
    with pytest.raises(ClientError) as error:
        sfn.list_state_machines(maxResults=1001)
    assert code(error) == "ValidationException"


def test_validate_state_machine_definition(sfn):
    assert sfn.validate_state_machine_definition(definition=json.dumps(PASS))["result"] == "OK"
    bad = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "X", "States": {}}))
    assert bad["result"] == "FAIL" and bad["diagnostics"] and bad["truncated"] is False
    assert {"severity", "code", "message"} <= set(bad["diagnostics"][0])


def test_describe_state_machine_for_execution_keeps_the_definition_it_ran(sfn):
    arn = make_machine(sfn, PASS)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_done(sfn, execution)
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(
        {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}))
    described = sfn.describe_state_machine_for_execution(executionArn=execution)
    assert json.loads(described["definition"]) == PASS and described["stateMachineArn"] == arn
