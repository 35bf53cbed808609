"""Tokens of intrinsic text: kinds, decoded values and positions."""

import pytest

from statewright.asl.intrinsics.lexer import IntrinsicSyntaxError, Kind, tokenize


def kinds(text: str) -> list[Kind]:
    return [t.kind for t in tokenize(text)]


def test_call_with_every_kind_of_argument():
    tokens = tokenize("States.Array('a', 1, -2.5, true, false, null, $.x)")
    assert [t.kind for t in tokens] == [
        Kind.NAME, Kind.LPAREN, Kind.STRING, Kind.COMMA, Kind.NUMBER, Kind.COMMA, Kind.NUMBER,
        Kind.COMMA, Kind.TRUE, Kind.COMMA, Kind.FALSE, Kind.COMMA, Kind.NULL, Kind.COMMA,
        Kind.PATH, Kind.RPAREN, Kind.END,
    ]
    assert tokens[0].text == "States.Array"
    assert tokens[2].position == 13


def test_numbers_keep_int_and_float_apart():
    values = [t.value for t in tokenize("1 1.0 -7 2e3 0.5") if t.kind is Kind.NUMBER]
    assert values == [1, 1.0, -7, 2000.0, 0.5]
    assert [type(v) for v in values] == [int, float, int, float, float]


def test_string_escapes_are_decoded_and_raw_text_kept():
    (token, _end) = tokenize(r"'it\'s \{\} a \\ b'")
    assert token.kind is Kind.STRING
    assert token.value == "it's {} a \\ b"
    assert token.text == r"'it\'s \{\} a \\ b'"


@pytest.mark.parametrize("text", [r"'a\n'", r"'a\"'", "'\\"])
def test_unknown_or_dangling_escape_is_an_error(text):
    with pytest.raises(IntrinsicSyntaxError):
        tokenize(text)


def test_unterminated_string_points_at_its_quote():
    with pytest.raises(IntrinsicSyntaxError) as info:
        tokenize("States.Format('abc")
    assert info.value.position == 14


@pytest.mark.parametrize(
    "path",
    ["$", "$$.Execution.Id", "$var.x", "$.a['b, c'][0]", "$.a[?(@.b == 1)]", "$.x[*].y"],
)
def test_paths_run_to_the_argument_boundary(path):
    tokens = tokenize(f"States.Array({path}, 1)")
    assert tokens[2].kind is Kind.PATH
    assert tokens[2].text == path


def test_path_stops_at_closing_paren():
    tokens = tokenize("States.ArrayLength($.a)")
    assert tokens[2].text == "$.a"
    assert tokens[3].kind is Kind.RPAREN


def test_whitespace_is_skipped():
    assert kinds(" States.UUID ( ) ") == [Kind.NAME, Kind.LPAREN, Kind.RPAREN, Kind.END]


def test_unexpected_character_reports_position():
    with pytest.raises(IntrinsicSyntaxError) as info:
        tokenize("States.Array(#)")
    assert info.value.position == 13
    assert isinstance(info.value, ValueError)
