"""Condition semantics, projections and updates (AWS developer guide, "Condition and filter
expressions, operators, and functions", "Projection expressions", "Update expressions")."""

from __future__ import annotations

from typing import Any

import pytest

from statewright.services.common import AwsError
from statewright.services.dynamodb.expressions import RequestExpressions, apply, matches, project

ITEM = {"pk": {"S": "k"}, "s": {"S": "hello"}, "n": {"N": "10"}, "b": {"B": "AAEC"},
        "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}, "l": {"L": [{"S": "x"}, {"N": "1"}]},
        "m": {"M": {"kid": {"M": {"dp": {"N": "5"}}}, "xs": {"L": [{"N": "7"}, {"N": "8"}]}}},
        "nul": {"NULL": True}, "t": {"BOOL": True}}


def cond(text: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> bool:
    request: dict[str, Any] = {}
    if values:
        request["ExpressionAttributeValues"] = values
    if names:
        request["ExpressionAttributeNames"] = names
    expressions = RequestExpressions(request, uses_expressions=True)
    condition = expressions.condition("ConditionExpression", text)
    expressions.finish()
    return matches(ITEM, condition)


def test_functions():
    assert cond("attribute_exists(m.kid.dp)")
    assert cond("attribute_not_exists(m.kid.nope)")
    assert cond("attribute_type(ss, :t)", {":t": {"S": "SS"}})
    assert not cond("attribute_type(ss, :t)", {":t": {"S": "S"}})
    assert cond("begins_with(s, :p)", {":p": {"S": "he"}})
    assert cond("begins_with(b, :p)", {":p": {"B": "AA=="}})
    assert cond("contains(s, :p)", {":p": {"S": "ell"}})
    assert cond("contains(ss, :p)", {":p": {"S": "y"}})
    assert cond("contains(ns, :p)", {":p": {"N": "2.0"}})
    assert cond("contains(l, :p)", {":p": {"N": "1"}})
    assert cond("size(s) = :five AND size(l) = :two AND size(m) = :two", {":five": {"N": "5"}, ":two": {"N": "2"}})


def test_comparisons_across_types_are_false_and_not_equal_is_true():
    assert not cond("n < :v", {":v": {"S": "20"}})
    assert cond("n <> :v", {":v": {"S": "10"}})
    assert cond("absent <> :v", {":v": {"S": "10"}})
    assert not cond("absent = :v", {":v": {"S": "10"}})
    assert cond("n = :v", {":v": {"N": "10.000"}})
    assert cond("m.xs[1] > m.kid.dp")
    assert cond("n BETWEEN :a AND :b", {":a": {"N": "10"}, ":b": {"N": "10"}})
    assert cond("s IN (:a, :b)", {":a": {"S": "x"}, ":b": {"S": "hello"}})
    assert cond("#s = :v", {":v": {"S": "hello"}}, {"#s": "s"})


def test_between_needs_ordered_bounds():
    with pytest.raises(AwsError, match="The BETWEEN operator requires upper bound to be greater than or equal"):
        cond("n BETWEEN :a AND :b", {":a": {"N": "5"}, ":b": {"N": "1"}})


def test_attribute_type_names_are_checked():
    with pytest.raises(AwsError, match="Invalid attribute type name found; type: X"):
        cond("attribute_type(n, :t)", {":t": {"S": "X"}})


def _update(text: str, values: dict[str, Any] | None = None, item: dict[str, Any] | None = None) -> dict[str, Any]:
    request = {"ExpressionAttributeValues": values} if values else {}
    expressions = RequestExpressions(request, uses_expressions=True)
    update = expressions.update(text)
    expressions.finish()
    return apply(ITEM if item is None else item, {"pk": {"S": "k"}}, update)


def test_set_arithmetic_functions_and_nested_paths():
    new = _update("SET n = n + :one, c = if_not_exists(c, :zero) - :one, l = list_append(:front, l), "
                  "m.kid.dp = :zero, m.xs[5] = :one, m.xs[0] = :zero",
                  {":one": {"N": "1"}, ":zero": {"N": "0"}, ":front": {"L": [{"S": "first"}]}})
    assert new["n"] == {"N": "11"}
    assert new["c"] == {"N": "-1"}
    assert new["l"]["L"][0] == {"S": "first"} and len(new["l"]["L"]) == 3
    assert new["m"]["M"]["kid"]["M"]["dp"] == {"N": "0"}
    assert new["m"]["M"]["xs"]["L"] == [{"N": "0"}, {"N": "8"}, {"N": "1"}]  # past the end: appended
    assert ITEM["n"] == {"N": "10"}  # the old item is untouched


def test_right_hand_sides_see_the_old_item():
    new = _update("SET n = s, s = n")
    assert new["n"] == {"S": "hello"} and new["s"] == {"N": "10"}


def test_remove_add_delete():
    new = _update("REMOVE l[0], l[1], s ADD ns :more, cnt :one DELETE ss :x",
                  {":more": {"NS": ["2", "3"]}, ":one": {"N": "1"}, ":x": {"SS": ["x"]}})
    assert new["l"] == {"L": []}  # indexes refer to the list before the update
    assert "s" not in new
    assert sorted(new["ns"]["NS"]) == ["1", "2", "3"]
    assert new["cnt"] == {"N": "1"}
    assert new["ss"] == {"SS": ["y"]}
    emptied = _update("DELETE ss :all", {":all": {"SS": ["x", "y"]}})
    assert "ss" not in emptied  # a set may not be empty: the attribute goes


def test_update_errors_use_aws_texts():
    with pytest.raises(AwsError, match="An operand in the update expression has an incorrect data type"):
        _update("SET s = s + :one", {":one": {"N": "1"}})
    with pytest.raises(AwsError, match="The provided expression refers to an attribute that does not exist in the item"):
        _update("SET x = absent + :one", {":one": {"N": "1"}})
    with pytest.raises(AwsError, match="The document path provided in the update expression is invalid for update"):
        _update("SET nope.dper = :one", {":one": {"N": "1"}})
    with pytest.raises(AwsError, match="Incorrect operand type for operator or function; operator: ADD, operand type: STRING"):
        _update("ADD s :v", {":v": {"S": "x"}})


def test_projection_keeps_structure():
    request = {"ExpressionAttributeNames": {"#m": "m"}}
    expressions = RequestExpressions(request, uses_expressions=True)
    paths = expressions.projection("#m.kid.dp, #m.xs[1], pk, nothing")
    expressions.finish()
    assert project(ITEM, paths) == {"pk": {"S": "k"}, "m": {"M": {"kid": {"M": {"dp": {"N": "5"}}},
                                                                  "xs": {"L": [{"N": "8"}]}}}}
