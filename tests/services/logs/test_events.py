"""Log events: PutLogEvents' limits and rejections, GetLogEvents' tokens, FilterLogEvents."""

from __future__ import annotations

from statewright.services.logs.events import MAX_BATCH_BYTES

from .conftest import DAY, NOW, call, error_of, make_stream, put

HOUR = 3_600_000


def messages(answer: dict) -> list[str]:
    return [event["message"] for event in answer["events"]]


def test_put_then_get_in_timestamp_order(service):
    make_stream(service)
    put(service, [(NOW - 30, "a"), (NOW - 20, "b")])
    put(service, [(NOW - 25, "between"), (NOW - 25, "same time, later")])
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startFromHead=True)
    assert messages(got) == ["a", "between", "same time, later", "b"]
    assert got["events"][0] == {"timestamp": NOW - 30, "message": "a", "ingestionTime": NOW}


def test_rejected_events_are_reported_and_the_rest_kept(service):
    make_stream(service)
    answer = put(service, [(NOW - 15 * DAY, "too old"), (NOW - 14 * DAY - 1, "too old too"), (NOW - HOUR, "ok"),
                           (NOW + 2 * HOUR, "just in time"), (NOW + 2 * HOUR + 1, "too new")])
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 4}
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startFromHead=True)
    assert messages(got) == ["ok", "just in time"]


def test_events_before_the_retention_period_are_expired(service):
    make_stream(service)
    call(service, "PutRetentionPolicy", logGroupName="/app/g", retentionInDays=1)
    answer = put(service, [(NOW - 2 * DAY, "expired"), (NOW - HOUR, "kept")])
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    assert "rejectedLogEventsInfo" not in put(service, [(NOW, "fine")])


def test_batch_errors(service):
    make_stream(service)
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW, "message": "b"}, {"timestamp": NOW - 1, "message": "a"}])
    assert (error.code, error.message) == (
        "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
    big = "x" * (MAX_BATCH_BYTES // 2)
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW, "message": big}, {"timestamp": NOW, "message": big}])
    assert error.message == f"Upload too large: {2 * (len(big) + 26)} bytes exceeds limit of 1048576"
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW, "message": "x"}] * 10_001)
    assert "Member must have length less than or equal to 10000" in error.message
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s", logEvents=[])
    assert "Member must have length greater than or equal to 1" in error.message
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW, "message": ""}])
    assert "'message' failed to satisfy constraint: Member must have length greater than or equal to 1" in error.message
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW - 13 * DAY, "message": "a"}, {"timestamp": NOW, "message": "b"}])
    assert error.message == "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="nope",
                     logEvents=[{"timestamp": NOW, "message": "a"}])
    assert (error.code, error.message) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_a_full_batch_of_ten_thousand_is_accepted(service):
    make_stream(service)
    assert "rejectedLogEventsInfo" not in put(service, [(NOW - 10_000 + i, f"m{i}") for i in range(10_000)])
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startFromHead=True)
    assert len(got["events"]) == 10_000


def test_get_log_events_tokens_walk_forward_and_backward(service):
    make_stream(service)
    put(service, [(NOW - 100 + i, f"m{i}") for i in range(10)])
    request = {"logGroupName": "/app/g", "logStreamName": "s", "limit": 4}
    latest = call(service, "GetLogEvents", **request)  # without a token: the newest events
    assert messages(latest) == ["m6", "m7", "m8", "m9"]
    older = call(service, "GetLogEvents", **request, nextToken=latest["nextBackwardToken"])
    assert messages(older) == ["m2", "m3", "m4", "m5"]
    oldest = call(service, "GetLogEvents", **request, nextToken=older["nextBackwardToken"])
    assert messages(oldest) == ["m0", "m1"]
    end = call(service, "GetLogEvents", **request, nextToken=oldest["nextBackwardToken"])
    assert end["events"] == [] and end["nextBackwardToken"] == oldest["nextBackwardToken"]
    again = call(service, "GetLogEvents", **request, nextToken=older["nextForwardToken"])
    assert messages(again) == ["m6", "m7", "m8", "m9"]
    done = call(service, "GetLogEvents", **request, nextToken=again["nextForwardToken"])
    assert done["events"] == [] and done["nextForwardToken"] == again["nextForwardToken"]
    put(service, [(NOW, "new")])
    assert messages(call(service, "GetLogEvents", **request, nextToken=done["nextForwardToken"])) == ["new"]


def test_tokens_look_like_aws_tokens(service):
    make_stream(service)
    put(service, [(NOW, "x")])
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s")
    for token, letter in ((got["nextForwardToken"], "f"), (got["nextBackwardToken"], "b")):
        head, digits, tail = token.split("/")
        assert (head, len(digits), tail) == (letter, 56, "s") and digits.isdigit()
    error = error_of(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", nextToken="x/1/s")
    assert error.code == "InvalidParameterException"


def test_get_log_events_time_range_start_inclusive_end_exclusive(service):
    make_stream(service)
    put(service, [(NOW - 3, "a"), (NOW - 2, "b"), (NOW - 1, "c")])
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startTime=NOW - 2,
               endTime=NOW - 1, startFromHead=True)
    assert messages(got) == ["b"]


def test_get_log_events_answers_at_most_a_megabyte(service):
    make_stream(service)
    chunk = "y" * 300_000
    for i in range(4):
        put(service, [(NOW - 10 + i, f"{i}{chunk}")])
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", startFromHead=True)
    assert [m[0] for m in messages(got)] == ["0", "1", "2"]
    rest = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s", nextToken=got["nextForwardToken"])
    assert [m[0] for m in messages(rest)] == ["3"]


def test_filter_across_streams_with_a_pattern(service):
    make_stream(service, "/app/g", "one")
    make_stream(service, "/app/g", "two")
    put(service, [(NOW - 5, "ERROR first"), (NOW - 3, "INFO fine")], stream="one")
    put(service, [(NOW - 4, '{"level": "ERROR", "n": 2}'), (NOW - 2, "ERROR last")], stream="two")
    got = call(service, "FilterLogEvents", logGroupName="/app/g", filterPattern="ERROR")
    assert [(e["logStreamName"], e["message"]) for e in got["events"]] == [
        ("one", "ERROR first"), ("two", '{"level": "ERROR", "n": 2}'), ("two", "ERROR last")]
    assert len({e["eventId"] for e in got["events"]}) == 3 and "nextToken" not in got
    json_only = call(service, "FilterLogEvents", logGroupName="/app/g", filterPattern='{ $.level = "ERROR" }')
    assert messages(json_only) == ['{"level": "ERROR", "n": 2}']
    in_one = call(service, "FilterLogEvents", logGroupName="/app/g", logStreamNames=["one"])
    assert messages(in_one) == ["ERROR first", "INFO fine"]
    by_prefix = call(service, "FilterLogEvents", logGroupName="/app/g", logStreamNamePrefix="tw")
    assert len(by_prefix["events"]) == 2
    ranged = call(service, "FilterLogEvents", logGroupName="/app/g", startTime=NOW - 4, endTime=NOW - 3)
    assert messages(ranged) == ['{"level": "ERROR", "n": 2}', "INFO fine"]  # both ends inclusive


def test_filter_pages(service):
    make_stream(service)
    put(service, [(NOW - 50 + i, f"m{i}") for i in range(7)])
    seen, token = [], None
    while True:
        page = call(service, "FilterLogEvents", logGroupName="/app/g", limit=3, **({"nextToken": token} if token else {}))
        seen += messages(page)
        token = page.get("nextToken")
        if not token:
            break
    assert seen == [f"m{i}" for i in range(7)]


def test_filter_errors(service):
    make_stream(service)
    error = error_of(service, "FilterLogEvents", logGroupName="/app/g", filterPattern="{ $.a = }")
    assert error.code == "InvalidParameterException"
    assert error.message == "Invalid filter pattern: expected a value but found '}' at position 9"
    error = error_of(service, "FilterLogEvents", logGroupName="/app/g", logStreamNames=["s"], logStreamNamePrefix="s")
    assert error.code == "InvalidParameterException"
    error = error_of(service, "FilterLogEvents", logGroupName="/nope")
    assert error.message == "The specified log group does not exist."


def test_text_that_is_not_unicode_is_refused_by_name(service):
    make_stream(service)
    error = error_of(service, "PutLogEvents", logGroupName="/app/g", logStreamName="s",
                     logEvents=[{"timestamp": NOW, "message": "bad \ud800"}])
    assert error.code == "InvalidParameterException"
    assert "at 'message' failed to satisfy constraint: Member must contain valid Unicode characters" in error.message
    error = error_of(service, "CreateLogStream", logGroupName="/app/g", logStreamName="\udfff")
    assert "at 'logStreamName'" in error.message


def test_write_events_replaces_lone_surrogates(service):
    make_stream(service)
    assert service.write_events("/app/g", "s", [{"timestamp": NOW, "message": "x\ud800y"}]).result()
    got = call(service, "GetLogEvents", logGroupName="/app/g", logStreamName="s")
    assert [e["message"] for e in got["events"]] == ["x?y"]


def test_polling_from_the_newest_timestamp_as_aws_logs_tail_follow_does(service):
    """`aws logs tail --follow` (CLI v2) re-asks FilterLogEvents from the newest timestamp it
    saw and skips the eventIds it already printed: those must be stable across calls."""
    make_stream(service)
    put(service, [(NOW - 10, "a"), (NOW - 5, "b1"), (NOW - 5, "b2")])
    first = call(service, "FilterLogEvents", logGroupName="/app/g", startTime=NOW - 60_000, interleaved=True)
    assert "nextToken" not in first
    newest = max(e["timestamp"] for e in first["events"])
    seen = {e["eventId"] for e in first["events"] if e["timestamp"] == newest}
    put(service, [(NOW - 5, "b3"), (NOW - 1, "c")])
    again = call(service, "FilterLogEvents", logGroupName="/app/g", startTime=newest, interleaved=True)
    assert [e["message"] for e in again["events"] if e["eventId"] not in seen] == ["b3", "c"]
