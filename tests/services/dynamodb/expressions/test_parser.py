"""The expression parser: AWS's error texts, and a property test that precedence and
parentheses parse as the grammar says (AWS developer guide, "Condition and filter expressions,
operators, and functions": NOT binds tighter than AND, AND tighter than OR)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statewright.services.common import AwsError
from statewright.services.dynamodb.expressions import RequestExpressions, matches


def _message(request: dict[str, Any], call) -> str:
    with pytest.raises(AwsError) as raised:
        expressions = RequestExpressions(request, uses_expressions=True)
        call(expressions)
        expressions.finish()
    assert raised.value.code == "ValidationException"
    return raised.value.message


def test_syntax_error_quotes_token_and_surroundings():
    # Recorded: nubo-db/dynamodb-conformance updateItem.test.ts.
    assert _message({"ExpressionAttributeValues": {":v": {"S": "v"}}}, lambda e: e.update("INVALID SYNTAX HERE")) == \
        'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'
    # Recorded: aws/aws-cdk#7591.
    assert _message({"ExpressionAttributeValues": {":incr": {"N": "1"}}}, lambda e: e.update("ADD hits : incr")) == \
        'Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"'
    # Recorded: getndazn/dazn-lambda-powertools#242 (a lone '#').
    assert _message({}, lambda e: e.update("SET a = b, #, c = d")) == \
        'Invalid UpdateExpression: Syntax error; token: "#", near: ", #,"'


def test_reserved_words_need_placeholders():
    # Recorded: truora/minidyn#61 ("Invalid UpdateExpression: Attribute name is a reserved
    # keyword; reserved keyword: status").
    assert _message({"ExpressionAttributeValues": {":v": {"S": "x"}}}, lambda e: e.update("SET status = :v")) == \
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
    assert "reserved keyword: Size" in _message({}, lambda e: e.condition("ConditionExpression",
                                                                          "attribute_exists(Size)"))


def test_undefined_and_unused_placeholders():
    # Recorded texts: nubo-db/dynamodb-conformance updateItem.test.ts and query.test.ts.
    assert _message({}, lambda e: e.update("SET attr1 = :v")) == ("Invalid UpdateExpression: An expression attribute "
                                                                 "value used in expression is not defined; attribute value: :v")
    assert _message({"ExpressionAttributeValues": {":fv": {"S": "x"}}},
                    lambda e: e.condition("FilterExpression", "#missing = :fv")) == (
        "Invalid FilterExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #missing")
    assert _message({"ExpressionAttributeValues": {":v": {"S": "v"}, ":unused": {"S": "x"}}},
                    lambda e: e.update("SET attr1 = :v")) == \
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
    assert _message({"ExpressionAttributeValues": {":v": {"S": "v"}}, "ExpressionAttributeNames": {"#unused": "x"}},
                    lambda e: e.update("SET attr1 = :v")) == \
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"


def test_empty_expressions_and_redundant_parentheses():
    assert _message({}, lambda e: e.update("")) == "Invalid UpdateExpression: The expression can not be empty;"
    assert _message({}, lambda e: e.condition("KeyConditionExpression", "")) == \
        "Invalid KeyConditionExpression: The expression can not be empty;"
    # Recorded: nubo-db/dynamodb-conformance putItem.test.ts.
    assert _message({}, lambda e: e.condition("ConditionExpression", "((attribute_not_exists(pk)))")).startswith(
        "Invalid ConditionExpression: The expression has redundant parentheses;")


def test_operand_checks():
    # Recorded: nubo-db/dynamodb-conformance putItem.test.ts.
    assert _message({"ExpressionAttributeNames": {"#a": "data"}}, lambda e: e.condition(
        "ConditionExpression", "contains(#a, #a)")) == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
        "operator or function; operator: contains, first operand: [data]")
    assert _message({}, lambda e: e.condition("ConditionExpression", "foo(a)")) == \
        "Invalid ConditionExpression: Invalid function name; function: foo"
    assert "number of operands: 1" in _message({}, lambda e: e.condition("ConditionExpression", "begins_with(a)"))
    assert "not allowed in an update expression; function: size" in _message(
        {}, lambda e: e.update("SET a = size(b)"))


def test_update_paths_must_not_overlap():
    # Recorded: HENNGE/aiodynamo#2 ("Two document paths overlap with each other; must remove or
    # rewrite one of these paths; path one: [f], path two: [f]").
    assert _message({"ExpressionAttributeValues": {":v": {"S": "x"}}}, lambda e: e.update("SET f = :v, f = :v")) == (
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
        "paths; path one: [f], path two: [f]")
    assert "conflict" in _message({"ExpressionAttributeValues": {":v": {"S": "x"}}},
                                  lambda e: e.update("SET a[0] = :v, a.b = :v"))


# --- precedence, as a property -------------------------------------------------------------

ATTRIBUTES = ["a", "b", "c"]
atoms = st.one_of(
    st.tuples(st.just("eq"), st.sampled_from(ATTRIBUTES), st.integers(0, 3)),
    st.tuples(st.just("lt"), st.sampled_from(ATTRIBUTES), st.integers(0, 3)),
    st.tuples(st.just("exists"), st.sampled_from(ATTRIBUTES)),
    st.tuples(st.just("between"), st.sampled_from(ATTRIBUTES), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("in"), st.sampled_from(ATTRIBUTES), st.lists(st.integers(0, 3), min_size=1, max_size=3)),
)
trees = st.recursive(atoms, lambda inner: st.one_of(
    st.tuples(st.just("not"), inner),
    st.tuples(st.just("and"), inner, inner),
    st.tuples(st.just("or"), inner, inner)), max_leaves=8)
LEVEL = {"or": 1, "and": 2, "not": 3}


def render(tree, values: dict[str, Any]) -> tuple[str, int]:
    """The tree as expression text with only the parentheses precedence needs, and its level."""
    def value(number: int) -> str:
        name = f":v{number}"
        values[name] = {"N": str(number)}
        return name

    kind = tree[0]
    if kind == "eq":
        return f"{tree[1]} = {value(tree[2])}", 4
    if kind == "lt":
        return f"{tree[1]} < {value(tree[2])}", 4
    if kind == "exists":
        return f"attribute_exists({tree[1]})", 4
    if kind == "between":
        low, high = sorted((tree[2], tree[3]))
        return f"{tree[1]} BETWEEN {value(low)} AND {value(high)}", 4
    if kind == "in":
        return f"{tree[1]} IN ({', '.join(value(number) for number in tree[2])})", 4
    level = LEVEL[kind]
    parts = []
    for child in tree[1:]:
        text, child_level = render(child, values)
        parts.append(f"({text})" if child_level < (level if kind != "not" else 3) or
                     (kind != "not" and child_level == level and child is tree[2]) else text)
    if kind == "not":
        return f"NOT {parts[0]}", level
    return f" {kind.upper()} ".join(parts), level


def reference(tree, item: dict[str, int]) -> bool:
    kind = tree[0]
    if kind == "eq":
        return item.get(tree[1]) == tree[2]
    if kind == "lt":
        return tree[1] in item and item[tree[1]] < tree[2]
    if kind == "exists":
        return tree[1] in item
    if kind == "between":
        low, high = sorted((tree[2], tree[3]))
        return tree[1] in item and low <= item[tree[1]] <= high
    if kind == "in":
        return item.get(tree[1]) in tree[2]
    if kind == "not":
        return not reference(tree[1], item)
    if kind == "and":
        return reference(tree[1], item) and reference(tree[2], item)
    return reference(tree[1], item) or reference(tree[2], item)


@settings(max_examples=300, deadline=None)
@given(trees, st.dictionaries(st.sampled_from(ATTRIBUTES), st.integers(0, 3)))
def test_parsed_conditions_evaluate_like_the_tree_they_were_written_from(tree, item):
    values: dict[str, Any] = {}
    text, _ = render(tree, values)
    expressions = RequestExpressions({"ExpressionAttributeValues": values} if values else {}, uses_expressions=True)
    condition = expressions.condition("ConditionExpression", text)
    expressions.finish()
    wire_item = {name: {"N": str(number)} for name, number in item.items()}
    assert matches(wire_item, condition) == reference(tree, item), text


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.text(max_size=40))
def test_any_text_gives_a_condition_or_a_validation_error(text):
    try:
        RequestExpressions({}, uses_expressions=True).condition("ConditionExpression", text)
    except AwsError as error:
        assert error.code == "ValidationException"
        assert error.message.startswith("Invalid ConditionExpression: ")
