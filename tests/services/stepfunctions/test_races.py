"""Step Functions actions racing each other on one store: every read-modify-write is atomic.

Each test runs conflicting actions from threads released together by a barrier, many rounds, and
checks an invariant that a lost update or a check-then-act gap would break.
"""

from __future__ import annotations

import json
import threading

from statewright.services.common import AwsError
from statewright.services.stepfunctions.validation import MAX_TAGS

ROLE = "arn:aws:iam::123456789012:role/r"


def _definition(value: int) -> str:
    return json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": value, "End": True}}})




def _race(*actions, rounds: int = 1) -> list[BaseException]:
    """Run the actions on threads released at once; answer what they raised."""
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(actions))

    def run(action):
        for index in range(rounds):
            barrier.wait()
            try:
                action(index)
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                failures.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_updates_racing_publishes_never_reset_the_version_counter(service):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": _definition(0), "roleArn": ROLE})[
        "stateMachineArn"]
    failures = _race(
        lambda index: service.handle("UpdateStateMachine", {"stateMachineArn": arn, "definition": _definition(index + 1)}),
        lambda index: service.handle("PublishStateMachineVersion", {"stateMachineArn": arn}),
        lambda index: service.handle("PublishStateMachineVersion", {"stateMachineArn": arn}),
        rounds=40)
    assert failures == []
    listed = service.handle("ListStateMachineVersions", {"stateMachineArn": arn, "maxResults": 1000})
    numbers = sorted(int(v["stateMachineVersionArn"].rsplit(":", 1)[1]) for v in listed["stateMachineVersions"])
    assert numbers == list(range(1, len(numbers) + 1))
    assert service.store.get_resource(arn).body["nextVersion"] == len(numbers) + 1
    revisions = [service.store.get_resource(f"{arn}:{n}").body["revisionId"] for n in numbers]
    assert len(set(revisions)) == len(revisions)  # one version per revision


def test_create_racing_delete_never_answers_that_the_machine_does_not_exist(service):
    request = {"name": "m", "definition": _definition(1), "roleArn": ROLE}
    arn = service.arns.state_machine("m")
    failures = _race(
        lambda index: service.handle("CreateStateMachine", request),
        lambda index: service.handle("CreateStateMachine", request),
        lambda index: service.handle("DeleteStateMachine", {"stateMachineArn": arn}),
        rounds=200)
    assert failures == []


def test_concurrent_updates_of_different_fields_both_land(service):
    for round_number in range(20):
        arn = service.handle("CreateStateMachine", {"name": f"m{round_number}", "definition": _definition(0),
                                                    "roleArn": ROLE})["stateMachineArn"]
        failures = _race(
            lambda index, arn=arn: service.handle("UpdateStateMachine", {"stateMachineArn": arn,
                                                                          "roleArn": ROLE + "2"}),
            lambda index, arn=arn: service.handle("UpdateStateMachine", {"stateMachineArn": arn,
                                                                          "tracingConfiguration": {"enabled": True}}))
        assert failures == []
        body = service.store.get_resource(arn).body
        assert body["roleArn"] == ROLE + "2" and body["tracingConfiguration"] == {"enabled": True}


def test_tagging_from_two_threads_never_exceeds_the_tag_limit(service):
    half = MAX_TAGS // 2 + 5
    for round_number in range(10):
        arn = service.handle("CreateStateMachine", {"name": f"t{round_number}", "definition": _definition(0),
                                                    "roleArn": ROLE})["stateMachineArn"]

        def tag(prefix: str, arn: str = arn):
            return lambda index: service.handle("TagResource", {
                "resourceArn": arn, "tags": [{"key": f"{prefix}{n}", "value": "v"} for n in range(half)]})

        failures = _race(tag("a"), tag("b"))
        assert [error.code for error in failures if isinstance(error, AwsError)] == ["TooManyTags"]
        assert len(service.store.tags(arn)) == half


def test_deleting_a_version_racing_an_alias_to_it_leaves_no_alias_routing_to_nothing(service):
    arn = service.handle("CreateStateMachine", {"name": "m", "definition": _definition(0), "roleArn": ROLE,
                                                "publish": True})["stateMachineArn"]
    for round_number in range(30):
        version = service.handle("PublishStateMachineVersion", {"stateMachineArn": arn})["stateMachineVersionArn"] \
            if round_number else f"{arn}:1"
        _race(
            lambda index, version=version, alias=f"a{round_number}": service.handle("CreateStateMachineAlias", {
                "name": alias,
                "routingConfiguration": [{"stateMachineVersionArn": version, "weight": 100}]}),
            lambda index, version=version: service.handle("DeleteStateMachineVersion",
                                                          {"stateMachineVersionArn": version}))
        for alias in service.store.list_resources("alias", arn):
            for route in alias.body["routingConfiguration"]:
                assert service.store.get_resource(route["stateMachineVersionArn"]) is not None
        service.handle("UpdateStateMachine", {"stateMachineArn": arn, "definition": _definition(round_number + 1)})


def test_identical_starts_racing_answer_the_same_execution(service):
    # A long Wait keeps the execution RUNNING, the state in which AWS treats the same name and
    # input as the same request (an SDK retry) and answers its ARN again.
    waiting = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    arn = service.handle("CreateStateMachine", {"name": "w", "definition": waiting, "roleArn": ROLE})[
        "stateMachineArn"]
    answers: list[str] = []
    for round_number in range(15):
        request = {"stateMachineArn": arn, "name": f"same-{round_number}", "input": '{"n": 1}'}
        failures = _race(*[lambda index, request=request: answers.append(
            service.handle("StartExecution", request)["executionArn"])] * 8)
        assert failures == []
    assert len(set(answers)) == 15 and len(answers) == 15 * 8


def test_updating_an_alias_racing_the_delete_of_its_new_version_never_routes_to_nothing(service):
    arn = service.handle("CreateStateMachine", {"name": "u", "definition": _definition(0), "roleArn": ROLE,
                                                "publish": True})["stateMachineArn"]
    alias = service.handle("CreateStateMachineAlias", {"name": "live", "routingConfiguration": [
        {"stateMachineVersionArn": f"{arn}:1", "weight": 100}]})["stateMachineAliasArn"]
    for round_number in range(30):
        service.handle("UpdateStateMachine", {"stateMachineArn": arn, "definition": _definition(round_number + 1)})
        version = service.handle("PublishStateMachineVersion", {"stateMachineArn": arn})["stateMachineVersionArn"]
        _race(
            lambda index, version=version: service.handle("UpdateStateMachineAlias", {
                "stateMachineAliasArn": alias,
                "routingConfiguration": [{"stateMachineVersionArn": version, "weight": 100}]}),
            lambda index, version=version: service.handle("DeleteStateMachineVersion",
                                                          {"stateMachineVersionArn": version}))
        routed = service.store.get_resource(alias).body["routingConfiguration"]
        assert all(service.store.get_resource(route["stateMachineVersionArn"]) is not None for route in routed)
