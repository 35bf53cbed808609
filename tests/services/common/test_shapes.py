"""The model check of request input: types, required members, lengths, ranges, enums, patterns
and unpaired surrogates, answered in Coral's words (checked against AWS-recorded texts)."""

from __future__ import annotations

import pytest

from statewright.services.common import AwsError
from statewright.services.common.shapes import ShapeChecker, java_length, show

CHECKER = ShapeChecker("stepfunctions")
ROLE = "arn:aws:iam::123456789012:role/r"
VERSION = "arn:aws:states:us-east-1:111111111111:stateMachine:m:{}"


def refused(operation: str, request: dict) -> AwsError:
    with pytest.raises(AwsError) as raised:
        CHECKER.check(operation, request)
    return raised.value


def test_a_valid_request_passes_and_unknown_operations_are_not_checked():
    CHECKER.check("CreateStateMachine", {"name": "m", "definition": "{}", "roleArn": ROLE})
    CHECKER.check("NoSuchOperation", {"anything": 1})


def test_a_long_name_is_refused_with_awss_text():
    error = refused("CreateActivity", {"name": "A" * 81})
    assert error.code == "ValidationException"
    assert error.message == ("1 validation error detected: Value '" + "A" * 81 + "' at 'name' failed to satisfy "
                             "constraint: Member must have length less than or equal to 80")


def test_several_failures_are_counted_and_joined():
    error = refused("CreateStateMachine", {"name": "", "definition": "{}"})
    assert error.message == (
        "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1; Value null at 'roleArn' failed to satisfy constraint: Member must not be null")


def test_list_members_have_corals_paths_and_structures_print_as_aws_prints_them():
    routes = [{"stateMachineVersionArn": VERSION.format(n), "weight": w} for n, w in ((1, 50), (2, 30), (3, 20))]
    error = refused("CreateStateMachineAlias", {"name": "live", "routingConfiguration": routes})
    # The text AWS answered for three routes (recorded).
    assert error.message == (
        "1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn="
        f"{VERSION.format(1)}, weight=50), RoutingConfigurationListItem(stateMachineVersionArn={VERSION.format(2)}, "
        f"weight=30), RoutingConfigurationListItem(stateMachineVersionArn={VERSION.format(3)}, weight=20)]' at "
        "'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2")
    error = refused("CreateStateMachineAlias", {"name": "live", "routingConfiguration": [
        {"stateMachineVersionArn": VERSION.format(1), "weight": 101}]})
    assert error.message == ("1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' "
                             "failed to satisfy constraint: Member must have value less than or equal to 100")


def test_patterns_are_the_models():
    error = refused("CreateStateMachineAlias", {"name": "123", "routingConfiguration": [
        {"stateMachineVersionArn": VERSION.format(1), "weight": 100}]})
    assert error.message == ("1 validation error detected: Value '123' at 'name' failed to satisfy constraint: "
                             "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")
    # Java's \p{ASCII} class, read in Python.
    error = refused("StartExecution", {"stateMachineArn": "a", "traceHeader": "é"})
    assert "'traceHeader'" in error.message and "\\p{ASCII}*" in error.message


@pytest.mark.parametrize(("operation", "request_", "field"), [
    ("GetExecutionHistory", {"executionArn": "a", "reverseOrder": "false"}, "reverseOrder"),
    ("CreateStateMachine", {"name": "a", "definition": "d", "roleArn": ROLE,
                            "loggingConfiguration": {"destinations": "notalist"}}, "loggingConfiguration.destinations"),
    ("CreateActivity", {"name": "a", "encryptionConfiguration": 5}, "encryptionConfiguration"),
    ("StartExecution", {"stateMachineArn": 7}, "stateMachineArn"),
    ("ListExecutions", {"maxResults": True}, "maxResults"),
    ("TagResource", {"resourceArn": "a", "tags": [["k", "v"]]}, "tags.1.member"),
])
def test_a_value_of_the_wrong_type_is_a_serialization_error_naming_the_field(operation, request_, field):
    error = refused(operation, request_)
    assert error.code == "SerializationException" and f"'{field}'" in error.message


def test_unpaired_surrogates_are_refused_anywhere_and_shown_escaped():
    error = refused("TagResource", {"resourceArn": "a", "tags": [{"key": "k", "value": "v\ud800"}]})
    assert error.code == "ValidationException"
    assert "'tags.1.member.value'" in error.message and "v\\ud800" in error.message
    error.message.encode("utf-8")  # sendable
    CHECKER.check("CreateActivity", {"name": "a😀"})  # a surrogate pair's character is fine


def test_lengths_count_as_java_does():
    assert java_length("abc") == 3 and java_length("😀") == 2


def test_shown_values_are_cut_and_never_recurse_without_bound():
    assert show(None) == "null" and show(True) == "'true'"
    assert len(show("x" * 5000)) < 1100
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert show(deep).startswith("'[[")


def test_lists_hold_no_nulls():
    error = refused("CreateStateMachineAlias", {"name": "live", "routingConfiguration": [None]})
    assert error.message == ("1 validation error detected: Value null at 'routingConfiguration.1.member' failed "
                             "to satisfy constraint: Member must not be null")
