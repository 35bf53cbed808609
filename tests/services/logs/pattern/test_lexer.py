"""The filter pattern lexer: tokens and the positions they start at."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statewright.services.logs.pattern import PatternError
from statewright.services.logs.pattern.lexer import (
    AND,
    END,
    EXCLUDE,
    OP,
    OPTIONAL,
    OR,
    REGEX,
    SELECTOR,
    STRING,
    WORD,
    tokenize_expression,
    tokenize_terms,
)


def kinds(tokens):
    return [(token.kind, token.text, token.position) for token in tokens]


def test_terms_with_prefixes_phrases_and_regex():
    assert kinds(tokenize_terms('?ERROR -"Exiting now" %4[0-9]{2}%')) == [
        (OPTIONAL, "?", 0), (WORD, "ERROR", 1), (EXCLUDE, "-", 7), (STRING, "Exiting now", 8),
        (REGEX, "4[0-9]{2}", 22), (END, "", 33)]


def test_a_lone_dash_or_question_mark_is_a_word():
    assert [t.kind for t in tokenize_terms("a - b ?")] == [WORD, WORD, WORD, WORD, END]


def test_json_expression_tokens():
    tokens = tokenize_expression('{ $.a[0].b >= 10 && ($.c != "x y" || $.d = 1.2.*) }')
    assert [(t.kind, t.text) for t in tokens] == [
        ("{", "{"), (SELECTOR, "$.a[0].b"), (OP, ">="), (WORD, "10"), (AND, "&&"), ("(", "("),
        (SELECTOR, "$.c"), (OP, "!="), (STRING, "x y"), (OR, "||"), (SELECTOR, "$.d"), (OP, "="), (WORD, "1.2.*"),
        (")", ")"), ("}", "}"), (END, "")]


def test_delimited_tokens():
    tokens = tokenize_expression("[ip, ..., status = 4*]")
    assert [(t.kind, t.text) for t in tokens] == [
        ("[", "["), (WORD, "ip"), (",", ","), (WORD, "..."), (",", ","), (WORD, "status"), (OP, "="),
        (WORD, "4*"), ("]", "]"), (END, "")]


def test_escapes_in_quoted_strings():
    assert tokenize_terms(r'"say \"hi\" \\ there"')[0].text == 'say "hi" \\ there'


@pytest.mark.parametrize(("pattern", "position", "reason"), [
    ('ERROR "unterminated', 6, "unterminated quoted string"),
    ("%abc", 0, "unterminated regular expression"),
    ("{ $.a & $.b }", 6, "must be doubled"),
    ("{ $.a ! 1 }", 6, "unexpected character '!'"),
])
def test_errors_name_their_position(pattern, position, reason):
    tokenize = tokenize_terms if not pattern.startswith("{") else tokenize_expression
    with pytest.raises(PatternError) as caught:
        tokenize(pattern)
    assert caught.value.position == position
    assert reason in caught.value.reason
    assert f"at position {position + 1}" in str(caught.value)


words = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8)


@given(st.lists(words, min_size=1, max_size=6), st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=6, max_size=6))
def test_word_positions_point_into_the_pattern(items, gaps):
    pattern = "".join(gap + item for gap, item in zip(gaps, items, strict=False))
    tokens = tokenize_terms(pattern)[:-1]
    assert [token.text for token in tokens] == items
    for token in tokens:
        assert pattern[token.position:token.position + len(token.text)] == token.text
