"""Parse a definition (JSON text or dict) into the typed model of `model.py`.

Validation (`validate.py`) decides whether a definition is acceptable and says why not; this
module only builds the model of one that is, compiling paths, templates and rules once.
"""

from __future__ import annotations

from typing import Any

from . import choice, payload
from .fastpath import compile_fast
from .limits import TooDeep, load_limited, too_deep
from .model import (
    ABSENT,
    JSONATA,
    JSONPATH,
    Catcher,
    ChoiceRule,
    ChoiceState,
    Definition,
    FailState,
    Machine,
    MapState,
    ParallelState,
    PassState,
    Retrier,
    State,
    SucceedState,
    TaskState,
    WaitState,
)
from .paths import compile_path
from .types import Diagnostic


class DefinitionError(ValueError):
    """A definition AWS would reject; `diagnostics` says every reason."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0] if diagnostics else None
        text = f"{first.code}: {first.message} at {first.location}" if first else "invalid definition"
        super().__init__(text)
        self.diagnostics = diagnostics


def too_deep_error() -> DefinitionError:
    return DefinitionError([Diagnostic("ERROR", "SCHEMA_VALIDATION_FAILED", str(TooDeep("definition")), "/")])


def load_json(definition: str | dict[str, Any]) -> dict[str, Any]:
    """The definition as a dict; raises DefinitionError for text that is not a JSON object."""
    if isinstance(definition, dict):
        if too_deep(definition):
            raise too_deep_error()
        return definition
    try:
        value = load_limited(definition, "definition")
    except TooDeep:
        raise too_deep_error() from None
    except (TypeError, ValueError) as exc:
        raise DefinitionError([Diagnostic("ERROR", "INVALID_JSON_DESCRIPTION", str(exc), "")]) from exc
    if not isinstance(value, dict):
        raise DefinitionError([Diagnostic("ERROR", "SCHEMA_VALIDATION_FAILED",
                                          "The definition must be a JSON object", "")])
    return value


def parse_definition(definition: str | dict[str, Any], *, check: bool = True) -> Definition:
    """Validate (unless `check` is False) and compile a definition."""
    try:
        return _parse(load_json(definition), check)
    except RecursionError:  # nesting inside strings (intrinsics within intrinsics), not JSON
        raise too_deep_error() from None


def _parse(raw: dict[str, Any], check: bool) -> Definition:
    if check:
        from .validate import validate  # validation is optional for callers that already did it

        errors = [d for d in validate(raw) if d.severity == "ERROR"]
        if errors:
            raise DefinitionError(errors)
    machines: dict[str, Machine] = {}
    try:
        root = _machine(raw, "", raw.get("QueryLanguage", JSONPATH), machines)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DefinitionError([Diagnostic("ERROR", "SCHEMA_VALIDATION_FAILED", str(exc), "")]) from exc
    return Definition(root=root, machines=machines, raw=raw, comment=raw.get("Comment"))


def _machine(raw: dict[str, Any], key: str, language: str, machines: dict[str, Machine]) -> Machine:
    language = raw.get("QueryLanguage", language)
    bodies = dict(raw["States"])
    if isinstance(bodies.get("QueryLanguage"), str):  # see validate.py: a sample-compatible slip
        language = bodies.pop("QueryLanguage")
    states = {name: _state(name, body, key, language, machines) for name, body in bodies.items()}
    machine = Machine(key=key, start_at=raw["StartAt"], states=states, query_language=language,
                      timeout_seconds=raw.get("TimeoutSeconds", ABSENT), jumps=_jumps(states),
                      fast=_fast_states(states))
    machines[key] = machine
    return machine


_IDENTITY_FIELDS = frozenset({"Type", "Next", "End", "Comment", "QueryLanguage"})


def _jumps(states: dict[str, State]) -> dict[str, tuple[str | None, int]]:
    """Thread runs of identity Pass states: each leads straight to the end of its run.

    Linear in the number of states: each state's jump is worked out once and reused by every
    state that leads into it (a run of 26,000 Pass states must not cost 26,000² steps)."""
    identity = {name for name, state in states.items()
                if state.type == "Pass" and set(state.raw) <= _IDENTITY_FIELDS}
    jumps: dict[str, tuple[str | None, int]] = {}
    looping: set[str] = set()  # identity states whose run never ends
    for name in identity:
        if name in jumps or name in looping:
            continue
        run: list[str] = []
        on_run: set[str] = set()
        target: str | None = name
        while target in identity and target not in jumps and target not in looping:
            if target in on_run:
                break  # a loop of identity states: left to the slow path
            on_run.add(target)
            run.append(target)
            state = states[target]
            target = None if state.end else state.next
        if target is not None and (target in on_run or target in looping):
            looping.update(run)
            continue
        end, hops = jumps[target] if target is not None and target in jumps else (target, 0)
        for member in reversed(run):
            hops += 1
            jumps[member] = (end, hops)
    return jumps


def _fast_states(states: dict[str, State]) -> dict[str, Any]:
    compiled = {name: compile_fast(state) for name, state in states.items()}
    return {name: fast for name, fast in compiled.items() if fast is not None}


def _path(raw: dict[str, Any], name: str) -> Any:
    """A `…Path` field: ABSENT when missing, None when null, else a compiled Path."""
    if name not in raw:
        return ABSENT
    value = raw[name]
    return None if value is None else compile_path(value)


def _template(raw: dict[str, Any], name: str, jsonata: bool) -> Any:
    if name not in raw:
        return ABSENT
    return raw[name] if jsonata else payload.compile_template(raw[name])


def _common(name: str, raw: dict[str, Any], language: str) -> dict[str, Any]:
    language = raw.get("QueryLanguage", language)
    jsonata = language == JSONATA
    return {
        "name": name, "type": raw["Type"], "raw": raw, "query_language": language,
        "next": raw.get("Next"), "end": bool(raw.get("End", False)),
        "input_path": _path(raw, "InputPath"), "output_path": _path(raw, "OutputPath"),
        "parameters": _template(raw, "Parameters", jsonata),
        "result_selector": _template(raw, "ResultSelector", jsonata),
        "result_path": _path(raw, "ResultPath"),
        "arguments": raw.get("Arguments", ABSENT), "output": raw.get("Output", ABSENT),
        "assign": _template(raw, "Assign", jsonata),
        "retry": tuple(_retrier(r) for r in raw.get("Retry", ())),
        "catch": tuple(_catcher(c, jsonata) for c in raw.get("Catch", ())),
    }


def _retrier(raw: dict[str, Any]) -> Retrier:
    return Retrier(
        error_equals=tuple(raw["ErrorEquals"]),
        interval_seconds=raw.get("IntervalSeconds", 1),
        max_attempts=raw.get("MaxAttempts", 3),
        backoff_rate=raw.get("BackoffRate", 2.0),
        max_delay_seconds=raw.get("MaxDelaySeconds"),
        jitter_strategy=raw.get("JitterStrategy", "NONE"),
    )


def _catcher(raw: dict[str, Any], jsonata: bool) -> Catcher:
    return Catcher(
        error_equals=tuple(raw["ErrorEquals"]),
        next=raw["Next"],
        result_path=_path(raw, "ResultPath"),
        output=raw.get("Output", ABSENT),
        assign=_template(raw, "Assign", jsonata),
    )


def _state(name: str, raw: dict[str, Any], parent_key: str, language: str,
           machines: dict[str, Machine]) -> State:
    common = _common(name, raw, language)
    kind = raw["Type"]
    jsonata = common["query_language"] == JSONATA
    if kind == "Pass":
        return PassState(**common, result=raw.get("Result", ABSENT))
    if kind == "Task":
        return TaskState(
            **common, resource=raw["Resource"],
            timeout_seconds=_number_field(raw, "TimeoutSeconds"),
            heartbeat_seconds=_number_field(raw, "HeartbeatSeconds"),
            credentials=_template(raw, "Credentials", common["query_language"] == JSONATA))
    if kind == "Choice":
        rules = tuple(_choice_rule(rule, jsonata) for rule in raw["Choices"])
        return ChoiceState(**common, choices=rules, default=raw.get("Default"))
    if kind == "Wait":
        return WaitState(**common, seconds=raw.get("Seconds", ABSENT),
                         seconds_path=_path(raw, "SecondsPath"),
                         timestamp=raw.get("Timestamp", ABSENT),
                         timestamp_path=_path(raw, "TimestampPath"))
    if kind == "Succeed":
        return SucceedState(**common)
    if kind == "Fail":
        return FailState(**common, error=raw.get("Error", ABSENT), error_path=raw.get("ErrorPath", ABSENT),
                         cause=raw.get("Cause", ABSENT), cause_path=raw.get("CausePath", ABSENT))
    prefix = f"{parent_key}/{name}" if parent_key else name
    if kind == "Parallel":
        branches = tuple(_machine(b, f"{prefix}/{i}", common["query_language"], machines)
                         for i, b in enumerate(raw["Branches"]))
        return ParallelState(**common, branches=branches)
    if kind == "Map":
        return _map_state(common, raw, prefix, machines)
    raise ValueError(f"Unknown state type {kind!r} in state {name!r}")


def _number_field(raw: dict[str, Any], name: str) -> Any:
    """`TimeoutSeconds` and friends: a number, a JSONata string, or the `…Path` twin as a Path."""
    if name in raw:
        return raw[name]
    if name + "Path" in raw:
        return compile_path(raw[name + "Path"])
    return ABSENT


def _choice_rule(raw: dict[str, Any], jsonata: bool) -> ChoiceRule:
    condition = raw["Condition"] if jsonata else choice.compile_rule(raw)
    return ChoiceRule(condition=condition, next=raw["Next"],
                      assign=_template(raw, "Assign", jsonata),
                      output=raw.get("Output", ABSENT), raw=raw)


def _map_state(common: dict[str, Any], raw: dict[str, Any], prefix: str,
               machines: dict[str, Machine]) -> MapState:
    jsonata = common["query_language"] == JSONATA
    processor_raw: dict[str, Any] = raw.get("ItemProcessor") or raw.get("Iterator") or {}
    processor = _machine(processor_raw, f"{prefix}/items", common["query_language"], machines)
    config = (processor_raw or {}).get("ProcessorConfig") or {}
    selector_name = "ItemSelector" if "ItemSelector" in raw else "Parameters"
    if selector_name == "Parameters":
        common = {**common, "parameters": ABSENT}
    return MapState(
        **common, processor=processor, mode=config.get("Mode", "INLINE"),
        items_path=_path(raw, "ItemsPath"), items=raw.get("Items", ABSENT),
        item_selector=_template(raw, selector_name, jsonata),
        item_reader=raw.get("ItemReader", ABSENT), item_batcher=raw.get("ItemBatcher", ABSENT),
        result_writer=raw.get("ResultWriter", ABSENT), label=raw.get("Label"),
        max_concurrency=raw.get("MaxConcurrency", 0),
        max_concurrency_path=_path(raw, "MaxConcurrencyPath"),
        tolerated_failure_count=raw.get("ToleratedFailureCount", ABSENT),
        tolerated_failure_count_path=_path(raw, "ToleratedFailureCountPath"),
        tolerated_failure_percentage=raw.get("ToleratedFailurePercentage", ABSENT),
        tolerated_failure_percentage_path=_path(raw, "ToleratedFailurePercentagePath"),
    )
