"""ARNs and request-field checks of the Step Functions service (no server needed)."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError
from statewright.services.stepfunctions import Arns
from statewright.services.stepfunctions.arns import parse, unqualified
from statewright.services.stepfunctions.validation import name, paginate, payload

ARNS = Arns(account="111122223333", region="eu-west-1")


def test_arns_use_the_configured_account_and_region():
    machine = ARNS.state_machine("m")
    assert machine == "arn:aws:states:eu-west-1:111122223333:stateMachine:m"
    assert ARNS.execution("m", "e") == "arn:aws:states:eu-west-1:111122223333:execution:m:e"
    assert ARNS.activity("a") == "arn:aws:states:eu-west-1:111122223333:activity:a"
    assert unqualified(ARNS.version(machine, 3)) == unqualified(ARNS.alias(machine, "live")) == machine


def test_parse_checks_the_resource_type_and_shape():
    assert parse(ARNS.version(ARNS.state_machine("m"), 2), "stateMachine").qualifier == "2"
    assert parse(ARNS.execution("m", "e"), "execution").extra == ("e",)
    for bad, allowed in [("arn:aws:states:eu-west-1:1:stateMachine:m", "stateMachine"),
                         (ARNS.activity("a"), "stateMachine"), ("", "activity"), (None, "activity"),
                         (ARNS.state_machine("m") + ":1:2", "stateMachine"),
                         ("arn:aws:states:eu-west-1:111122223333:execution:m", "execution")]:
        with pytest.raises(AwsError) as error:
            parse(bad, allowed)
        assert error.value.code == "InvalidArn"


@pytest.mark.parametrize("value", ["a b", "a/b", "tab\there", "q?", "brace{", "non\ufffechar", "non\uffffchar"])
def test_bad_names(value):
    with pytest.raises(AwsError) as error:
        name({"name": value})
    assert error.value.code == "InvalidName"


@pytest.mark.parametrize(("value", "constraint"), [
    ("", "Member must have length greater than or equal to 1"),
    ("x" * 81, "Member must have length less than or equal to 80")])
def test_name_lengths_are_validation_errors_in_corals_words(value, constraint):
    with pytest.raises(AwsError) as error:
        name({"name": value})
    assert error.value.code == "ValidationException"
    assert error.value.message == (f"1 validation error detected: Value '{value}' at 'name' failed to satisfy "
                                   f"constraint: {constraint}")


def test_payload_limits_and_json():
    assert payload({}, "input", "InvalidExecutionInput") == "{}"
    with pytest.raises(AwsError) as error:
        payload({"input": "{"}, "input", "InvalidExecutionInput")
    assert error.value.code == "InvalidExecutionInput"
    with pytest.raises(AwsError) as error:
        payload({"input": '"' + "x" * 262_144 + '"'}, "input", "InvalidExecutionInput")
    assert error.value.code == "ValidationException" and "'input'" in error.value.message


def test_paginate_round_trips_its_token_and_refuses_others():
    first = paginate({"maxResults": 2}, "scope", list(range(5)), "items")
    second = paginate({"maxResults": 2, "nextToken": first["nextToken"]}, "scope", list(range(5)), "items")
    assert first["items"] == [0, 1] and second["items"] == [2, 3]
    with pytest.raises(AwsError) as error:
        paginate({"nextToken": first["nextToken"]}, "another scope", [], "items")
    assert error.value.code == "InvalidToken"
    for size in (-1, 1001, "10"):
        with pytest.raises(AwsError):
            paginate({"maxResults": size}, "scope", [], "items")
