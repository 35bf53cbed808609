"""graph: references, DependsOn, creation order and cycles named by their resources."""

from __future__ import annotations

import pytest

from statewright.template.errors import TemplateError
from statewright.template.graph import creation_order, dependencies, references


@pytest.mark.parametrize("value,expected", [
    ({"Ref": "A"}, {"A"}),
    ({"Fn::GetAtt": ["B", "Arn"]}, {"B"}),
    ({"Fn::GetAtt": "C.Arn"}, {"C"}),
    ({"Fn::Sub": "${D}-${E.Arn}-${!F}-${AWS::Region}"}, {"D", "E", "AWS::Region"}),
    ({"Fn::Sub": ["${X}-${G}", {"X": {"Ref": "H"}}]}, {"G", "H"}),
    ({"Fn::If": ["Cond", {"Ref": "I"}, {"Ref": "J"}]}, {"I", "J"}),
    ({"List": [{"Ref": "K"}, {"Nested": {"Fn::Join": ["", [{"Ref": "L"}]]}}]}, {"K", "L"}),
    ("plain ${NotASub}", set()),
])
def test_references(value, expected):
    assert references(value) == expected


def _resource(depends_on=None, **properties):
    resource = {"Type": "T", "Properties": properties}
    if depends_on is not None:
        resource["DependsOn"] = depends_on
    return resource


def test_creation_order_follows_references_and_depends_on():
    resources = {
        "Function": _resource(Role={"Fn::GetAtt": ["Role", "Arn"]}),
        "Machine": _resource(depends_on="Logs", Def={"Fn::Sub": "${Function.Arn}"}),
        "Role": _resource(),
        "Logs": _resource(Name={"Ref": "Param"}),
    }
    order = creation_order(resources)
    assert order.index("Role") < order.index("Function") < order.index("Machine")
    assert order.index("Logs") < order.index("Machine")
    assert dependencies(resources)["Machine"] == ["Logs", "Function"]


def test_independent_resources_keep_template_order():
    assert creation_order({"B": _resource(), "A": _resource(), "C": _resource()}) == ["B", "A", "C"]


@pytest.mark.parametrize("resources,cycle", [
    ({"A": _resource(X={"Ref": "B"}), "B": _resource(X={"Ref": "A"})}, "A -> B -> A"),
    ({"A": _resource(depends_on=["C"]), "B": _resource(depends_on="A"), "C": _resource(X={"Fn::GetAtt": "B.Arn"}),
      "D": _resource()}, "A -> C -> B -> A"),
])
def test_a_cycle_is_an_error_naming_the_resources(resources, cycle):
    with pytest.raises(TemplateError, match=f"circular dependency between resources: {cycle}") as caught:
        creation_order(resources)
    assert caught.value.resource == "A"


def test_self_reference():
    with pytest.raises(TemplateError, match="A refers to itself"):
        creation_order({"A": _resource(Name={"Fn::Sub": "${A.Arn}"})})


@pytest.mark.parametrize("depends_on,message", [
    ("Ghost", "DependsOn names 'Ghost', which is not a resource"),
    ([1], "DependsOn must be a logical id"),
])
def test_bad_depends_on(depends_on, message):
    with pytest.raises(TemplateError, match=message) as caught:
        creation_order({"A": _resource(depends_on=depends_on)})
    assert (caught.value.resource, caught.value.field) == ("A", "DependsOn")
