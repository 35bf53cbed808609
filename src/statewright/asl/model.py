"""The typed model of a state machine definition: frozen dataclasses, one per state type.

Fields keep AWS's names in snake case. Anything compiled ahead of time (paths, payload
templates, JSONata expressions, Choice rules) is stored compiled, so the step never re-parses.
`raw` keeps the state's JSON for tools (TestState, the console) that want to show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .paths import Path

if TYPE_CHECKING:
    from .fastpath import FastState

JSONPATH = "JSONPath"
JSONATA = "JSONata"


class _Absent:
    """Marks a field that was not written at all (as opposed to written as null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_strategy: str = "NONE"


@dataclass(frozen=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: Path | None | Any = ABSENT  # ABSENT means "$"; None means discard
    output: Any = ABSENT  # JSONata
    assign: Any = ABSENT


@dataclass(frozen=True)
class State:
    """Fields every state type may carry (validation decides which are allowed where)."""

    name: str
    type: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    query_language: str = JSONPATH
    next: str | None = None
    end: bool = False
    input_path: Path | None | Any = ABSENT
    output_path: Path | None | Any = ABSENT
    parameters: Any = ABSENT  # a compiled payload template
    result_selector: Any = ABSENT
    result_path: Path | None | Any = ABSENT
    arguments: Any = ABSENT  # JSONata
    output: Any = ABSENT  # JSONata
    assign: Any = ABSENT  # compiled per query language
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()

    @property
    def jsonata(self) -> bool:
        return self.query_language == JSONATA


@dataclass(frozen=True)
class PassState(State):
    result: Any = ABSENT


@dataclass(frozen=True)
class TaskState(State):
    resource: str = ""
    timeout_seconds: Any = ABSENT  # int, a Path (…Path field) or a JSONata expression
    heartbeat_seconds: Any = ABSENT
    credentials: Any = ABSENT


@dataclass(frozen=True)
class ChoiceRule:
    """One entry of `Choices`: a compiled condition plus where it leads."""

    condition: Any  # a choice.Rule (JSONPath) or a JSONata expression
    next: str
    assign: Any = ABSENT
    output: Any = ABSENT
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class ChoiceState(State):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class WaitState(State):
    seconds: Any = ABSENT  # int or JSONata expression
    seconds_path: Path | Any = ABSENT
    timestamp: Any = ABSENT  # str or JSONata expression
    timestamp_path: Path | Any = ABSENT


@dataclass(frozen=True)
class SucceedState(State):
    pass


@dataclass(frozen=True)
class FailState(State):
    error: Any = ABSENT  # str or JSONata expression
    error_path: Any = ABSENT  # a Path or an intrinsic call
    cause: Any = ABSENT
    cause_path: Any = ABSENT


@dataclass(frozen=True)
class Machine:
    """A list of states with a start: the whole definition, a Parallel branch or a Map processor."""

    key: str  # "" for the top level; e.g. "Fan/0" or "Each/items" for nested machines
    start_at: str
    states: dict[str, State]
    query_language: str = JSONPATH
    timeout_seconds: Any = ABSENT
    # For each Pass state that only passes its input on, where the run of such states ends:
    # (the first state that does work, or None for the end of the machine, and how many
    # transitions were skipped). Used when no history is kept.
    jumps: dict[str, tuple[str | None, int]] = field(default_factory=dict, compare=False)
    # Fused closures (fastpath.py) for states that read only their input, by state name.
    fast: dict[str, FastState] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ParallelState(State):
    branches: tuple[Machine, ...] = ()


@dataclass(frozen=True)
class MapState(State):
    processor: Machine | None = None
    mode: str = "INLINE"
    items_path: Path | Any = ABSENT
    items: Any = ABSENT  # JSONata
    item_selector: Any = ABSENT  # compiled template (ItemSelector, or legacy Parameters)
    item_reader: Any = ABSENT
    item_batcher: Any = ABSENT
    result_writer: Any = ABSENT
    label: str | None = None
    max_concurrency: Any = 0  # int, or JSONata expression
    max_concurrency_path: Path | Any = ABSENT
    tolerated_failure_count: Any = ABSENT
    tolerated_failure_count_path: Path | Any = ABSENT
    tolerated_failure_percentage: Any = ABSENT
    tolerated_failure_percentage_path: Path | Any = ABSENT


@dataclass(frozen=True)
class Definition:
    """A parsed state machine: the top-level machine and every nested one, by key."""

    root: Machine
    machines: dict[str, Machine]
    raw: dict[str, Any] = field(repr=False, compare=False)
    comment: str | None = None
