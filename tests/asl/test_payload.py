"""asl.payload: JSONPath payload templates (`.$` keys) compiled once, evaluated per state."""

from __future__ import annotations

import random
from typing import Any

import pytest

from statewright.asl.errors import RUNTIME, StatesError
from statewright.asl.paths import Path, compile_path
from statewright.asl.payload import Arr, Const, Intrinsic, Obj, PathRef, compile_template, evaluate

DATA = {"order": {"id": "o-1", "items": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]}, "n": 3}
CONTEXT = {"Execution": {"Id": "arn:exec", "Name": "run-1"}, "State": {"Name": "S"}}
VARIABLES = {"customer": {"name": "Ada"}, "limit": 10}


def _resolve(path: Path) -> Any:
    if path.root == "$":
        return path.get(DATA)
    if path.root == "$$":
        return path.get(CONTEXT)
    from statewright.asl.paths import PathNotFound

    if path.root[1:] not in VARIABLES:
        raise PathNotFound(path.text)
    return path.get(VARIABLES[path.root[1:]])


def _eval(template: Any) -> Any:
    node = compile_template(template)
    return evaluate(node, _resolve, lambda text: _resolve(compile_path(text)), random.Random(0))


# --- compilation ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", [{"a": 1, "b": [1, {"c": None}]}, [1, "$.not.a.path"], "$.x", 5, None,
                                      {"plain": "$.looks.like.a.path"}])
def test_constants_compile_to_const(template: Any) -> None:
    node = compile_template(template)
    assert isinstance(node, Const)
    assert node.value == template


def test_dynamic_keys_compile_to_refs_and_drop_the_suffix() -> None:
    node = compile_template({"id.$": "$.order.id", "fixed": 1})
    assert isinstance(node, Obj)
    members = dict(node.members)
    assert set(members) == {"id", "fixed"}
    assert isinstance(members["id"], PathRef)
    assert members["id"].field == "id.$"
    assert members["fixed"] == Const(1)


def test_intrinsic_values_compile_to_intrinsic_nodes() -> None:
    node = compile_template({"msg.$": "States.Format('hi {}', $.n)"})
    assert isinstance(node, Obj)
    assert isinstance(dict(node.members)["msg"], Intrinsic)


def test_arrays_with_dynamic_members_compile_to_arr() -> None:
    node = compile_template([1, {"x.$": "$.n"}])
    assert isinstance(node, Arr)
    assert node.items[0] == Const(1)


@pytest.mark.parametrize("template", [{"x.$": 5}, {"x.$": None}, {"x.$": ["$.a"]}])
def test_a_dynamic_key_needs_a_string(template: Any) -> None:
    with pytest.raises(ValueError, match="x.\\$"):
        compile_template(template)


def test_a_bad_path_names_the_field() -> None:
    with pytest.raises(ValueError, match="'bad.\\$'"):
        compile_template({"bad.$": "not a path"})


def test_a_bad_intrinsic_names_the_field() -> None:
    with pytest.raises(ValueError, match="'call.\\$'"):
        compile_template({"call.$": "States.Format('unclosed'"})


# --- evaluation -----------------------------------------------------------------------------


def test_paths_context_and_variables() -> None:
    out = _eval({
        "id.$": "$.order.id",
        "first.$": "$.order.items[0].sku",
        "execution.$": "$$.Execution.Name",
        "who.$": "$customer.name",
        "limit.$": "$limit",
        "whole.$": "$",
    })
    assert out == {"id": "o-1", "first": "A", "execution": "run-1", "who": "Ada", "limit": 10, "whole": DATA}


def test_nested_objects_and_arrays() -> None:
    out = _eval({"outer": {"inner.$": "$.n", "list": [{"sku.$": "$.order.items[1].sku"}, "lit"]}, "k": True})
    assert out == {"outer": {"inner": 3, "list": [{"sku": "B"}, "lit"]}, "k": True}


def test_non_singular_path_gives_a_list() -> None:
    assert _eval({"skus.$": "$.order.items[*].sku"}) == {"skus": ["A", "B"]}


def test_intrinsics_read_paths_context_and_variables() -> None:
    out = _eval({
        "msg.$": "States.Format('{} for {} in {}', $.order.id, $customer.name, $$.Execution.Name)",
        "sum.$": "States.MathAdd($.n, $limit)",
        "arr.$": "States.Array($.n, 'x')",
    })
    assert out == {"msg": "o-1 for Ada in run-1", "sum": 13, "arr": [3, "x"]}


def test_keys_keep_their_order() -> None:
    out = _eval({"z.$": "$.n", "a": 1, "m.$": "$.n"})
    assert list(out) == ["z", "a", "m"]


def test_constant_template_result_is_the_written_value() -> None:
    assert _eval({"a": [1, 2]}) == {"a": [1, 2]}


def test_missing_path_is_states_runtime_naming_field_and_input() -> None:
    with pytest.raises(StatesError) as info:
        _eval({"x.$": "$.nope"})
    assert info.value.error == RUNTIME
    assert info.value.cause == (
        "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input "
        '\'{"order":{"id":"o-1","items":[{"sku":"A","qty":2},{"sku":"B","qty":1}]},"n":3}\'')


def test_missing_nested_path_names_the_nested_field() -> None:
    with pytest.raises(StatesError) as info:
        _eval({"outer": {"deep.$": "$.order.missing"}})
    assert "'deep.$'" in (info.value.cause or "")
    assert "'$.order.missing'" in (info.value.cause or "")


def test_missing_context_path_shows_the_context() -> None:
    with pytest.raises(StatesError) as info:
        _eval({"x.$": "$$.Task.Token"})
    assert info.value.error == RUNTIME
    assert '"Execution":{"Id":"arn:exec"' in (info.value.cause or "")


def test_unknown_variable_is_states_runtime() -> None:
    with pytest.raises(StatesError) as info:
        _eval({"x.$": "$nobody.name"})
    assert info.value.error == RUNTIME
    assert "'x.$'" in (info.value.cause or "")


def test_missing_path_inside_an_intrinsic_is_states_runtime() -> None:
    with pytest.raises(StatesError) as info:
        _eval({"msg.$": "States.Format('{}', $.nope)"})
    assert info.value.error == RUNTIME
    assert "'msg.$'" in (info.value.cause or "")
