"""intrinsics: every intrinsic and condition function, AWS::NoValue, and errors naming the field."""

from __future__ import annotations

import base64

import pytest

from statewright.template.errors import TemplateError
from statewright.template.intrinsics import NO_VALUE, Resolver, is_intrinsic

PARAMETERS = {"Stage": "prod", "Names": ["a", "b", "c"], "Count": "3", "AWS::Region": "eu-west-1",
              "AWS::AccountId": "111122223333", "AWS::StackName": "shop", "AWS::Partition": "aws",
              "AWS::URLSuffix": "amazonaws.com"}
MAPPINGS = {"Sizes": {"prod": {"Memory": 1024, "Name": "large"}, "dev": {"Memory": 128}}}
CONDITIONS = {
    "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
    "ProdInIreland": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["eu-west-1", {"Ref": "AWS::Region"}]}]},
    "DevOrIreland": {"Fn::Or": [{"Condition": "IsDev"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]},
    "CountIsThree": {"Fn::Equals": [{"Ref": "Count"}, 3]},
}


class Resources:
    """A stack's resources as the resolver sees them (name -> (Ref value, attributes))."""

    def __init__(self, known):
        self.known = known

    def has(self, logical_id):
        return logical_id in self.known

    def ref(self, logical_id):
        return self.known[logical_id][0]

    def get_att(self, logical_id, attribute):
        attributes = self.known[logical_id][1]
        if attribute not in attributes:
            raise TemplateError(f"no attribute {attribute}")
        return attributes[attribute]


@pytest.fixture
def resolver():
    resources = Resources({"Table": ("orders", {"Arn": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}),
                           "Fn": ("shop-fn", {"Arn": "arn:aws:lambda:eu-west-1:111122223333:function:shop-fn"})})
    return Resolver(parameters=PARAMETERS, mappings=MAPPINGS, condition_definitions=CONDITIONS,
                    resources=resources)


@pytest.mark.parametrize("expression,expected", [
    ({"Ref": "Stage"}, "prod"),
    ({"Ref": "Names"}, ["a", "b", "c"]),
    ({"Ref": "AWS::Region"}, "eu-west-1"),
    ({"Ref": "Table"}, "orders"),
    ({"Fn::GetAtt": ["Table", "Arn"]}, "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"),
    ({"Fn::GetAtt": "Fn.Arn"}, "arn:aws:lambda:eu-west-1:111122223333:function:shop-fn"),
    ({"Fn::GetAtt": ["Table", {"Ref": "AttributeName"}]}, "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"),
    ({"Fn::Sub": "${AWS::StackName}-${Stage}-${Table}"}, "shop-prod-orders"),
    ({"Fn::Sub": "${Fn.Arn}:live"}, "arn:aws:lambda:eu-west-1:111122223333:function:shop-fn:live"),
    ({"Fn::Sub": "${!Literal} and ${ Stage }"}, "${Literal} and prod"),
    ({"Fn::Sub": ["${Name}.${AWS::URLSuffix}", {"Name": {"Ref": "Table"}}]}, "orders.amazonaws.com"),
    ({"Fn::Sub": ["${Stage}", {"Stage": "shadowed"}]}, "shadowed"),
    ({"Fn::Join": [":", ["a", {"Ref": "Stage"}, 3, True]]}, "a:prod:3:true"),
    ({"Fn::Join": [",", {"Ref": "Names"}]}, "a,b,c"),
    ({"Fn::Select": ["1", {"Ref": "Names"}]}, "b"),
    ({"Fn::Select": [2, {"Fn::Split": ["/", "x/y/z"]}]}, "z"),
    ({"Fn::Split": ["|", "a|b||c"]}, ["a", "b", "", "c"]),
    ({"Fn::If": ["IsProd", {"Ref": "Table"}, "none"]}, "orders"),
    ({"Fn::If": ["IsDev", "dev", {"Fn::Sub": "${Stage}!"}]}, "prod!"),
    ({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, 1024),
    ({"Fn::FindInMap": ["Sizes", "dev", "Name", {"DefaultValue": "small"}]}, "small"),
    ({"Fn::Base64": {"Fn::Sub": "#!/bin/sh\necho ${Stage}"}},
     base64.b64encode(b"#!/bin/sh\necho prod").decode()),
    ({"Ref": "AWS::NoValue"}, NO_VALUE),
    ({"A": {"Ref": "AWS::NoValue"}, "B": 1}, {"B": 1}),
    ([1, {"Fn::If": ["IsDev", 2, {"Ref": "AWS::NoValue"}]}, 3], [1, 3]),
    ({"Statement": [{"Condition": {"StringEquals": {"a": "b"}}}]},
     {"Statement": [{"Condition": {"StringEquals": {"a": "b"}}}]}),
])
def test_intrinsic_functions(resolver, expression, expected):
    resolver.parameters = {**PARAMETERS, "AttributeName": "Arn"}
    assert resolver.resolve(expression) == expected


@pytest.mark.parametrize("name,expected", [
    ("IsProd", True), ("IsDev", False), ("ProdInIreland", True), ("DevOrIreland", True), ("CountIsThree", True),
])
def test_conditions(resolver, name, expected):
    assert resolver.condition(name) is expected


@pytest.mark.parametrize("expression,message", [
    ({"Ref": "Nope"}, "Ref to 'Nope', which is neither a parameter nor a resource"),
    ({"Fn::GetAtt": ["Nope", "Arn"]}, "'Nope', which is not a resource"),
    ({"Fn::GetAtt": ["Table", "Bogus"]}, "no attribute Bogus"),
    ({"Fn::GetAtt": "TableArn"}, r"takes \[LogicalId, Attribute\]"),
    ({"Fn::Sub": "${Missing}"}, r"\$\{Missing\} is neither a parameter, a resource nor a variable"),
    ({"Fn::Sub": "${Names}"}, r"\$\{Names\} is not a string"),
    ({"Fn::Sub": 42}, "takes a string or"),
    ({"Fn::Join": ["-", "notalist"]}, "Fn::Join takes"),
    ({"Fn::Join": ["-", [["nested"]]]}, "can only join strings"),
    ({"Fn::Select": [5, ["a"]]}, "index 5 is out of range"),
    ({"Fn::Select": ["x", ["a"]]}, "index 'x' is not a number"),
    ({"Fn::Split": ["", "abc"]}, "non-empty delimiter"),
    ({"Fn::If": ["Unknown", 1, 2]}, "condition 'Unknown' is not defined"),
    ({"Fn::If": ["IsProd", 1]}, "Fn::If takes"),
    ({"Fn::FindInMap": ["Sizes", "qa", "Memory"]}, "top-level key 'qa' not found"),
    ({"Fn::FindInMap": ["Nope", "a", "b"]}, "mapping 'Nope' not found"),
    ({"Fn::Base64": ["x"]}, "takes a string"),
    ({"Fn::ImportValue": "vpc"}, "Fn::ImportValue is not supported locally"),
    ({"Fn::GetAZs": ""}, "Fn::GetAZs is not supported locally"),
    ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, "Fn::Cidr is not supported locally"),
    ({"Fn::Bogus": 1}, "unknown intrinsic function Fn::Bogus"),
])
def test_errors_name_the_resource_and_field(resolver, expression, message):
    with pytest.raises(TemplateError, match=message) as caught:
        resolver.resolve({"Environment": {"Variables": {"X": expression}}}, "MyFunction", "Properties")
    assert caught.value.resource == "MyFunction"
    assert caught.value.field.startswith("Properties.Environment.Variables.X")


def test_only_the_chosen_branch_of_if_is_resolved(resolver):
    # The other branch refers to something that does not exist: CloudFormation never evaluates it.
    assert resolver.resolve({"Fn::If": ["IsProd", "ok", {"Ref": "Nowhere"}]}) == "ok"


def test_circular_conditions_are_named():
    resolver = Resolver(parameters={}, condition_definitions={
        "A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::And": [{"Condition": "A"}, {"Condition": "A"}]}})
    with pytest.raises(TemplateError, match="circular condition: A -> B -> A"):
        resolver.condition("A")


def test_a_condition_must_be_a_condition_function():
    resolver = Resolver(parameters={"P": "x"}, condition_definitions={"C": {"Ref": "P"}})
    with pytest.raises(TemplateError, match="a condition must be") as caught:
        resolver.condition("C")
    assert (caught.value.resource, caught.value.field) == ("Conditions", "C")


@pytest.mark.parametrize("value,expected", [
    ({"Ref": "X"}, True), ({"Fn::Sub": "x"}, True), ({"Ref": "X", "Other": 1}, False), ({"Key": 1}, False),
    ("Ref", False), ({"Condition": "C"}, False),
])
def test_is_intrinsic(value, expected):
    assert is_intrinsic(value) is expected


def test_find_in_map_keys_are_text_even_when_yaml_read_numbers():
    resolver = Resolver(parameters={"AWS::AccountId": "123456789012"},
                        mappings={"Accounts": {123456789012: {"Env": "dev"}}, "Flags": {True: {1: "one"}}})
    assert resolver.resolve({"Fn::FindInMap": ["Accounts", {"Ref": "AWS::AccountId"}, "Env"]}) == "dev"
    assert resolver.resolve({"Fn::FindInMap": ["Flags", "true", "1"]}) == "one"
