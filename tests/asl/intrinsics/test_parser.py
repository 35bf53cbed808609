"""Parsing intrinsic text into Call trees, and rejecting malformed text."""

import pytest

from statewright.asl.intrinsics import (
    FUNCTION_NAMES,
    Call,
    IntrinsicSyntaxError,
    Literal,
    PathRef,
    is_intrinsic,
    parse,
)


def test_eighteen_functions():
    assert len(FUNCTION_NAMES) == 18


def test_literals_paths_and_nested_calls():
    call = parse("States.Format('{} {}', $.a, States.MathAdd(1, -2.5))")
    assert call == Call(
        "States.Format",
        (
            Literal("{} {}", "'{} {}'"),
            PathRef("$.a"),
            Call("States.MathAdd", (Literal(1), Literal(-2.5)), 28),
        ),
        0,
    )


def test_constants():
    call = parse("States.Array(true, false, null)")
    assert [arg.value for arg in call.args] == [True, False, None]


def test_no_arguments():
    assert parse("States.UUID()") == Call("States.UUID", (), 0)


def test_deep_nesting():
    text = ("States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
            "States.StringSplit($.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit("
            "States.ArrayGetItem(States.StringSplit($.Arn, '/'), 2), '.'), 1))")
    call = parse(text)
    assert call.name == "States.Format"
    assert len(call.args) == 3


def test_calls_are_frozen_and_hashable():
    call = parse("States.Array($.a, 'x')")
    assert hash(call) == hash(parse("States.Array($.a, 'x')"))
    with pytest.raises(AttributeError):
        call.name = "States.UUID"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("States.Nope(1)", 0),
        ("States.Array(1", 14),
        ("States.Array(1,)", 15),
        ("States.Array(,1)", 13),
        ("States.Array(1 2)", 15),
        ("States.Array(1) extra", 16),
        ("Array(1)", 0),
        ("", 0),
        ("States.Array", 12),
        ("States.Array($.a[)", 13),
        ("States.Array($.a..)", 13),
    ],
)
def test_malformed_text_names_the_position(text, position):
    with pytest.raises(IntrinsicSyntaxError) as info:
        parse(text)
    assert info.value.position == position


def test_unknown_function_name_is_in_the_message():
    with pytest.raises(IntrinsicSyntaxError, match="States.Compare"):
        parse("States.Compare($.a, $.b)")


def test_arity_is_left_to_evaluation():
    # AWS fails these at run time ("Invalid arguments in States.Hash"), not at definition time.
    assert parse("States.Hash()").args == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Format('x')", True),
        ("States.UUID()", True),
        ("States.Array(\n1)", True),
        ("$.a", False),
        ("States.Array", False),
        ("states.Array(1)", False),
        ("Hello States.Array(1)", False),
    ],
)
def test_is_intrinsic(text, expected):
    assert is_intrinsic(text) is expected
