"""The shapes of what an execution keeps between steps: frames, their waits, timers, tasks.

Contracts only. These are TypedDicts, not classes, because the execution state is plain JSON:
`step.Execution.to_json()` is the checkpoint, and a dict costs nothing to write or read back.
The types let mypy check every key the step reads or writes; at run time they are plain dicts.
A key added to a frame or a wait must be added here too (tests/asl/test_frames.py compares
the states a real run produces with these declarations).

Keys a dict may lack sit in a `total=False` base class rather than under `NotRequired[...]`:
with postponed annotations Python 3.11 cannot see `NotRequired` and would report such keys
as required in `__required_keys__`, which the tests read.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from .types import Status

# What a frame is doing with its current state: about to enter it, running it, or running it
# again after a Retry's delay.
Phase = Literal["enter", "run", "retry"]
# What a pending timer wakes: the whole execution's TimeoutSeconds, a Task's TimeoutSeconds or
# HeartbeatSeconds, a Retry's delay, a Wait state.
TimerKind = Literal["execution-timeout", "task-timeout", "heartbeat", "retry", "wait"]


class Wait(TypedDict, total=False):
    """Why a frame is not running, and what it needs to resume. `kind` says which keys are set:

    - "timer" (a Wait state) and "retry" (a Retry's delay): `timer`.
    - "task": `task`, `heartbeat_seconds`, and `timer` / `heartbeat` when those are armed.
    - "children" (a Parallel or Map waiting on its branches or iterations): `type`, `running`,
      `results`, `ok`; Parallel adds `remaining`; Map adds `inputs`, `next`, `failed`,
      `finished`, `skip`, `limit`, `tolerated_count`, `tolerated_pct`, `distributed`.

    One TypedDict with optional keys rather than a union per kind: the step reads a wait with
    `.get()` before it knows the kind, which a union of TypedDicts would not allow.
    """

    kind: Literal["timer", "retry", "task", "children"]
    timer: str
    task: str
    heartbeat: str
    heartbeat_seconds: float | None
    type: Literal["parallel", "map"]
    running: dict[str, bool]  # child frame id → True, in launch order
    results: list[Any]  # each branch's or iteration's output, by index
    ok: list[int]  # indexes that succeeded (what a redrive need not rerun)
    remaining: int
    inputs: list[Any]
    next: int  # the next iteration to launch
    failed: int
    finished: int
    skip: list[int]  # iterations a redrive kept: not launched again
    limit: int  # MaxConcurrency; 0 is no limit
    tolerated_count: int | float | None
    tolerated_pct: int | float | None
    distributed: bool
    # A Distributed Map (distributed.py): its Map Run's ARN, when each child started and ended
    # (index as text → [start, end]), the items in each batch, and, while its ItemReader or
    # ResultWriter task is out, that reader's or writer's request and an inventory's progress.
    run: str
    times: dict[str, list[float]]
    sizes: list[int]
    reader: dict[str, Any]
    writer: dict[str, Any]
    manifest: dict[str, Any] | None


class FrameOptional(TypedDict, total=False):
    """The keys a frame may lack: set by its parent, or while a state runs."""

    index: int  # a branch's or iteration's position in its parent
    isolated: bool  # cannot see outer variables (Distributed Map)
    entered_at: float
    entered: int  # the StateEntered event id (0 when not recorded)
    entered_id: int  # the event id AWS's error causes cite
    retry_count: int
    token: str | None  # the task token of a `.waitForTaskToken` Task
    kept: dict[str, Any] | None  # outputs of the children that succeeded
    resume_children: dict[str, Any]  # a redrive: children not to run again
    reader_items: list[Any]  # a Distributed Map's items, read by its ItemReader, until it starts
    started_at: float  # when a Distributed Map's child workflow started (its Map Run's times)


class Frame(FrameOptional):
    """One running machine: the top level ("root"), a Parallel branch or a Map iteration."""

    id: str
    parent: str | None
    machine: str  # key into Definition.machines
    state: str  # the current state's name
    input: Any  # the current state's input
    vars: dict[str, Any]  # variables assigned in this frame
    attempts: dict[str, int]  # Retrier index (as text) → retries so far, for the current state
    phase: Phase
    wait: Wait | None
    prev: int  # the id of the last history event of this frame, for previousEventId
    bound: int  # an upper bound of the input's JSON size (the fast paths' 256 KiB check)
    quiet: bool  # records no history events (a Distributed Map's child workflows)


class FrameExtra(FrameOptional, total=False):
    """Keys the creator of a frame sets on it (step.Stepper.new_frame): any of the optional
    ones, and `quiet` / `prev` in place of the values a child takes from its parent."""

    quiet: bool
    prev: int


class TimerEntry(TypedDict):
    frame: str  # the frame it wakes
    kind: TimerKind


class TaskEntryOptional(TypedDict, total=False):
    started: bool  # an activity a worker took
    role: Literal["reader", "writer"]  # a Distributed Map's ItemReader or ResultWriter read/write


class TaskEntry(TaskEntryOptional):
    frame: str  # the frame waiting for it
    resource: str


class RedrivePoint(TypedDict):
    """Where RedriveExecution starts again: the top-level state that was running."""

    state: str
    input: Any
    vars: dict[str, Any]
    kept: dict[str, Any] | None


class ExecutionState(TypedDict):
    """`step.Execution` as a checkpoint stores it (its attributes, as JSON)."""

    status: Status
    frames: dict[str, Frame]
    last_event_id: int
    seq: int
    seed: int
    draws: int
    context: dict[str, Any]
    timers: dict[str, TimerEntry]
    tasks: dict[str, TaskEntry]
    output: Any
    region: str
    redrive_point: RedrivePoint | None
    redrive_count: int
    error: str | None
    cause: str | None
    transitions: int
    ready: list[str]
    map_runs: dict[str, dict[str, Any]]  # Distributed Map runs by ARN (distributed.py)
