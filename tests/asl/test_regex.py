"""asl.regex: JSONPath `=~` filters match as Jayway's (whole string, flags) and never backtrack."""

from __future__ import annotations

import pytest

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.paths import PathError, compile_path
from statewright.asl.regex import RegexError, compile_pattern


def test_a_catastrophic_pattern_runs_in_linear_time():
    # Python's (and Java's) backtracking engines take ~2^n steps here; RE2 takes ~n.
    path = compile_path("$[?(@ =~ /(a+)+$/)]")
    assert path.get(["a" * 40 + "!", "aaaa", "b"]) == ["aaaa"]


def test_the_whole_string_must_match_and_flags_apply():
    assert compile_path("$[?(@.n =~ /b/)]").get([{"n": "abc"}, {"n": "b"}]) == [{"n": "b"}]
    assert compile_path("$[?(@.n =~ /AB.*/i)]").get([{"n": "abc"}, {"n": "xab"}]) == [{"n": "abc"}]
    assert compile_pattern("a.b", "s").fullmatch("a\nb") is not None
    assert compile_pattern("a.b").fullmatch("a\nb") is None


@pytest.mark.parametrize("pattern", [r"(a)\1", r"a(?=b)", r"(?<!x)y"])
def test_patterns_that_need_backtracking_are_refused_when_compiled(pattern):
    with pytest.raises(RegexError):
        compile_pattern(pattern)
    with pytest.raises(PathError):
        compile_path(f"$[?(@ =~ /{pattern}/)]")


def test_a_definition_with_such_a_pattern_is_invalid():
    with pytest.raises(DefinitionError):
        parse_definition({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "InputPath": r"$.xs[?(@ =~ /(a)\1/)]", "End": True}}})


def test_unknown_flags_and_rfc9535_regex_functions_are_refused():
    with pytest.raises(RegexError):
        compile_pattern("a", "x")
    for text in ("$[?match(@, 'a')]", "$[?search(@, 'a')]"):
        with pytest.raises(PathError):
            compile_path(text)
