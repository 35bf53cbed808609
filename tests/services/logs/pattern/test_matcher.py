"""The filter pattern matcher, table-tested with the examples of AWS's "Filter pattern syntax"
documentation (their sample events and the events each pattern selects), plus properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statewright.services.logs.pattern import compile_pattern
from statewright.services.logs.pattern.matcher import split_fields

# AWS's sample events for unstructured patterns.
UNSTRUCTURED = ["[ERROR 400] BAD REQUEST", "[ERROR 401] UNAUTHORIZED REQUEST", "[ERROR 419] MISSING ARGUMENTS",
                "[ERROR 420] INVALID ARGUMENTS"]


@pytest.mark.parametrize(("pattern", "selected"), [
    ("", [0, 1, 2, 3]),
    ('" "', [0, 1, 2, 3]),
    ("ERROR", [0, 1, 2, 3]),
    ("ERROR ARGUMENTS", [2, 3]),
    ("ARGUMENTS ERROR", [2, 3]),
    ('"INVALID ARGUMENTS"', [3]),
    ("?ARGUMENTS ?UNAUTHORIZED", [1, 2, 3]),
    ("ERROR -ARGUMENTS", [0, 1]),
    ('ERROR -"MISSING ARGUMENTS"', [0, 1, 3]),
    ("error", []),  # terms are case-sensitive
    ("%ERROR 4[01][0-9]%", [0, 1, 2]),
    ("-ERROR", []),
])
def test_unstructured(pattern, selected):
    predicate = compile_pattern(pattern)
    assert [i for i, message in enumerate(UNSTRUCTURED) if predicate(message)] == selected


# AWS's sample JSON event for JSON patterns.
EVENT = json.dumps({
    "eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": None, "cluster.name": "c",
    "ThisFlag": True, "latency": 1250, "bandwidth": 75.5})


@pytest.mark.parametrize(("pattern", "expected"), [
    ('{ $.eventType = "UpdateTrail" }', True),
    ("{ $.eventType = UpdateTrail }", True),
    ('{ $.eventType = "Update*" }', True),
    ('{ $.eventType = "update*" }', False),
    ("{ $.sourceIPAddress != 123.123.* }", True),
    ("{ $.sourceIPAddress = 111.111.* }", True),
    ('{ $.arrayKey[0] = "value" }', True),
    ('{ $.arrayKey[1] = "another value" }', True),
    ('{ $.arrayKey[2] = "value" }', False),
    ("{ $.objectList[1].id = 2 }", True),
    ("{ $.objectList[0].id > 1 }", False),
    ("{ $.SomeObject IS NULL }", True),
    ("{ $.SomeOtherObject NOT EXISTS }", True),
    ("{ $.SomeObject NOT EXISTS }", False),
    ("{ $.ThisFlag IS TRUE }", True),
    ("{ $.ThisFlag IS FALSE }", False),
    ("{ $.latency > 1000 }", True),
    ("{ $.latency >= 1250 && $.latency <= 1250 }", True),
    ("{ $.bandwidth > 75 }", True),
    ("{ $.bandwidth = 75.5 }", True),
    ('{ ($.eventType = "UpdateTrail") && ($.ThisFlag IS FALSE) }', False),
    ('{ ($.eventType = "DeleteTrail") || ($.latency < 2000) }', True),
    ("{ $.missing != 1 }", False),
    ("{ $.eventType = %^Update% }", True),
    ("{ $.eventType != %Delete% }", True),
    ("{ $.latency = 1250* }", True),
])
def test_json(pattern, expected):
    assert compile_pattern(pattern)(EVENT) is expected


def test_json_patterns_do_not_match_text_or_non_objects():
    predicate = compile_pattern('{ $.a = "b" }')
    assert not predicate('a = "b"')
    assert not predicate('["b"]')
    assert not predicate("{not json")
    assert predicate('  {"a": "b"}  ')


# AWS's sample event for space-delimited patterns (an Apache access log line).
APACHE = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534'


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[ip, user, username, timestamp, request, status_code, bytes]", True),
    ('[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]', False),
    ('[ip, user, username, timestamp, request = "*gif*", status_code = 2*, bytes]', True),
    ("[..., status_code = 200, bytes]", True),
    ("[ip, ..., bytes > 1000]", True),
    ("[ip, user, ..., status_code >= 200 && status_code < 300, bytes]", True),
    ("[ip, user, ..., status_code = 400 || status_code = 200, bytes]", True),
    ("[ip, user, username, timestamp, request, status_code, bytes > 2000]", False),
    ("[ip = 127.0.0.*, ...]", True),
    ('[ip, user, username = "frank", ...]', True),
    ("[ip, user, username != frank, ...]", False),
    ('[..., timestamp = "10/Oct/2000*", request, status, bytes]', True),
    ("[ip, user]", False),  # too few fields named for the line
    ("[a, b, c, d, e, f, g, h]", False),  # too many
])
def test_space_delimited(pattern, expected):
    assert compile_pattern(pattern)(APACHE) is expected


def test_split_fields_keeps_quoted_and_bracketed_runs_whole():
    assert split_fields(APACHE) == ["127.0.0.1", "-", "frank", "10/Oct/2000:13:25:15 -0700",
                                    "GET /apache_pb.gif HTTP/1.0", "200", "1534"]


alnum = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=10)


@given(st.lists(alnum, min_size=1, max_size=8), st.data())
def test_a_word_of_the_message_matches_and_its_exclusion_does_not(words, data):
    message = " ".join(words)
    word = data.draw(st.sampled_from(words))
    assert compile_pattern(word)(message)
    assert not compile_pattern(f"-{word}")(message)
    assert compile_pattern(f"?{word} ?zzzz{word}zzzz")(message)


@given(st.text(st.characters(blacklist_characters='"\\', blacklist_categories=("Cs",)), min_size=1), st.data())
def test_any_quoted_substring_matches(message, data):
    start = data.draw(st.integers(0, len(message) - 1))
    end = data.draw(st.integers(start + 1, len(message)))
    phrase = message[start:end]
    if phrase.strip():
        assert compile_pattern(f'"{phrase}"')(message)


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), st.integers(-10**6, 10**6),
                       min_size=1, max_size=6), st.data())
def test_json_numbers_compare_as_numbers(document, data):
    key = data.draw(st.sampled_from(sorted(document)))
    value = document[key]
    message = json.dumps(document)
    assert compile_pattern(f"{{ $.{key} = {value} }}")(message)
    assert not compile_pattern(f"{{ $.{key} != {value} }}")(message)
    assert compile_pattern(f"{{ $.{key} >= {value} && $.{key} < {value + 1} }}")(message)
    assert not compile_pattern(f"{{ $.{key} > {value} }}")(message)
