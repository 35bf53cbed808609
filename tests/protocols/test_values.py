"""Scalars on the wire: timestamps in AWS's three formats, base64, text forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from botocore.utils import parse_timestamp as botocore_parse
from hypothesis import given
from hypothesis import strategies as st

from statewright.protocols.errors import ProtocolError
from statewright.protocols.values import format_timestamp, parse_timestamp, to_datetime

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1),
                       timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


@given(moments)
def test_iso8601_and_epoch_keep_milliseconds_and_botocore_agrees(moment):
    for kind in ("iso8601", "unixtimestamp"):
        text = format_timestamp(moment, kind)
        assert parse_timestamp(text, "t", "X") == moment
        parsed = botocore_parse(text)
        assert abs(parsed - moment) <= timedelta(microseconds=1), (kind, text)


@given(moments)
def test_rfc822_is_to_the_second(moment):
    text = format_timestamp(moment, "rfc822")
    assert text.endswith(" GMT")
    assert parse_timestamp(text, "t", "X") == moment.replace(microsecond=0)


def test_aws_forms():
    moment = datetime(2026, 11, 30, 12, 34, 56, 789000, tzinfo=UTC)
    assert format_timestamp(moment, "iso8601") == "2026-11-30T12:34:56.789Z"
    assert format_timestamp(moment.replace(microsecond=0), "iso8601") == "2026-11-30T12:34:56Z"
    assert format_timestamp(moment, "unixtimestamp") == 1796042096.789
    assert format_timestamp(moment.replace(microsecond=0), "unixtimestamp") == 1796042096
    assert format_timestamp(moment, "rfc822") == "Mon, 30 Nov 2026 12:34:56 GMT"


def test_services_may_hand_over_timestamps_in_any_form():
    moment = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert to_datetime(moment.timestamp()) == moment
    assert to_datetime("2026-11-30T12:00:00Z") == moment
    assert to_datetime(datetime(2026, 11, 30, 12, 0)) == moment  # naive means UTC
    assert to_datetime(datetime(2026, 11, 30, 13, 0, tzinfo=timezone(timedelta(hours=1)))) == moment


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_bad_timestamps_name_the_field(text):
    with pytest.raises(ProtocolError) as caught:
        parse_timestamp(text, "StartTime", "InvalidParameterValue")
    assert caught.value.code == "InvalidParameterValue"
    assert "StartTime" in caught.value.message
