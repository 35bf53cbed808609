"""The pure step: (definition, execution state, one input, now) → history events and commands.

An execution is a set of *frames*: the top level is one, each Parallel branch and Map
iteration another. A frame runs its states until it must wait (a task, a timer, its children)
or ends. Everything the step needs from outside (time, task results, randomness via a seed)
comes in as arguments, so replaying the same inputs reproduces the same history.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import history
from .errors import DATA_LIMIT_EXCEEDED, RUNTIME, StatesError, state_failure_cause
from .fanout import RELAUNCH
from .fastrun import FastRuns
from .frames import ExecutionState, Frame, FrameExtra, RedrivePoint, TaskEntry, TimerEntry, TimerKind, Wait
from .limits import (
    MAX_HISTORY_EVENTS,
    MAX_PAYLOAD_BYTES,
    check_result,
    check_text,
    nesting_failure,
    payload_size,
)
from .model import Definition, Machine, State
from .outcome import Done
from .paths import PathNotFound
from .states import StateHandlers
from .types import (
    CancelTask,
    CancelTimer,
    Continue,
    ExecutionStart,
    Finished,
    MapRunUpdate,
    Proceed,
    Redrive,
    StartTimer,
    Status,
    StepInput,
    StepResult,
    StopRequested,
    TaskFailed,
    TaskHeartbeat,
    TaskStarted,
    TaskSucceeded,
    TimerFired,
)

if TYPE_CHECKING:
    from typing import ParamSpec

    from .host import Produce

    P = ParamSpec("P")  # a history builder's parameters: emit() checks its arguments against them

HISTORY_FULL_CAUSE = (f"The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS}) "
                      "and cannot continue.")
# How many states one step may run before it yields (Proceed): one execution's loop must never
# hold its driver for long, whether or not history is kept.
STEP_BUDGET = 1_000


class HistoryFull(BaseException):
    """Raised by emit when the next event would pass the history quota; step() ends the
    execution. A BaseException so no handler's `except Exception` can swallow it."""


def iso_time(epoch: float) -> str:
    """Epoch seconds as AWS writes times in the context object: 2024-01-01T00:00:00.000Z."""
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Execution:
    """The whole state of one execution; plain JSON inside, so it can be checkpointed."""

    def __init__(self) -> None:
        self.status: Status = "RUNNING"
        self.frames: dict[str, Frame] = {}
        self.last_event_id = 0
        self.seq = 0
        self.seed = 0
        self.draws = 0
        self.context: dict[str, Any] = {}
        self.timers: dict[str, TimerEntry] = {}
        self.tasks: dict[str, TaskEntry] = {}
        self.output: Any = None
        self.region = "us-east-1"
        self.redrive_point: RedrivePoint | None = None
        self.redrive_count = 0
        self.error: str | None = None
        self.cause: str | None = None
        self.transitions = 0
        self.ready: list[str] = []  # frames left to run when a step used up its budget
        self.map_runs: dict[str, dict[str, Any]] = {}  # Distributed Map runs by ARN (distributed.py)

    def to_json(self) -> str:
        """The whole state as JSON text: what a durable engine checkpoints."""
        return json.dumps(vars(self), separators=(",", ":"), ensure_ascii=False)

    def to_dict(self) -> ExecutionState:
        """A snapshot as plain JSON data, unaffected by later steps."""
        snapshot: ExecutionState = json.loads(self.to_json())
        return snapshot

    @classmethod
    def from_dict(cls, data: ExecutionState) -> Execution:
        execution = cls()
        for key, value in data.items():
            setattr(execution, key, value)
        return execution


class Stepper(StateHandlers, FastRuns):
    """One step's worth of work over an Execution. Short-lived: build, call, discard."""

    # Whether states may run through their fused closures (fastpath.py), which skip execute()
    # and finish_state(): a subclass that hooks those (TestState's) turns this off.
    FAST_PATHS = True

    def __init__(self, definition: Definition, execution: Execution, now: float,
                 record: bool = True, budget: int = STEP_BUDGET, keep: frozenset[str] | None = None,
                 quota: bool = True) -> None:
        self.definition = definition
        self.ex = execution
        self.now = now
        self.record = record
        self.keep = keep  # without record: the event types still made (execution logging at ERROR)
        self.quota = quota  # whether the history quota applies (not to Express executions)
        self.result = StepResult()
        self.queue: deque[str] = deque()
        self.budget = budget  # states this step may still run
        # (frame id, payload, its JSON text): the output a state just wrote, which is also the
        # next state's input, so history serialises it once (see payload_text)
        self.last_text: tuple[str, Any, str] | None = None

    # --- plumbing ------------------------------------------------------------------------

    def emit(self, frame: Frame | None, build: Callable[P, tuple[str, dict[str, Any]]],
             *args: P.args, **kwargs: P.kwargs) -> int:
        """Append the history event `build(*args)`; returns its id (0 when not recorded).

        The builder is only called when history is kept: Express runs skip the JSON encoding.
        """
        if frame is not None and frame.get("quiet"):
            return 0
        ex = self.ex
        if not self.record:
            if self.keep is None or history.event_type(build, *args, **kwargs) not in self.keep:
                ex.last_event_id += 1
                # Ids still count, so causes that cite "entered at the event id #N" stay right.
                if frame is not None:
                    frame["prev"] = ex.last_event_id
                return ex.last_event_id
        elif (self.quota and ex.last_event_id >= MAX_HISTORY_EVENTS - 1
                and build is not history.execution_succeeded and build is not history.execution_ended):
            raise HistoryFull
        # Built before its id is taken: a builder that fails (data nested too deeply to write)
        # leaves no gap in the history.
        event_type, details = build(*args, **kwargs)
        ex.last_event_id += 1
        previous = frame["prev"] if frame is not None else ex.last_event_id - 1
        self.result.events.append({"id": ex.last_event_id, "previousEventId": previous,
                                   "timestamp": self.now, "type": event_type, **details})
        if frame is not None:
            frame["prev"] = ex.last_event_id
        return ex.last_event_id

    def payload_text(self, frame: Frame, value: Any) -> str:
        """The JSON text of `value`, a payload of `frame`, for its history events. The output of a
        state is the next state's input: one serialisation serves the size check, the Exited
        event and the next Entered event. Only reused for the same frame within this step, and
        payloads are never changed in place (paths copy on write), so the text cannot be stale."""
        last = self.last_text
        if last is not None and last[1] is value and last[0] == frame["id"]:
            return last[2]
        text = history.dumps(value)
        self.last_text = (frame["id"], value, text)
        return text

    def next_id(self, prefix: str) -> str:
        self.ex.seq += 1
        return f"{prefix}{self.ex.seq}"

    def rng(self) -> random.Random:
        self.ex.draws += 1
        return random.Random(self.ex.seed * 1_000_003 + self.ex.draws)

    def machine(self, frame: Frame) -> Machine:
        return self.definition.machines[frame["machine"]]

    def variable_scopes(self, frame: Frame) -> list[dict[str, Any]]:
        scopes = []
        current: Frame | None = frame
        while current is not None:
            scopes.append(current["vars"])
            if current.get("isolated"):
                break  # a Distributed Map's child workflows cannot see outer variables
            parent = current.get("parent")
            current = self.ex.frames.get(parent) if parent else None
        return scopes

    def context_for(self, frame: Frame, state: State) -> dict[str, Any]:
        context = dict(self.ex.context)
        # AWS documents State.RetryCount, but recorded executions show it only while retrying.
        context["State"] = {"EnteredTime": iso_time(frame.get("entered_at", self.now)),
                            "Name": state.name}
        # States that can retry always carry a RetryCount (0 on the first attempt).
        if state.type in _RETRIABLE or frame.get("retry_count"):
            context["State"]["RetryCount"] = frame.get("retry_count", 0)
        if frame.get("token"):
            context["Task"] = {"Token": frame["token"]}
        return context

    def start_timer(self, frame: Frame, kind: TimerKind, seconds: float) -> str:
        timer_id = self.next_id("t")
        self.ex.timers[timer_id] = {"frame": frame["id"], "kind": kind}
        self.result.commands.append(StartTimer(timer_id, self.now + max(0.0, seconds)))
        return timer_id

    def cancel_timer(self, timer_id: str | None) -> None:
        if timer_id and self.ex.timers.pop(timer_id, None) is not None:
            self.result.commands.append(CancelTimer(timer_id))

    # --- inputs --------------------------------------------------------------------------

    def start(self, event: ExecutionStart) -> None:
        ex = self.ex
        ex.seed = event.seed
        ex.context = {k: v for k, v in event.context.items() if k in ("Execution", "StateMachine")}
        ex.region = str(event.context.get("Region", ex.region))
        self.emit(None, history.execution_started, event.input, event.role_arn)
        root = self.new_frame(None, "", event.input, {})
        root["prev"] = 0
        timeout: float | None = self.definition.root.timeout_seconds
        if not (isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0):
            timeout = None
        if event.max_seconds is not None:
            timeout = event.max_seconds if timeout is None else min(timeout, event.max_seconds)
        if timeout is not None:
            self.start_timer(root, "execution-timeout", timeout)
        self.queue.append(root["id"])

    def new_frame(self, parent: Frame | None, machine_key: str, state_input: Any,
                  extra: FrameExtra) -> Frame:
        frame_id = self.next_id("f") if parent is not None else "root"
        machine = self.definition.machines[machine_key]
        frame: Frame = {"id": frame_id, "parent": parent["id"] if parent else None, "machine": machine_key,
                 "state": machine.start_at, "input": state_input, "vars": {}, "attempts": {},
                 "phase": "enter", "wait": None, "prev": parent["prev"] if parent else 0,
                 # an upper bound of the input's JSON size, for the fast paths' 256 KiB check
                 "bound": payload_size(state_input),
                 "quiet": bool(parent and parent.get("quiet")), **extra}
        self.ex.frames[frame_id] = frame
        return frame

    def dispatch(self, event: StepInput) -> None:
        if isinstance(event, ExecutionStart):
            self.start(event)
        elif isinstance(event, TaskSucceeded | TaskFailed):
            self.task_answered(event)
        elif isinstance(event, TaskHeartbeat):
            self.task_heartbeat(event.task_id)
        elif isinstance(event, TimerFired):
            self.timer_fired(event.timer_id)
        elif isinstance(event, TaskStarted):
            self.task_started(event.task_id, event.worker_name)
        elif isinstance(event, StopRequested):
            self.end_execution("ABORTED", None, event.error, event.cause)
        elif isinstance(event, Redrive):
            self.redrive()
        elif isinstance(event, Continue):
            self.queue.extend(self.ex.ready)
            self.ex.ready = []
        elif isinstance(event, MapRunUpdate):
            self.update_map_run(event)

    def redrive(self) -> None:
        """Start again at the top-level state that was running when the execution stopped, with
        the input and variables it had. A top-level inline Map or Parallel reruns only the
        iterations or branches that did not succeed, as AWS does."""
        ex = self.ex
        point = ex.redrive_point
        if ex.status not in ("FAILED", "TIMED_OUT", "ABORTED") or point is None:
            return
        ex.status, ex.output, ex.error, ex.cause = "RUNNING", None, None, None
        ex.redrive_count += 1
        ex.redrive_point = None
        execution_context = ex.context.get("Execution")
        if isinstance(execution_context, dict) and "RedriveCount" in execution_context:
            execution_context["RedriveCount"] = ex.redrive_count
        self.emit(None, history.execution_redriven, ex.redrive_count)
        root = self.new_frame(None, "", point["input"], {})
        root["state"], root["vars"], root["prev"] = point["state"], point["vars"], ex.last_event_id
        if kept := point.get("kept"):
            root["resume_children"] = kept
        self.queue.append(root["id"])

    def timer_fired(self, timer_id: str) -> None:
        timer = self.ex.timers.pop(timer_id, None)
        if timer is None or self.ex.status != "RUNNING":
            return  # cancelled, or a stale firing after recovery
        if timer["kind"] == "execution-timeout":
            self.end_execution("TIMED_OUT", None, "States.Timeout", None)
            return
        frame = self.ex.frames.get(timer["frame"])
        if frame is None:
            return
        kind = timer["kind"]
        if kind in ("task-timeout", "heartbeat"):
            self.task_timed_out(frame, heartbeat=kind == "heartbeat")
        elif kind == "retry":
            frame["wait"] = None
            frame["phase"] = "retry"
            self.queue.append(frame["id"])
        elif kind == "wait":
            frame["wait"] = None
            self.resume(frame, self.wait_over(frame))

    # --- running frames ------------------------------------------------------------------

    def drain(self) -> None:
        while self.queue and self.ex.status == "RUNNING":
            if self.budget <= 0:
                self.pause()
                return
            entry = self.queue.popleft()
            if entry.startswith(RELAUNCH):
                self.relaunch(entry[len(RELAUNCH):])
                continue
            frame = self.ex.frames.get(entry)
            if frame is not None and frame["wait"] is None:
                self.run(frame)

    def pause(self) -> None:
        """Out of budget: keep the frames left to run in the execution state and ask the driver
        to Continue later (a frame keeps its phase, so it resumes exactly where it stopped)."""
        self.ex.ready.extend(self.queue)
        self.queue.clear()
        self.result.commands.append(Proceed())

    def run(self, frame: Frame) -> None:
        """Run states of `frame` until it waits, ends or the step's budget runs out."""
        while self.ex.status == "RUNNING" and frame["id"] in self.ex.frames:
            if self.budget <= 0:
                self.queue.appendleft(frame["id"])
                return
            machine = self.machine(frame)
            if (frame["phase"] == "enter" and self.FAST_PATHS
                    and (frame["state"] in machine.fast or frame["state"] in machine.jumps)):
                ended = self.run_fast(frame, machine) if not self.record else self.run_fast_recorded(frame, machine)
                if ended:
                    return
                if self.budget <= 0:
                    continue
            self.budget -= 1
            state = machine.states[frame["state"]]
            try:
                done = self.execute(frame, state)
            except StatesError as err:
                self.state_failed(frame, state, err)
                return
            if done is None:
                return
            if not self.finish_state(frame, state, done):
                return

    def execute(self, frame: Frame, state: State) -> Done | None:
        retrying = frame["phase"] == "retry"
        frame["phase"] = "run"
        if not retrying:
            frame["entered_at"] = self.now
            frame["retry_count"] = 0
            frame["entered"] = self.emit(frame, history.state_entered, state.type, state.name,
                                         frame["input"], self._text_if_recorded(frame, frame["input"]))
            frame["entered_id"] = frame["entered"] or self.ex.last_event_id
        try:
            handler = getattr(self, "enter_" + state.type.lower())
            result: Done | None = handler(frame, state)
            return result
        except StatesError as err:
            raise self.with_prefix(frame, state, err) from None
        except PathNotFound as exc:  # a path no field-specific check caught: still a runtime error
            raise self.with_prefix(frame, state, StatesError(
                RUNTIME, f"Invalid path '{exc.path}': the path references no value")) from None

    def with_prefix(self, frame: Frame, state: State, err: StatesError) -> StatesError:
        """Runtime errors carry AWS's "An error occurred while executing the state…" prefix."""
        if err.prefixed or err.error not in _PREFIXED:
            return err
        return StatesError(err.error, state_failure_cause(state.name, frame.get("entered_id", 0), err.cause or ""),
                           location=err.location, prefixed=True)

    def resume(self, frame: Frame, produce: Produce | Done | None) -> None:
        """Continue a frame after it waited: `produce` computes the state's Done."""
        state = self.machine(frame).states[frame["state"]]
        try:
            done = produce(frame, state) if callable(produce) else produce
        except StatesError as err:
            self.state_failed(frame, state, self.with_prefix(frame, state, err))
            return
        if done is not None and self.finish_state(frame, state, done):
            self.queue.append(frame["id"])

    def finish_state(self, frame: Frame, state: State, done: Done) -> bool:
        """Exit a state; True when the frame should keep running."""
        # An output that is the input object itself was measured when it was produced.
        text = self._text_if_recorded(frame, done.output)
        try:
            if done.output is not frame["input"]:
                frame["bound"] = (check_result(done.output, state.name) if text is None
                                  else check_text(text, state.name))
            if done.assigned and payload_size(done.assigned) > MAX_PAYLOAD_BYTES:
                # AWS allows up to 256 KiB of variables assigned by one state.
                raise StatesError(DATA_LIMIT_EXCEEDED, f"The state '{state.name}' assigned variables "
                                  "with a size exceeding the maximum number of bytes service limit.")
        except StatesError as err:
            self.state_failed(frame, state, err)
            return False
        if state.type != "Fail":
            self.emit(frame, history.state_exited, state.type, state.name, done.output, done.assigned, text)
        frame["vars"].update(done.assigned)
        frame["attempts"] = {}
        frame["token"] = None
        self.ex.transitions += 1
        if done.next is None:
            self.frame_succeeded(frame, done.output)
            return False
        frame["state"] = done.next
        frame["input"] = done.output
        frame["phase"] = "enter"
        return True

    def _text_if_recorded(self, frame: Frame, value: Any) -> str | None:
        """The payload's JSON when this frame's history is kept (None otherwise: nothing to write)."""
        if not self.record or frame.get("quiet"):
            return None
        return self.payload_text(frame, value)

    def frame_succeeded(self, frame: Frame, output: Any) -> None:
        parent_id = frame["parent"]
        if parent_id is None:
            self.end_execution("SUCCEEDED", output, None, None)
            return
        del self.ex.frames[frame["id"]]
        parent = self.ex.frames.get(parent_id)
        if parent is not None:
            self.child_finished(parent, frame, output, None)

    def frame_failed(self, frame: Frame, err: StatesError) -> None:
        parent_id = frame["parent"]
        if parent_id is None:
            self.end_execution("FAILED", None, err.error, err.cause)
            return
        self.ex.frames.pop(frame["id"], None)
        parent = self.ex.frames.get(parent_id)
        if parent is not None:
            self.child_finished(parent, frame, None, err)

    def end_execution(self, status: Status, output: Any, error: str | None, cause: str | None) -> None:
        ex = self.ex
        if ex.status != "RUNNING":
            return
        ex.status = status
        ex.output, ex.error, ex.cause = output, error, cause
        root = ex.frames.get("root")
        if status != "SUCCEEDED" and root is not None:
            ex.redrive_point = {"state": root["state"], "input": root["input"], "vars": root["vars"],
                                "kept": root.get("kept") or succeeded_children(root.get("wait"))}
        if status == "SUCCEEDED":
            self.emit(None, history.execution_succeeded, output)
        else:
            kind = {"FAILED": "ExecutionFailed", "TIMED_OUT": "ExecutionTimedOut",
                    "ABORTED": "ExecutionAborted"}[status]
            self.emit(None, history.execution_ended, kind, error, cause)
        if ex.map_runs:
            self.abort_map_runs()
        for task_id in list(ex.tasks):
            self.result.commands.append(CancelTask(task_id))
        for timer_id in list(ex.timers):
            self.result.commands.append(CancelTimer(timer_id))
        ex.tasks.clear()
        ex.timers.clear()
        ex.frames.clear()
        ex.ready = []
        self.result.commands.append(Finished(status, output, error, cause))

    # --- errors --------------------------------------------------------------------------

    def state_failed(self, frame: Frame, state: State, err: StatesError) -> None:
        """A state raised `err`: Retry, else Catch, else the frame fails."""
        if err.error in (RUNTIME, DATA_LIMIT_EXCEEDED):
            self.end_execution("FAILED", None, err.error, err.cause)
            return
        if err.error == "States.QueryEvaluationError":
            self.emit(frame, history.evaluation_failed, state.name, err.error, err.cause or "", err.location)
        if frame["parent"] is None and state.type in ("Map", "Parallel"):
            frame["kept"] = succeeded_children(frame.get("wait"))  # what a redrive need not rerun
        self.abort_children(frame)
        if self.try_retry(frame, state, err):
            frame.pop("kept", None)
            return
        if state.type in ("Map", "Parallel"):
            self.emit(frame, history.bare, f"{state.type}StateFailed")
        if self.try_catch(frame, state, err):
            return
        self.frame_failed(frame, err)


def succeeded_children(wait: Wait | None) -> dict[str, Any] | None:
    """{index: output} of the iterations or branches of a Map/Parallel that succeeded."""
    if not wait or wait.get("kind") != "children":
        return None
    return {str(index): wait["results"][index] for index in wait.get("ok", [])} or None


_RETRIABLE = frozenset({"Task", "Parallel", "Map"})
_PREFIXED = frozenset({RUNTIME, "States.QueryEvaluationError", "States.IntrinsicFailure"})


def step(definition: Definition, execution: Execution, event: StepInput, now: float,
         record: bool = True, budget: int = STEP_BUDGET, keep: frozenset[str] | None = None,
         quota: bool = True) -> StepResult:
    """Apply one input to `execution` (mutated in place); returns events and commands.

    `record=False` keeps no history (Express executions that nobody inspects) and is faster;
    with `keep` it still makes the events of those types, exactly as `record=True` would (an
    Express execution logging only failures). `quota=False` lifts the history quota (Express).
    At most `budget` states run; then the result holds a Proceed command and the driver feeds
    Continue() to run on. A Standard execution whose history reaches AWS's quota fails there.
    """
    stepper = Stepper(definition, execution, now, record, budget, keep, quota)
    if execution.status == "RUNNING" or isinstance(event, Redrive):
        try:
            stepper.dispatch(event)
            stepper.drain()
        except HistoryFull:
            stepper.queue.clear()
            stepper.end_execution("FAILED", None, RUNTIME, HISTORY_FULL_CAUSE)
        except RecursionError as error:  # data nested deeper than the evaluators' stack allows
            stepper.queue.clear()
            failure = nesting_failure(error)  # ExecutionFailed carries no payload: it can be written
            stepper.end_execution("FAILED", None, failure.error, failure.cause)
    return stepper.result
