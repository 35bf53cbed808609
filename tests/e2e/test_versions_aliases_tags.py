"""Versions, aliases and tags through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import PASS, make_machine, unique, wait_done
from .test_machines import code

OTHER = {"StartAt": "Q", "States": {"Q": {"Type": "Pass", "Result": "v2", "End": True}}}


def test_publish_list_describe_and_delete_versions(sfn):
    machine = make_machine(sfn, PASS, publish=True, versionDescription="first")
    versions = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [f"{machine}:1"]
    again = sfn.publish_state_machine_version(stateMachineArn=machine)
    assert again["stateMachineVersionArn"] == f"{machine}:1"  # the same revision: the same version
    revision = sfn.update_state_machine(stateMachineArn=machine, definition=json.dumps(OTHER))["revisionId"]
    with pytest.raises(ClientError) as error:
        sfn.publish_state_machine_version(stateMachineArn=machine, revisionId="stale")
    assert code(error) == "ConflictException"
    second = sfn.publish_state_machine_version(stateMachineArn=machine, revisionId=revision, description="two")
    assert second["stateMachineVersionArn"] == f"{machine}:2"
    described = sfn.describe_state_machine(stateMachineArn=f"{machine}:1")
    assert json.loads(described["definition"]) == PASS and described["description"] == "first"
    newest_first = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in newest_first] == [f"{machine}:2", f"{machine}:1"]
    run = sfn.start_execution(stateMachineArn=f"{machine}:1")["executionArn"]
    done = wait_done(sfn, run)
    assert done["stateMachineVersionArn"] == f"{machine}:1" and json.loads(done["output"]) == {}
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{machine}:2")
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine(stateMachineArn=f"{machine}:2")
    assert code(error) == "StateMachineDoesNotExist"


def test_aliases_route_to_versions(sfn):
    machine = make_machine(sfn, PASS, publish=True)
    sfn.update_state_machine(stateMachineArn=machine, definition=json.dumps(OTHER), publish=True)
    routes = [{"stateMachineVersionArn": f"{machine}:1", "weight": 100}]
    alias = sfn.create_state_machine_alias(name="live", routingConfiguration=routes,
                                           description="prod")["stateMachineAliasArn"]
    assert alias == f"{machine}:live"
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert (described["name"], described["routingConfiguration"], described["description"]) == ("live", routes, "prod")
    run = wait_done(sfn, sfn.start_execution(stateMachineArn=alias, input='{"k": 1}')["executionArn"])
    assert run["stateMachineAliasArn"] == alias and run["stateMachineVersionArn"] == f"{machine}:1"
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[
        {"stateMachineVersionArn": f"{machine}:2", "weight": 100}])
    run = wait_done(sfn, sfn.start_execution(stateMachineArn=alias)["executionArn"])
    assert json.loads(run["output"]) == "v2"
    by_alias = sfn.list_executions(stateMachineArn=alias)["executions"]
    assert len(by_alias) == 2
    with pytest.raises(ClientError) as error:
        sfn.delete_state_machine_version(stateMachineVersionArn=f"{machine}:2")
    assert code(error) == "ConflictException"
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias]
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(ClientError) as error:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert code(error) == "ResourceNotFound"


@pytest.mark.parametrize("routes, expected", [
    ([{"weight": 50, "v": 1}], "ValidationException"),
    ([{"weight": 50, "v": 1}, {"weight": 40, "v": 2}], "ValidationException"),
    ([{"weight": 100, "v": 9}], "ResourceNotFound"),
])
def test_bad_alias_routing(sfn, routes, expected):
    machine = make_machine(sfn, PASS, publish=True)
    sfn.update_state_machine(stateMachineArn=machine, definition=json.dumps(OTHER), publish=True)
    config = [{"stateMachineVersionArn": f"{machine}:{r['v']}", "weight": r["weight"]} for r in routes]
    with pytest.raises(ClientError) as error:
        sfn.create_state_machine_alias(name=unique("a"), routingConfiguration=config)
    assert code(error) == expected


def test_alias_names_must_not_look_like_versions(sfn):
    machine = make_machine(sfn, PASS, publish=True)
    with pytest.raises(ClientError) as error:
        sfn.create_state_machine_alias(name="42", routingConfiguration=[
            {"stateMachineVersionArn": f"{machine}:1", "weight": 100}])
    # AWS answers the model's pattern (recorded): a ValidationException naming it.
    assert code(error) == "ValidationException"
    assert error.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '42' at 'name' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")


def test_tags_on_machines_and_activities(sfn):
    machine = make_machine(sfn, PASS, tags=[{"key": "team", "value": "a"}])
    assert sfn.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "team", "value": "a"}]
    sfn.tag_resource(resourceArn=machine, tags=[{"key": "env", "value": "dev"}, {"key": "team", "value": "b"}])
    tags = {t["key"]: t["value"] for t in sfn.list_tags_for_resource(resourceArn=machine)["tags"]}
    assert tags == {"env": "dev", "team": "b"}
    sfn.untag_resource(resourceArn=machine, tagKeys=["env"])
    assert sfn.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "team", "value": "b"}]
    activity = sfn.create_activity(name=unique("act"), tags=[{"key": "k", "value": "v"}])["activityArn"]
    assert sfn.list_tags_for_resource(resourceArn=activity)["tags"] == [{"key": "k", "value": "v"}]
    with pytest.raises(ClientError) as error:
        sfn.tag_resource(resourceArn=machine, tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
    assert code(error) == "TooManyTags"
    with pytest.raises(ClientError) as error:
        sfn.list_tags_for_resource(resourceArn="arn:aws:states:us-east-1:123456789012:stateMachine:none")
    assert code(error) == "ResourceNotFound"
