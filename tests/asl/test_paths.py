"""asl.paths: singular reference paths (parsed by hand), general queries, get/set and errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statewright.asl.paths import (
    PathError,
    PathNotFound,
    compile_path,
    is_reference_path,
    set_path,
)

DOC = {
    "a": {"b": [10, 20, {"c": "deep"}], "x y": 1, "q'uote": 2},
    "list": [{"n": 1, "tag": "odd"}, {"n": 2, "tag": "even"}, {"n": 3, "tag": "odd"}],
    "0": "string key zero",
}

# --- singular paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("$", ()),
        ("$.a", ("a",)),
        ("$.a.b", ("a", "b")),
        ("$.a.b[0]", ("a", "b", 0)),
        ("$.a.b[-1]", ("a", "b", -1)),
        ("$['a']['x y']", ("a", "x y")),
        ('$["a"]["b"][2]', ("a", "b", 2)),
        ("$.a['b'][ 1 ]", ("a", "b", 1)),
        ("$['0']", ("0",)),
        ("$.list[2].n", ("list", 2, "n")),
    ],
)
def test_singular_paths_parse_into_keys(text: str, keys: tuple[Any, ...]) -> None:
    path = compile_path(text)
    assert path.singular
    assert path.root == "$"
    assert path.keys == keys


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$", DOC),
        ("$.a.b[0]", 10),
        ("$.a.b[-1]", {"c": "deep"}),
        ("$.a.b[-3]", 10),
        ("$.a.b[2].c", "deep"),
        ("$['a']['x y']", 1),
        ("$['0']", "string key zero"),
        ("$.list[1]['tag']", "even"),
    ],
)
def test_singular_get(text: str, value: Any) -> None:
    assert compile_path(text).get(DOC) == value


@pytest.mark.parametrize(
    "text",
    [
        "$.missing",
        "$.a.b[3]",
        "$.a.b[-4]",
        "$.a.b.c",  # a key into a list
        "$.a.b[0].c",  # a key into a number
        "$.a[0]",  # an index into an object
        "$['0'][0]",  # an index into a string
    ],
)
def test_missing_singular_path_raises_path_not_found(text: str) -> None:
    with pytest.raises(PathNotFound) as info:
        compile_path(text).get(DOC)
    assert info.value.path == text


def test_index_does_not_match_a_string_key_of_the_same_digits() -> None:
    with pytest.raises(PathNotFound):
        compile_path("$[0]").get(DOC)


# --- roots ----------------------------------------------------------------------------------


def test_context_root() -> None:
    path = compile_path("$$.Execution.Id")
    assert path.root == "$$"
    assert path.keys == ("Execution", "Id")
    assert path.variable is None
    assert path.get({"Execution": {"Id": "arn"}}) == "arn"


def test_variable_root() -> None:
    path = compile_path("$order.items[0]")
    assert path.root == "$order"
    assert path.variable == "order"
    assert path.keys == ("items", 0)
    assert path.get({"items": ["first"]}) == "first"


def test_bare_variable_and_context_roots() -> None:
    assert compile_path("$counter").variable == "counter"
    assert compile_path("$counter").keys == ()
    assert compile_path("$$").root == "$$"
    assert compile_path("$").variable is None


def test_variable_names_may_hold_underscores_and_digits() -> None:
    path = compile_path("$_my_var2.x")
    assert path.variable == "_my_var2"
    assert path.keys == ("x",)


# --- non-singular queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$.list[*].n", [1, 2, 3]),
        ("$.list[0:2].n", [1, 2]),
        ("$.list[?(@.tag == 'odd')].n", [1, 3]),
        ("$..c", ["deep"]),
        ("$.a.b[*]", [10, 20, {"c": "deep"}]),
    ],
)
def test_non_singular_queries_return_lists(text: str, expected: list[Any]) -> None:
    path = compile_path(text)
    assert not path.singular
    assert path.get(DOC) == expected


def test_query_with_no_match_is_an_empty_list() -> None:
    assert compile_path("$.list[?(@.n > 99)]").get(DOC) == []


def test_query_over_a_variable_root_is_applied_to_the_variable() -> None:
    path = compile_path("$things[*].id")
    assert path.variable == "things"
    assert path.get([{"id": 1}, {"id": 2}]) == [1, 2]


@pytest.mark.parametrize("text", ["$.a", "$['x']", "$.a[0]", "$$.Map.Item.Value", "$var.x"])
def test_reference_paths(text: str) -> None:
    assert is_reference_path(text)


@pytest.mark.parametrize("text", ["$.a[*]", "$..a", "$.a[0:1]", "a.b", "", "$.a[?(@.x)]"])
def test_not_reference_paths(text: str) -> None:
    assert not is_reference_path(text)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a.b", "", ".a", " $.a"])
def test_path_must_start_with_dollar(text: str) -> None:
    with pytest.raises(PathError) as info:
        compile_path(text)
    assert info.value.position == 0
    assert info.value.text == text
    assert "must start with '$'" in str(info.value)


@pytest.mark.parametrize("text", ["$.a[", "$.a[?(@.x ==]", "$.a.", "$.a..", "$..", "$.a b", "$.a[0]]", "$.a[0]x",
                                  "$.a[?(@.x == 1)", "$.", "$.a.[", "$$.", "$.a.()"])
def test_malformed_queries_raise_path_error(text: str) -> None:
    with pytest.raises(PathError) as info:
        compile_path(text)
    assert info.value.text == text
    assert "position" in str(info.value)


def test_path_error_is_a_value_error() -> None:
    # Template compilation catches ValueError to name the field.
    assert issubclass(PathError, ValueError)


def test_compiled_paths_are_cached() -> None:
    assert compile_path("$.cached.path") is compile_path("$.cached.path")


# --- set_path -------------------------------------------------------------------------------


def test_set_replaces_a_value_without_mutating_input() -> None:
    doc = copy.deepcopy(DOC)
    before = copy.deepcopy(doc)
    out = set_path(doc, compile_path("$.a.b[1]"), "new")
    assert out["a"]["b"] == [10, "new", {"c": "deep"}]
    assert doc == before


def test_set_creates_missing_objects() -> None:
    doc = {"keep": 1}
    out = set_path(doc, compile_path("$.x.y.z"), 5)
    assert out == {"keep": 1, "x": {"y": {"z": 5}}}
    assert doc == {"keep": 1}


def test_set_at_root_replaces_the_document() -> None:
    assert set_path({"a": 1}, compile_path("$"), [1, 2]) == [1, 2]


def test_set_with_negative_index() -> None:
    assert set_path({"l": [1, 2, 3]}, compile_path("$.l[-1]"), 9) == {"l": [1, 2, 9]}


@pytest.mark.parametrize(
    "text",
    ["$.l[3]", "$.l.x", "$.s.x", "$.n.x"],
)
def test_set_fails_where_a_step_cannot_be_taken(text: str) -> None:
    doc = {"l": [1, 2, 3], "s": "text", "n": 4}
    with pytest.raises(PathNotFound):
        set_path(doc, compile_path(text), 1)


def test_set_refuses_non_singular_and_non_data_roots() -> None:
    for text in ("$.a[*]", "$$.Execution", "$var.x"):
        with pytest.raises(PathNotFound):
            set_path({"a": [1]}, compile_path(text), 1)


def test_set_shares_nothing_along_the_written_path() -> None:
    doc = {"a": {"b": {"c": 1}}, "other": {"d": 2}}
    out = set_path(doc, compile_path("$.a.b.c"), 2)
    assert out["a"] is not doc["a"]
    assert out["a"]["b"] is not doc["a"]["b"]
    assert doc["a"]["b"]["c"] == 1


# --- properties -----------------------------------------------------------------------------

_keys = st.text(alphabet="abcxyz_ 019'-", min_size=1, max_size=5)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-100, 100) | st.text(max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=20,
)
_containers = st.dictionaries(_keys, _json, min_size=1, max_size=4)


def _existing_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, child in doc.items():
            found += _existing_paths(child, (*prefix, key))
    elif isinstance(doc, list):
        for index, child in enumerate(doc):
            found += _existing_paths(child, (*prefix, index))
            found += _existing_paths(child, (*prefix, index - len(doc)))
    return found


def _text(keys: tuple[Any, ...]) -> str:
    parts = []
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif "'" in key:
            parts.append(f'["{key}"]')
        else:
            parts.append(f"['{key}']")
    return "$" + "".join(parts)


def _other_leaves(doc: Any, skip: tuple[Any, ...], prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    """Every node not on, under or above `skip`, keyed by its (non-negative) path."""
    if prefix == skip[: len(prefix)]:
        if len(prefix) == len(skip):
            return {}
        out: dict[tuple[Any, ...], Any] = {}
        if isinstance(doc, dict):
            for key, child in doc.items():
                out.update(_other_leaves(child, skip, (*prefix, key)))
        elif isinstance(doc, list):
            for index, child in enumerate(doc):
                out.update(_other_leaves(child, skip, (*prefix, index)))
        return out
    return {prefix: doc}


def _normalise(keys: tuple[Any, ...], doc: Any) -> tuple[Any, ...]:
    out = []
    node = doc
    for key in keys:
        if isinstance(key, int) and key < 0:
            key = len(node) + key
        out.append(key)
        node = node[key]
    return tuple(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_containers, data=st.data(), value=_json)
def test_get_after_set_returns_the_value(doc: dict[str, Any], data: st.DataObject, value: Any) -> None:
    keys = data.draw(st.sampled_from(_existing_paths(doc)))
    path = compile_path(_text(keys))
    assert path.keys == keys
    before = copy.deepcopy(doc)
    out = set_path(doc, path, value)
    assert path.get(out) == value
    assert doc == before  # the input is never mutated
    normal = _normalise(keys, doc)
    if normal:
        assert _other_leaves(out, normal) == _other_leaves(doc, normal)


@settings(max_examples=200, deadline=None)
@given(doc=_containers, key=_keys, value=_json)
def test_set_of_a_new_key_adds_exactly_that_key(doc: dict[str, Any], key: str, value: Any) -> None:
    path = compile_path(_text(("fresh-" + key, key)))
    out = set_path(doc, path, value)
    assert out == {**doc, "fresh-" + key: {key: value}}


# --- Jayway's syntax, as AWS accepts it -------------------------------------------------------------

_DOC = {"a": [{"b": 1, "body": '{"k": 1}'}, {"b": 2}], "x-y": 5, "c:d": 6, "e@f": 7, "g=h": 8, "a]]": 9,
        "o": {"p": {"q": 3}}, "n": [1, 2, 3], "it's": 10, "it\\'s": 11, "s": "text", "w": [1.5, "x", True, 2]}


@pytest.mark.parametrize(("text", "expected"), [
    ("$.[0]", {"v": 1}), ("$.[0].v", 1), ("$.['x-y']", None), ("$.a.[0].body", '{"k": 1}'), ("$.a.[1]['b']", 2),
    ("$.x-y", 5), ("$.c:d", 6), ("$.e@f", 7), ("$.g=h", 8), ("$.a]]", 9), ("$['it\\'s']", 11), ('$["x-y"]', 5),
    ("$.o.p.q", 3), ("$.n[-1]", 3), ("$.o.['p'].q", 3),
])
def test_singular_jayway_forms(text: str, expected: Any) -> None:
    # A backslash keeps a quote from ending a bracketed name but stays in the name (recorded: AWS
    # reads $['Test\\""Name"'] as the key Test\\""Name"), so $['it\\'s'] names "it\\'s".
    path = compile_path(text)
    assert path.singular
    doc: Any = [{"v": 1}] if text.startswith("$.[0]") else _DOC
    if expected is None:
        assert path.get({"x-y": "here"}) == "here"
    else:
        assert path.get(doc) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("$..b", [1, 2]), ("$.a[*].b", [1, 2]), ("$.a.[*].b", [1, 2]), ("$.a[?(@.b == 1)].b", [1]),
    ("$.a[?(@.b > 1)]", [{"b": 2}]), ("$['x-y','c:d']", [5, 6]), ("$.n[1:]", [2, 3]), ("$.n[-1:]", [3]),
    ("$.n[:2]", [1, 2]), ("$.n[0,2]", [1, 3]), ("$.o.*", [{"q": 3}]), ("$.o..q", [3]), ("$..p.q", [3]),
    ("$.a[*].c:d", []), ("$..['x-y']", [5]),
])
def test_query_jayway_forms(text: str, expected: Any) -> None:
    path = compile_path(text)
    assert not path.singular
    assert path.get(_DOC) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("$.n.length()", 3), ("$.o.length()", 1), ("$.s.length()", 4), ("$.n.size()", 3), ("$.n.sum()", 6.0),
    ("$.n.min()", 1.0), ("$.n.max()", 3.0), ("$.n.avg()", 2.0), ("$.n.stddev()", (2 / 3) ** 0.5),
    ("$.o.keys()", ["p"]), ("$.n.first()", 1), ("$.n.last()", 3), ("$.a[*].b.sum()", 3.0), ("$.w.sum()", 3.5),
    ("$.[0].length()", 1),
])
def test_jayway_functions(text: str, expected: Any) -> None:
    path = compile_path(text)
    assert not path.singular  # a function's value is no node: not a reference path
    doc: Any = [{"v": 1}] if text.startswith("$.[0]") else _DOC
    value = path.get(doc)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text", ["$.s.sum()", "$.o.first()", "$.n.keys()", "$.missing.length()", "$.x-y.length()"])
def test_jayway_function_on_the_wrong_kind_of_value_names_nothing(text: str) -> None:
    with pytest.raises(PathNotFound):
        compile_path(text).get(_DOC)


def test_dot_bracket_paths_work_everywhere_a_path_goes() -> None:
    from statewright.asl.validate import validate
    from statewright.integrations.runner import run

    definition = {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "InputPath": "$.['wrap']", "ResultPath": "$.['out']", "OutputPath": "$.['out']",
        "End": True,
        "Parameters": {"parsed.$": "States.StringToJson($.items.[0].body)", "n.$": "$.items.[0].list.length()",
                       "odd.$": "$.items.[0].c:d", "sum.$": "$.items[*].c:d.sum()"}}}}
    assert validate(definition) == []
    item = {"body": '{"k": 1}', "list": [1, 2], "c:d": 3}
    result = run(definition, {"wrap": {"items": [item]}})
    assert result.output == {"parsed": {"k": 1}, "n": 2, "odd": 3, "sum": 3.0}
