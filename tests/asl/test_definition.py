"""asl.definition: runs of identity Pass states are threaded to the end of their run."""

from __future__ import annotations

from statewright.asl.definition import parse_definition


def _jumps(states: dict) -> dict:
    return parse_definition({"StartAt": next(iter(states)), "States": states}).root.jumps


def test_a_chain_jumps_to_the_first_state_that_is_not_an_identity_pass():
    states = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(5)}
    states["P5"] = {"Type": "Pass", "Result": 1, "End": True}
    jumps = _jumps(states)
    assert jumps == {f"P{i}": ("P5", 5 - i) for i in range(5)}


def test_a_chain_that_ends_the_machine_jumps_to_the_end():
    states = {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}
    assert _jumps(states) == {"A": (None, 2), "B": (None, 1)}


def test_runs_that_merge_share_their_end_and_count_their_own_hops():
    states = {"Start": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "A"}],
                        "Default": "X"},
              "A": {"Type": "Pass", "Next": "B"}, "X": {"Type": "Pass", "Next": "Y"},
              "Y": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "End"},
              "End": {"Type": "Succeed"}}
    jumps = _jumps(states)
    assert jumps["A"] == ("End", 2) and jumps["X"] == ("End", 3) and jumps["B"] == ("End", 1)


def test_identity_states_that_loop_forever_are_left_to_the_slow_path():
    states = {"Start": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Out"}],
                        "Default": "In"},
              "In": {"Type": "Pass", "Next": "L1"}, "L1": {"Type": "Pass", "Next": "L2"},
              "L2": {"Type": "Pass", "Next": "L1"}, "Out": {"Type": "Succeed"}}
    assert _jumps(states) == {}


def test_a_26000_state_chain_compiles():
    count = 26_000
    states = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(count - 1)}
    states[f"P{count - 1}"] = {"Type": "Pass", "End": True}
    assert _jumps(states)["P0"] == (None, count)
