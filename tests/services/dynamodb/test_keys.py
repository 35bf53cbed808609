"""Key bytes sort as DynamoDB sorts keys: numbers numerically, strings by UTF-8 bytes, binary
bytewise (AWS developer guide, "Query: Key condition expressions")."""

from __future__ import annotations

import base64
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from statewright.services.dynamodb import keys, numbers

_numbers = st.builds(lambda digits, exponent: numbers.normalize(f"{digits}E{exponent}"),
                     st.integers(min_value=-10**20, max_value=10**20), st.integers(min_value=-100, max_value=100))


def _safe(text: str) -> str | None:
    try:
        return numbers.normalize(text)
    except Exception:  # noqa: BLE001 - values out of DynamoDB's range are not keys
        return None


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.lists(st.builds(lambda sign, digits, exponent: _safe(f"{sign}{digits}E{exponent}"),
                          st.sampled_from(["", "-"]), st.integers(min_value=0, max_value=10**38 - 1),
                          st.integers(min_value=-140, max_value=130)), min_size=2, max_size=20))
# Found by this test: 38 digits must survive normalization (Decimal's default precision is 28).
@example(["1.0000001E+104", "9.9999999999999999999999999999995E+104"])
def test_number_keys_sort_numerically(texts):
    values = [text for text in texts if text is not None]
    by_bytes = sorted(values, key=lambda text: keys.encode({"N": text}))
    assert [Decimal(text) for text in by_bytes] == sorted(Decimal(text) for text in values)


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.lists(st.text(min_size=1), min_size=2, max_size=20))
def test_string_keys_sort_by_utf8_bytes(texts):
    by_bytes = sorted(texts, key=lambda text: keys.encode({"S": text}))
    assert [text.encode() for text in by_bytes] == sorted(text.encode() for text in texts)


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.lists(st.binary(min_size=1), min_size=2, max_size=20))
def test_binary_keys_sort_bytewise(blobs):
    values = [{"B": base64.b64encode(blob).decode()} for blob in blobs]
    assert sorted(keys.encode(value) for value in values) == sorted(blobs)


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(_numbers, _numbers)
def test_equal_numbers_encode_equally(a, b):
    assert (keys.encode({"N": a}) == keys.encode({"N": b})) == (Decimal(a) == Decimal(b))


@settings(deadline=None)  # a shared machine: no wall-clock limit per example
@given(st.integers(min_value=1, max_value=1000), st.integers(min_value=0, max_value=2**32 - 1))
def test_scan_segments_partition_the_hash_space(total, point):
    owners = [segment for segment in range(total)
              if keys.segment_bounds(segment, total)[0] <= point < keys.segment_bounds(segment, total)[1]]
    assert len(owners) == 1
