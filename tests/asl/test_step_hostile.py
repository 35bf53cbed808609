"""Property: on hostile definitions and inputs the step never raises and never runs past its budget.

Hostile means: loops with no Wait (Choice back to an earlier state), backtracking regular
expressions in JSONPath filters, JSONata that would build huge values, inputs with lone
surrogates, deep nesting and near-limit sizes. Each step may run at most `budget` states (so at
most `budget` *StateEntered events); what is left is resumed by Continue until the execution
ends or the test stops feeding it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statewright.asl.definition import DefinitionError, parse_definition
from statewright.asl.step import MAX_HISTORY_EVENTS, Execution, step
from statewright.asl.types import (
    Continue,
    ExecutionStart,
    Finished,
    Proceed,
    StartTimer,
    StepInput,
    TimerFired,
)

CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:e1", "Name": "e1"},
           "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"}}
MAX_STEPS = 60

_strings = st.sampled_from(["a", "", "\ud800", "x\udfffy", "a" * 27 + "!", "aaaa", "é☃", "2024-01-01T00:00:00Z"])
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 30), _strings)
_json = st.recursive(_scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(["a", "b", "n", "list", "\ud800"]), c, max_size=3), max_leaves=10)


def _deep(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": [value]}
    return value


_inputs = st.one_of(
    st.fixed_dictionaries({}, optional={"a": _json, "list": st.lists(_json, max_size=5), "n": st.integers(-3, 40),
                                        "s": _strings}),
    st.integers(1, 300).map(_deep),
    st.integers(1, 3).map(lambda k: {"big": "x" * (85_000 * k)}),  # one under the 256 KiB quota, two over
)
_paths = st.sampled_from(["$", "$.a", "$.list", "$.list[0]", "$.missing", "$.n", "$.s",
                          "$.list[?(@ =~ /(a+)+$/)]", "$.list[?(@.a =~ /A.*/i)]", "$..a", "$.list[*]"])
_jsonata = st.sampled_from(["{% $states.input %}", "{% $count([1..2000000]) %}", "{% [1..300000] %}",
                            "{% $pad('', 300000) %}", "{% $states.input.list[$ ~> /(a+)+$/] %}",
                            "{% ($f := function($n){$n > 0 ? $f($n - 1) : 0}; $f(50000)) %}",
                            "{% {'n': $count($states.input.list)} %}"])


@st.composite
def _machines(draw: Any, depth: int = 0, prefix: str = "") -> dict[str, Any]:
    """A chain of states ending in a Succeed; a Choice may send it back to any earlier state
    (a loop with no Wait in it, unless the chain happens to hold one)."""
    count = draw(st.integers(1, 4))
    names = [f"{prefix}S{i}" for i in range(count)] + [f"{prefix}Done"]
    states: dict[str, Any] = {names[-1]: {"Type": "Succeed"}}
    for index, name in enumerate(names[:-1]):
        following = names[index + 1]
        kinds = ["Pass", "Pass", "Choice", "Choice", "Wait", "JSONata"] + (["Map", "Parallel"] if depth < 1 else [])
        kind = draw(st.sampled_from(kinds))
        state: dict[str, Any]
        if kind == "Pass":
            state = {"Type": "Pass"}
            if draw(st.booleans()):
                state["InputPath"] = draw(_paths)
            if draw(st.booleans()):
                state["Parameters"] = {"v.$": draw(_paths), "f.$": "States.Format('{}', $)"}
        elif kind == "JSONata":
            state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": draw(_jsonata)}
        elif kind == "Choice":
            state = {"Type": "Choice", "Default": draw(st.sampled_from(names[: index + 1])),
                     "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": following}]}
        elif kind == "Wait":
            state = {"Type": "Wait", "Seconds": draw(st.integers(0, 5))}
        elif kind == "Map":
            state = {"Type": "Map", "ItemsPath": draw(st.sampled_from(["$.list", "$.missing", "$"])),
                     "MaxConcurrency": draw(st.integers(0, 2)),
                     "ItemProcessor": draw(_machines(depth + 1, f"{name}I"))}
        else:
            state = {"Type": "Parallel", "Branches": [draw(_machines(depth + 1, f"{name}B"))]}
        if kind != "Choice":
            state["Next"] = following
        states[name] = state
    return {"StartAt": names[0], "States": states}


def _entered(events: list[dict[str, Any]]) -> int:
    return sum(1 for event in events if event["type"].endswith("StateEntered"))


def _drive(definition: Any, execution_input: Any, budget: int, record: bool) -> tuple[Execution, int]:
    """Feed the step (Continue for a Proceed, else the earliest timer); returns the execution and
    the most states any one step entered."""
    execution = Execution()
    event: StepInput = ExecutionStart(execution_input, CONTEXT, max_seconds=300)
    timers: list[StartTimer] = []
    most = 0
    now = 1_700_000_000.0
    for _ in range(MAX_STEPS):
        result = step(definition, execution, event, now, record=record, budget=budget)
        most = max(most, _entered(result.events))
        ids = [e["id"] for e in result.events]
        assert ids == list(range(ids[0], ids[0] + len(ids))) if ids else True
        timers.extend(c for c in result.commands if isinstance(c, StartTimer))
        if any(isinstance(c, Finished) for c in result.commands):
            assert execution.status != "RUNNING"
            break
        if any(isinstance(c, Proceed) for c in result.commands):
            event = Continue()
        elif timers:
            timers.sort(key=lambda timer: timer.due)
            timer = timers.pop(0)
            now = max(now, timer.due)
            event = TimerFired(timer.timer_id)
        else:
            break
    return execution, most


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(raw=_machines(), execution_input=_inputs, budget=st.sampled_from([1, 3, 40]), record=st.booleans())
def test_the_step_never_raises_and_keeps_to_its_budget(raw: dict[str, Any], execution_input: Any, budget: int,
                                                       record: bool) -> None:
    try:
        definition = parse_definition(raw)
    except DefinitionError:
        return  # refused with AWS's error: nothing to run
    execution, most = _drive(definition, execution_input, budget, record)
    assert most <= budget
    assert execution.last_event_id <= MAX_HISTORY_EVENTS or not record
    assert execution.status in ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT")


def test_the_strategy_reaches_running_loops_and_valid_definitions() -> None:
    # Guard against a vacuous property: many definitions validate, and some never end on their own.
    seen = {"valid": 0, "still running": 0}

    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(raw=_machines(), execution_input=_inputs)
    def count(raw: dict[str, Any], execution_input: Any) -> None:
        try:
            definition = parse_definition(raw)
        except DefinitionError:
            return
        seen["valid"] += 1
        execution, _ = _drive(definition, execution_input, 5, True)
        seen["still running"] += execution.status == "RUNNING"

    count()
    assert seen["valid"] >= 20 and seen["still running"] >= 3
