"""Definition validation as CreateStateMachine and ValidateStateMachineDefinition do it.

`validate` reports every problem it finds (never only the first) as `Diagnostic`s with AWS's codes
and JSON-pointer-like locations; `[]` means the definition is acceptable.
`format_invalid_definition` renders them the way AWS words an `InvalidDefinition` error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from .limits import TooDeep, load_limited, too_deep
from .types import Diagnostic
from .validate_common import (
    DUPLICATE_NAME,
    INVALID_JSON,
    INVALID_NAME,
    JSONATA,
    JSONPATH,
    MISSING_DESCRIPTION,
    MISSING_END,
    MISSING_TARGET,
    Collector,
    child,
    expect_enum,
    expect_int,
    expect_string,
    required_fields,
    unknown_fields,
)
from .validate_states import STATE_TYPES, check_state, processor_config

MAX_STATE_NAME: Final = 80
_QUERY_LANGUAGES: Final = (JSONPATH, JSONATA)

_MACHINE: Final = frozenset({"StartAt", "States", "Comment"})
# What each kind of (sub-)machine may hold beyond StartAt/States/Comment.
_MACHINE_EXTRA: Final[dict[str, frozenset[str]]] = {
    "top": frozenset({"Version", "TimeoutSeconds", "QueryLanguage"}),
    "branch": frozenset({"QueryLanguage"}),
    "iterator": frozenset({"ProcessorConfig"}),
    "processor": frozenset({"ProcessorConfig", "QueryLanguage"}),
}
_TERMINAL_TYPES: Final = ("Succeed", "Fail")  # a tuple: Type may be any JSON value


def validate(definition: str | dict[str, Any]) -> list[Diagnostic]:
    """Every problem AWS would report for `definition` (JSON text or a parsed object)."""
    c = Collector()
    raw = _load(c, definition)
    if raw is not None:
        try:
            _Walker(c).machine(raw, "", "top", JSONPATH)
        except RecursionError:  # nesting inside strings (intrinsics within intrinsics)
            c.schema(str(TooDeep("definition")), "/")
    return c.diagnostics


def format_invalid_definition(diagnostics: list[Diagnostic]) -> str:
    """The message of AWS's InvalidDefinition error for these diagnostics (errors only)."""
    parts = [f"{d.code}: {d.message} at {d.location or 'null'}"
             for d in diagnostics if d.severity == "ERROR"]
    return f"Invalid State Machine Definition: '{', '.join(parts)}'"


def _load(c: Collector, definition: Any) -> dict[str, Any] | None:
    if isinstance(definition, dict) and not too_deep(definition):
        return definition
    if definition is None or (isinstance(definition, str) and not definition.strip()):
        c.error(MISSING_DESCRIPTION, "Received a null or empty workflow input", "")
        return None
    if isinstance(definition, dict) and too_deep(definition):
        c.schema(str(TooDeep("definition")), "/")
        return None
    try:
        value = load_limited(definition, "definition")
    except TooDeep as exc:
        c.schema(str(exc), "/")
        return None
    except (TypeError, ValueError) as exc:
        c.error(INVALID_JSON, f"Invalid JSON: {exc}", "")
        return None
    if not isinstance(value, dict):
        c.schema("The definition must be a JSON object", "/")
        return None
    return value


class _Walker:
    """One validation pass; remembers state names, which must be unique across the whole machine."""

    def __init__(self, c: Collector) -> None:
        self.c = c
        self.names: set[str] = set()

    def machine(self, raw: Any, location: str, kind: str, language: str) -> None:
        """A state machine or sub-machine (Parallel branch, Map Iterator/ItemProcessor)."""
        c = self.c
        here = location or "/"
        if not isinstance(raw, dict):
            c.schema("A state machine must be a JSON object", here)
            return
        unknown_fields(c, raw, _MACHINE | _MACHINE_EXTRA[kind], here)
        required_fields(c, raw, ("StartAt", "States"), here)
        expect_string(c, raw, "Comment", location)
        language = self._language(raw, location, language)
        if kind == "top":
            expect_string(c, raw, "Version", location)
            expect_int(c, raw, "TimeoutSeconds", location, 1)
        if kind == "processor":
            processor_config(c, raw, location)
        states = raw.get("States")
        if "States" in raw and (not isinstance(states, dict) or not states):
            c.schema("Field 'States' must be a non-empty object", child(location, "States"))
            return
        if not isinstance(states, dict):
            return
        if isinstance(states.get("QueryLanguage"), str):
            # Written inside States by mistake in published AWS samples that deploy; read it as
            # the machine's query language and warn, rather than reject a definition AWS runs.
            c.diagnostics.append(Diagnostic(
                "WARNING", "SCHEMA_VALIDATION_FAILED", "Field 'QueryLanguage' belongs beside "
                "'States', not inside it; it is read as the state machine's query language",
                child(child(location, "States"), "QueryLanguage")))
            language = self._language({"QueryLanguage": states["QueryLanguage"]}, location, language)
            states = {k: v for k, v in states.items() if k != "QueryLanguage"}
        for name, state in states.items():
            self.state(name, state, child(child(location, "States"), name), language)
        _graph(c, {**raw, "States": states}, states, location)

    def _language(self, raw: dict[str, Any], location: str, inherited: str) -> str:
        if "QueryLanguage" not in raw:
            return inherited
        expect_enum(self.c, raw, "QueryLanguage", _QUERY_LANGUAGES, location)
        chosen = raw["QueryLanguage"]
        if chosen == JSONPATH and inherited == JSONATA:
            # AWS lets a JSONPath machine opt single states into JSONata, never the reverse.
            self.c.schema("A state cannot use JSONPath when the state machine uses JSONata",
                          child(location, "QueryLanguage"))
        return chosen if chosen in _QUERY_LANGUAGES else inherited

    def state(self, name: str, raw: Any, location: str, language: str) -> None:
        c = self.c
        if len(name) > MAX_STATE_NAME:
            c.error(INVALID_NAME, f"State name '{name}' is longer than {MAX_STATE_NAME} "
                    "characters", location)
        if name in self.names:
            c.error(DUPLICATE_NAME, f"Duplicate State name: {name}", location)
        self.names.add(name)
        if not isinstance(raw, dict):
            c.schema("A state must be a JSON object", location)
            return
        if not required_fields(c, raw, ("Type",), location):
            return
        if raw["Type"] not in STATE_TYPES:
            c.schema(f"Field 'Type' must be one of [{', '.join(STATE_TYPES)}]",
                     child(location, "Type"))
            return
        language = self._language(raw, location, language)
        check_state(c, raw, location, language, self.machine)


# --- Transitions ---------------------------------------------------------------------------------


def _targets(state: dict[str, Any], location: str) -> Iterator[tuple[Any, str]]:
    """Every (state name, location) a state can transition to."""
    if "Next" in state:
        yield state["Next"], child(location, "Next")
    if "Default" in state and state.get("Type") == "Choice":
        yield state["Default"], child(location, "Default")
    for field in ("Choices", "Catch"):
        items = state.get(field)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and "Next" in item:
                    yield item["Next"], child(child(child(location, field), i), "Next")


def _graph(c: Collector, raw: dict[str, Any], states: dict[str, Any], location: str) -> None:
    """Targets exist, some state ends the machine, and every state is reachable from StartAt."""
    edges: dict[str, list[str]] = {}
    for name, state in states.items():
        edges[name] = []
        if not isinstance(state, dict):
            continue
        for target, where in _targets(state, child(child(location, "States"), name)):
            if not isinstance(target, str):
                continue  # reported as a type error already
            if target in states:
                if target != name:
                    edges[name].append(target)
            else:
                c.error(MISSING_TARGET, f"Missing 'Next' target: {target}", where)
    start = raw.get("StartAt")
    if isinstance(start, str) and start not in states:
        c.error(MISSING_TARGET, f"Missing 'Next' target: {start}", child(location, "StartAt"))
    if not any(_is_terminal(s) for s in states.values()):
        # AWS reports this alone: reachability means little in a machine that cannot end.
        c.error(MISSING_END, "Workflow has no terminal state", location)
        return
    # AWS's test is local: a state is reachable when StartAt or another state names it. (A state
    # named only from a detached loop passes; a missing StartAt does not cascade to its successors.)
    seen = {target for targets in edges.values() for target in targets}
    if isinstance(start, str):
        seen.add(start)
    for name in states:
        if name not in seen:
            c.error(MISSING_TARGET, f'State "{name}" is not reachable.',
                    child(child(location, "States"), name))


def _is_terminal(state: Any) -> bool:
    return isinstance(state, dict) and (state.get("End") is True
                                        or state.get("Type") in _TERMINAL_TYPES)
