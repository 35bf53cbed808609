"""parameters: defaults, overrides, types, constraints, NoEcho, pseudo parameters."""

from __future__ import annotations

import pytest

from statewright.template.errors import TemplateError
from statewright.template.parameters import (
    parse_overrides,
    partition_of,
    pseudo_parameters,
    resolve_parameters,
    stack_id_of,
)

DECLARED = {
    "Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
    "Memory": {"Type": "Number", "Default": 128, "MinValue": 128, "MaxValue": 10240},
    "Subnets": {"Type": "CommaDelimitedList", "Default": "a,b"},
    "Ports": {"Type": "List<Number>", "Default": "80,443"},
    "Vpc": {"Type": "AWS::EC2::VPC::Id", "Default": "vpc-123"},
    "Secret": {"Type": "String", "NoEcho": True, "Default": "hunter2"},
    "Prefix": {"Type": "String", "Default": "app", "AllowedPattern": "[a-z]+", "MinLength": 2,
               "MaxLength": 8, "ConstraintDescription": "lower-case letters"},
    "Enabled": {"Type": "String", "Default": True},
}


def test_defaults_and_types():
    values = resolve_parameters(DECLARED, {}).values
    assert values == {"Stage": "dev", "Memory": "128", "Subnets": ["a", "b"], "Ports": ["80", "443"],
                      "Vpc": "vpc-123", "Secret": "hunter2", "Prefix": "app", "Enabled": "true"}


def test_overrides_win_over_defaults():
    values = resolve_parameters(DECLARED, {"Stage": "prod", "Memory": "2048", "Subnets": "x,y,z"}).values
    assert (values["Stage"], values["Memory"], values["Subnets"]) == ("prod", "2048", ["x", "y", "z"])


def test_no_echo_values_are_masked_for_display():
    parameters = resolve_parameters(DECLARED, {})
    assert parameters.no_echo == {"Secret"}
    assert parameters.masked()["Secret"] == "****"
    assert parameters.values["Secret"] == "hunter2"


@pytest.mark.parametrize("overrides,parameter,field,message", [
    ({"Stage": "qa"}, "Stage", "AllowedValues", "'qa' is not one of the AllowedValues"),
    ({"Memory": "64"}, "Memory", "MinValue", "less than MinValue 128"),
    ({"Memory": "99999"}, "Memory", "MaxValue", "greater than MaxValue 10240"),
    ({"Memory": "lots"}, "Memory", "Type", "'lots' is not a number"),
    ({"Ports": "80,http"}, "Ports", "Type", "'http' is not a number"),
    ({"Prefix": "App1"}, "Prefix", "AllowedPattern", r"does not match AllowedPattern .*\(lower-case letters\)"),
    ({"Prefix": "a"}, "Prefix", "MinLength", "shorter than MinLength 2"),
    ({"Prefix": "abcdefghi"}, "Prefix", "MaxLength", "longer than MaxLength 8"),
])
def test_constraints_name_the_parameter_and_rule(overrides, parameter, field, message):
    with pytest.raises(TemplateError, match=message) as caught:
        resolve_parameters(DECLARED, overrides)
    assert (caught.value.resource, caught.value.field) == (parameter, field)


def test_a_parameter_without_default_needs_an_override():
    declared = {"Email": {"Type": "String"}}
    with pytest.raises(TemplateError, match="Parameter must have a value") as caught:
        resolve_parameters(declared, {})
    assert caught.value.resource == "Email"
    assert resolve_parameters(declared, {"Email": "a@b.c"}).values == {"Email": "a@b.c"}


@pytest.mark.parametrize("declared,message", [
    ({"P": {"Type": "Strnig", "Default": "x"}}, "unknown parameter type 'Strnig'"),
    ({"P": {"Default": "x"}}, "needs a Type"),
    ({"P": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x"}}, "Systems Manager"),
])
def test_bad_declarations(declared, message):
    with pytest.raises(TemplateError, match=message):
        resolve_parameters(declared, {})


def test_unknown_overrides_are_an_error_as_in_cloudformation():
    with pytest.raises(TemplateError, match=r"Parameters: \['Nope'\] do not exist in the template"):
        resolve_parameters(DECLARED, {"Nope": "1"})


@pytest.mark.parametrize("pairs,expected", [
    (["A=1", "B=two"], {"A": "1", "B": "two"}),
    (["A=1 B=2"], {"A": "1", "B": "2"}),
    (["Url=https://x?a=b"], {"Url": "https://x?a=b"}),
    (["ParameterKey=A,ParameterValue=x=y", "B=2"], {"A": "x=y", "B": "2"}),
    (["Title=hello world"], {"Title": "hello world"}),
    ([], {}),
])
def test_parse_overrides(pairs, expected):
    assert parse_overrides(pairs) == expected


@pytest.mark.parametrize("pair", ["oops", "=1", "ParameterKey=A"])
def test_parse_overrides_rejects_what_is_not_a_pair(pair):
    with pytest.raises(TemplateError, match="parameter override"):
        parse_overrides([pair])


@pytest.mark.parametrize("region,partition,suffix", [
    ("us-east-1", "aws", "amazonaws.com"), ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
])
def test_pseudo_parameters(region, partition, suffix):
    values = pseudo_parameters(region=region, account="111122223333", stack_name="shop")
    assert values["AWS::Region"] == region
    assert values["AWS::AccountId"] == "111122223333"
    assert values["AWS::StackName"] == "shop"
    assert values["AWS::Partition"] == partition == partition_of(region)
    assert values["AWS::URLSuffix"] == suffix
    assert values["AWS::StackId"].startswith(f"arn:{partition}:cloudformation:{region}:111122223333:stack/shop/")


def test_the_stack_id_is_stable_across_restarts_and_differs_by_stack():
    first = stack_id_of(region="us-east-1", account="1", stack_name="a")
    assert first == stack_id_of(region="us-east-1", account="1", stack_name="a")
    assert first != stack_id_of(region="us-east-1", account="1", stack_name="b")
