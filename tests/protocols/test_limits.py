"""How deep a request may nest, checked without recursion."""

from __future__ import annotations

import pytest

from statewright.protocols.errors import ProtocolError
from statewright.protocols.limits import MAX_NESTING, check_nesting, nested_deeper_than


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_depth_is_counted_in_lists_and_objects():
    assert not nested_deeper_than({"a": nested(9)}, 10)
    assert nested_deeper_than({"a": nested(10)}, 10)
    assert not nested_deeper_than("flat", 0) and not nested_deeper_than({}, 1)


def test_a_value_deeper_than_python_can_recurse_is_measured_and_refused():
    with pytest.raises(ProtocolError) as raised:
        check_nesting({"a": nested(200_000)})
    assert raised.value.code == "SerializationException" and str(MAX_NESTING) in raised.value.message
