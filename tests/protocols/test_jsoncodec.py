"""JSON along a shape, and the plain encoder awsJson uses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botocore.model import ShapeResolver

from statewright.protocols.errors import ProtocolError
from statewright.protocols.jsoncodec import decode, dumps, encode

SHAPES = ShapeResolver({
    "In": {"type": "structure", "members": {
        "Data": {"shape": "Blob", "locationName": "data"}, "At": {"shape": "Time"},
        "Iso": {"shape": "IsoTime"}, "Id": {"shape": "Str", "location": "uri", "locationName": "id"}}},
    "Blob": {"type": "blob"}, "Time": {"type": "timestamp"},
    "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"}, "Str": {"type": "string"},
})
SHAPE = SHAPES.get_shape_by_name("In")
WHEN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_plain_encoder_writes_bytes_as_base64_and_datetimes_as_epoch_seconds():
    assert json.loads(dumps({"b": b"\x00\x01", "t": WHEN, "n": 1})) == {"b": "AAE=", "t": 1796040000, "n": 1}


def test_encoding_follows_the_shape():
    assert encode(SHAPE, {"Data": b"hi", "At": WHEN, "Iso": WHEN, "Id": "bound elsewhere", "Extra": 1}) == \
        {"data": "aGk=", "At": 1796040000, "Iso": "2026-11-30T12:00:00Z", "Extra": 1}


def test_decoding_gives_bytes_and_datetimes_and_keeps_the_rest_as_sent():
    assert decode(SHAPE, {"data": "aGk=", "At": 1796040000, "Iso": "2026-11-30T12:00:00Z", "Extra": [1]}, "") == \
        {"Data": b"hi", "At": WHEN, "Iso": WHEN, "Extra": [1]}


def test_bad_base64_names_the_member():
    with pytest.raises(ProtocolError) as caught:
        decode(SHAPE, {"data": "***"}, "")
    assert "Data" in caught.value.message


def test_dumps_writes_what_json_dumps_writes_byte_for_byte():
    from statewright.protocols.jsoncodec import default

    values = [{"é": "ü\u2028🙂", "n": [1, 2.5, -0.0, 1e300, True, None], "nan": float("nan"), "inf": float("inf")},
              {"b": b"\xff", "t": WHEN, "s": ("x", "y"), "deep": {"a": [{"b": {}}]}}, [], "text", 3]
    for value in values:
        assert dumps(value) == json.dumps(value, default=default, separators=(",", ":")).encode()
