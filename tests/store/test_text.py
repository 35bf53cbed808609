"""Text at the store boundary: JSON made storable without changing its value."""

from __future__ import annotations

import json

import pytest

from statewright.store.text import dumps, has_surrogate, storable_json


@pytest.mark.parametrize("value", [{"a": "\ud800"}, ["x\udfffy", "é", "😀"], "\udbff", {"\ud800k": 1}])
def test_storable_json_parses_to_the_same_value_and_encodes_as_utf8(value):
    text = json.dumps(value, ensure_ascii=False)
    stored = storable_json(text)
    stored.encode("utf-8")
    assert json.loads(stored) == value


def test_storable_json_leaves_storable_text_as_it_is():
    text = json.dumps({"a": "é😀"}, ensure_ascii=False)
    assert storable_json(text) is text


def test_has_surrogate_is_exactly_what_utf8_cannot_encode():
    assert not has_surrogate("é😀") and has_surrogate("a\ud800") and has_surrogate("\udc00")


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, None, True, False, "é\ud800😀"], "b": {"c": float("inf")}}, "x", 7, 1.5, None, [], {}])
def test_dumps_is_compact_ascii_json_as_json_dumps_writes_it(value):
    text = dumps(value)
    assert text == json.dumps(value, separators=(",", ":")) and text.isascii()


def test_dumps_refuses_what_json_cannot_hold():
    with pytest.raises(TypeError):
        dumps({"a": object()})
