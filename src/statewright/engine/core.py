"""The engine: one loop thread drives every execution through the pure step.

For a Standard execution each step's events, its checkpoint (the execution state) and the
timers and tasks it asked for are written in one atomic change *before* any command is carried
out. So a recorded transition is never repeated, and a task whose result was not recorded is
still in the tasks table after a crash and is dispatched again on recovery (at least once).
Express executions skip the store entirely: the fast path.

Only the loop thread touches `_runs` and the timer heap; other threads post closures to it.
Tasks go to a `TaskRunner` (statewright.integrations' registry) on worker threads; an answer
that comes later (a `.sync` job, a callback token) is posted back to the loop. Any thread may
call asl (validation, TestState): asl.jsonata keeps jsonatapy's one-thread rule to itself.

Beside this module: changes.py builds a step's share of the atomic write; inline.py takes first
steps on the caller's thread; tasks.py dispatches tasks and keeps their tokens; restore.py brings
executions back (recovery, redrive).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
import logging
import queue
import random
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from statewright.asl.drive import execution_context
from statewright.asl.history import dumps
from statewright.asl.step import Execution, step
from statewright.asl.types import (
    CancelTask,
    CancelTimer,
    Continue,
    ExecutionStart,
    Finished,
    MapRunUpdate,
    Proceed,
    RunTask,
    StartTimer,
    StepInput,
    StepResult,
    StopRequested,
    TimerFired,
)
from statewright.store import AlreadyExists, ExecutionRecord, Store, Transaction

from .activities import ActivityQueues
from .changes import step_change
from .clock import Clock
from .definitions import DefinitionCache
from .inline import SteppedStart, run_inline, step_new_standard
from .pacing import FiringPace
from .restore import RestoreMixin
from .runs import (
    EngineFailure,
    PendingTask,
    Run,
    RunOutcome,
    StartSpec,
    answer_same_start,
    check_input,
)
from .tasks import TaskMixin
from .types import ExecutionEventSink, TaskRunner
from .workers import WorkerPool

log = logging.getLogger(__name__)
_STOP = object()
# What a failing job may raise without stopping the loop: exceptions and Rust panics from native
# extensions (pyo3's PanicException derives from BaseException), not interpreter exits.
_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit)
# AWS's longest Express execution: five minutes (service quotas). Standard's year is not
# enforced: a timer per execution would cost two writes each for a limit no local run reaches.
EXPRESS_MAX_SECONDS = 5 * 60


# Seeds need to differ, not to be secret: one generator seeded from the OS at import is enough,
# and far cheaper than reading the OS's randomness for every execution.
_SEEDS = random.Random(secrets.randbits(64))


def _fail(answer: Future[Any], error: BaseException) -> None:
    """Fail a caller's future unless it was already resolved."""
    if not answer.done():
        answer.set_exception(error)


def _failure(action: str, arn: str, error: BaseException) -> EngineFailure:
    return EngineFailure(f"Statewright could not {action} the execution {arn}: {type(error).__name__}: {error}")


def _seed() -> int:
    """A fresh random seed per execution. It is stored in the first checkpoint (which is written
    together with the execution's row), so a restart never draws different numbers; and tokens
    of executions with the same name in different data directories never repeat."""
    return _SEEDS.getrandbits(48)


class Engine(TaskMixin, RestoreMixin):
    """Drives executions; see the module docstring."""

    def __init__(self, store: Store, tasks: TaskRunner, clock: Clock | None = None, *,
                 task_threads: int = 64) -> None:
        self.store = store
        self.tasks = tasks
        self.clock = clock or Clock()
        self.definitions = DefinitionCache()
        self.activities = ActivityQueues()
        self._runs: dict[str, Run] = {}
        self._tokens: dict[str, tuple[str, str]] = {}  # token → (execution ARN, task id)
        self._ended_tokens: OrderedDict[str, None] = OrderedDict()
        self._tokens_lock = threading.Lock()
        # New Standard executions stepped off the loop whose first step is not yet stored or not
        # yet adopted by the loop (_start_here), by ARN; guarded by its lock (any thread).
        self._starting: dict[str, Run] = {}
        self._starting_lock = threading.Lock()
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._timers: list[tuple[float, int, str, str]] = []
        self._timer_order = itertools.count()
        self._pace = FiringPace()
        self._workers = WorkerPool(task_threads)
        self._thread: threading.Thread | None = None
        # Set once recovery has re-registered the tokens of the tasks that were running.
        self._recovered = threading.Event()
        # Set by close(): the loop stops after the job it is running, whatever is queued.
        self._closing = threading.Event()
        # Where the events of executions whose state machine logs them go (runtime._connect_logs).
        self.event_sink: ExecutionEventSink | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the loop thread; its first job recovers the executions that were running."""
        self._closing.clear()
        self._post(self._recover)
        self._thread = threading.Thread(target=self._loop, name="statewright-engine", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.activities.close()
        self._workers.close()
        if self._thread is not None:
            # Jobs still queued are dropped: what they would do was never acknowledged, and what
            # was acknowledged is in the store already (a step is acknowledged once stored).
            self._closing.set()
            self._inbox.put(_STOP)
            self._thread.join()
            self._thread = None
        self._runs.clear()
        self._starting.clear()
        # Dropped jobs may include a slice's release (pacing.py): a restarted loop starts unheld.
        self._pace = FiringPace(self._pace.slice_size, self._pace.window)
        self.definitions.clear()

    # --- what the API calls (any thread) --------------------------------------------------

    def start_execution(self, spec: StartSpec, on_end: Callable[[RunOutcome], None] | None = None
                        ) -> Future[ExecutionRecord | None]:
        """Start an execution. For Standard, the future resolves once the execution is stored
        (raising store.AlreadyExists when one with this ARN exists); for Express, once it has
        begun, with None. It raises EngineFailure when the engine could not start it, and
        asl.limits.TooDeep (a ValueError) for an input nested too deeply. `on_end` is called with
        the outcome when the execution ends (see `watch`)."""
        answer: Future[ExecutionRecord | None] = Future()
        try:
            check_input(spec)
        except ValueError as refused:
            answer.set_exception(refused)
            return answer
        try:
            now = self.clock.now()
            record = None if spec.express else self._new_record(spec, now)
        except Exception as error:  # noqa: BLE001 - handed to the caller
            _fail(answer, _failure("start", spec.arn, error))
            return answer
        if (record is not None and on_end is None and spec.logging is None and self._thread is not None
                and self._recovered.is_set() and self._start_here(spec, record, now, answer)):
            return answer
        watchers = [on_end] if on_end is not None else []
        # The execution row is stored together with its first step (one commit, not two).
        self._submit(lambda: self._begin(spec, record, now, [], answer, watchers), answer)
        return answer

    def _start_here(self, spec: StartSpec, record: ExecutionRecord, now: float,
                    answer: Future[ExecutionRecord | None]) -> bool:
        """Take a new Standard execution's first step on this thread and hand its change to the
        writer (inline.py); False when the loop must begin it instead. Recovery has run, so
        no other run of this ARN can appear; a start of a name in use fails at the insert."""
        stepped = step_new_standard(self.definitions, spec, record, lambda: self._start_input(spec, now), now,
                                    self.clock.fire_at)
        if stepped is None:
            return False
        stepped.run.started = answer
        with self._starting_lock:  # an ARN is in `_starting` until it is in `_runs`, or ended
            first = self._starting.get(spec.arn)
            running = spec.arn in self._runs
            if first is None and not running:
                self._starting[spec.arn] = stepped.run
        if first is not None:  # the same start racing this one (an SDK retry), or a clash
            answer_same_start(first, record, answer)
            return True
        if running:
            return False  # the loop answers as for any start of a running execution's ARN

        def committed(write: Future[None]) -> None:
            error = write.exception()
            if error is not None or stepped.ended:
                with self._starting_lock:
                    self._starting.pop(spec.arn, None)
            if error is not None:
                if not isinstance(error, AlreadyExists):
                    log.error("could not store the start of %s: %s", spec.arn, error)
                _fail(answer, error)
                return
            if not stepped.ended:  # posted before the answer: the caller's next request comes after it
                self._post(functools.partial(self._adopt, stepped, now))
            answer.set_result(record)

        self.store.write(stepped.change).add_done_callback(committed)
        return True

    def _adopt(self, stepped: SteppedStart, now: float) -> None:
        """Drive a run whose first step is stored (see _start_here): act on that step's commands."""
        run = stepped.run
        if run.arn in self._runs:  # cannot happen (see _start_here); never drive one ARN twice
            log.error("%s was started twice; the second run is dropped", run.arn)
            return
        self._runs[run.arn] = run
        with self._starting_lock:
            self._starting.pop(run.arn, None)
        self._act(run, stepped.result, stepped.tokens, now)

    def run_sync(self, spec: StartSpec) -> Future[RunOutcome]:
        """Run an Express execution and resolve with its outcome (at most once: nothing stored).
        One that ends within a few states is run on the calling thread (see inline.py)."""
        outcome: Future[RunOutcome] = Future()
        try:
            check_input(spec)
        except ValueError as refused:
            outcome.set_exception(refused)
            return outcome
        now = self.clock.now()
        if self._thread is not None and spec.logging is None:  # a logged one needs the loop's events
            ended = run_inline(self.definitions, spec.definition_text, lambda: self._start_input(spec, now), now)
            if ended is not None:
                outcome.set_result(ended)
                return outcome
        self._submit(lambda: self._begin(spec, None, now, [outcome]), outcome)
        return outcome

    def watch(self, arn: str, on_end: Callable[[RunOutcome], None]) -> None:
        """Call `on_end` with the outcome when the execution ends, at once when it has ended
        (a Standard one, read from the store). It runs on the loop thread and must not block.
        An execution the engine neither runs nor stored ends as FAILED with States.Runtime."""

        def add() -> None:
            run = self._runs.get(arn)
            if run is not None:
                run.watchers.append(on_end)
                return
            record = self.store.get_execution(arn)
            if record is not None and record.status != "RUNNING":
                body = record.body
                on_end(RunOutcome(record.status, body.get("output"), body.get("error"), body.get("cause"),
                                  record.start_date, record.stop_date or record.start_date))
                return
            now = self.clock.now()
            on_end(RunOutcome("FAILED", None, "States.Runtime",
                              f"Statewright is not running the execution {arn}", now, now))

        self._post(add)

    def stop_execution(self, arn: str, error: str | None, cause: str | None) -> Future[bool]:
        """Ask a running execution to stop; resolves True once the abort is recorded,
        False when the engine is not running that execution."""
        answer: Future[bool] = Future()

        def stop() -> None:
            run = self._runs.get(arn)
            if run is None:
                answer.set_result(False)
                return
            self._feed(run, StopRequested(error, cause), answer, True)

        self._post(stop)
        return answer

    def update_map_run(self, arn: str, update: MapRunUpdate) -> Future[bool]:
        """UpdateMapRun for a Map Run of the execution `arn`; resolves True once the change is
        recorded, False when the engine is not running that execution."""
        answer: Future[bool] = Future()

        def apply() -> None:
            run = self._runs.get(arn)
            if run is None:
                answer.set_result(False)
                return
            self._feed(run, update, answer, True)

        self._post(apply)
        return answer

    def redrive_execution(self, arn: str) -> Future[ExecutionRecord]:
        """RedriveExecution: reopen a FAILED, TIMED_OUT or ABORTED Standard execution and run it
        on from where it stopped. Resolves with the RUNNING record once that is stored; raises
        NotRedrivable with AWS's reason otherwise, EngineFailure when the engine could not."""
        answer: Future[ExecutionRecord] = Future()
        self._recovered.wait()
        self._submit(lambda: self._redrive(arn, answer), answer)
        return answer

    def is_running(self, arn: str) -> bool:
        return arn in self._runs  # a racy read is fine: callers use it as a hint

    # --- the loop ---------------------------------------------------------------------------

    def _post(self, job: Callable[[], None]) -> None:
        self._inbox.put(job)

    def _submit(self, job: Callable[[], None], answer: Future[Any]) -> None:
        """Post a job that resolves `answer`; fail `answer` at once when no loop will run it."""
        if self._thread is None:
            _fail(answer, EngineFailure("The execution engine is not running"))
            return
        self._post(job)

    def _loop(self) -> None:
        while True:
            try:
                job = self._inbox.get(timeout=self._seconds_to_next_timer())
            except queue.Empty:
                job = None
            if job is _STOP or self._closing.is_set():
                return
            if job is not None:
                try:
                    job()
                except _FATAL:
                    raise
                except BaseException:  # noqa: BLE001 - one broken execution must not stop the others
                    log.exception("engine job failed")
            self._fire_due_timers()

    def _seconds_to_next_timer(self) -> float | None:
        if not self._timers or self._pace.held:  # held: a slice's commit wakes the loop
            return None
        return max(0.0, self._timers[0][0] - self.clock.now())

    def _fire_due_timers(self) -> None:
        if self._pace.held:
            return
        now = self.clock.now()
        fired = 0
        while self._timers and self._timers[0][0] <= now:
            if fired == self._pace.slice_size:  # more are due: see pacing.py
                self._pace.slice_fired(self._post, self.store.write)
                return
            fire_at, _, arn, timer_id = heapq.heappop(self._timers)
            run = self._runs.get(arn)
            if run is not None and run.timers.get(timer_id) == fire_at:
                del run.timers[timer_id]
                self._feed(run, TimerFired(timer_id), None, False)
                fired += 1

    # --- stepping ---------------------------------------------------------------------------

    def _begin(self, spec: StartSpec, record: ExecutionRecord | None, now: float,
               waiters: list[Future[RunOutcome]], started: Future[ExecutionRecord | None] | None = None,
               watchers: list[Callable[[RunOutcome], None]] | None = None) -> None:
        """Begin a run. With `started`, the execution is new: for Standard, its row is inserted
        with the first step, and `started` resolves once both are stored (AlreadyExists when the
        ARN is taken). Whatever fails here fails the callers (EngineFailure), never leaves them waiting."""
        if spec.arn in self._runs:
            if started is not None:
                answer_same_start(self._runs[spec.arn], record, started)
            return
        run = Run(arn=spec.arn, definition=None, execution=Execution(), start_date=now, record=record,
                  waiters=waiters, watchers=list(watchers or []),
                  unstored_definition=spec.definition_text if started and record else None,
                  log=self._event_log(spec.arn, spec.logging), logged=self._logged_events(spec.logging),
                  started=started if record else None)
        self._runs[spec.arn] = run
        try:
            self._begin_run(run, spec, now, started)
        except _FATAL:
            raise
        except BaseException as error:  # noqa: BLE001 - handed to the callers
            log.exception("could not start %s", spec.arn)
            self._abandon(run, _failure("start", spec.arn, error), started, *waiters)

    def _abandon(self, run: Run, failure: EngineFailure, *answers: Future[Any] | None) -> None:
        """Drop a run that could not begin: nothing of it is written, its callers get `failure`."""
        run.unwritten.clear()
        if self._runs.get(run.arn) is run:
            self._forget(run)
        for answer in answers:
            if answer is not None:
                _fail(answer, failure)

    def _begin_run(self, run: Run, spec: StartSpec, now: float, started: Future[Any] | None) -> None:
        record = run.record
        try:
            run.definition = self.definitions.parse(spec.definition_text, record.definition_hash if record else None)
        except _FATAL:
            raise
        except BaseException as error:  # noqa: BLE001 - validated at creation, so a bug: fail the run
            log.exception("could not compile the definition of %s", spec.arn)
            self._commit_step(run, ExecutionStart(None, {}), self._crashed(run, now, error), now, started, record)
            return
        self._feed(run, self._start_input(spec, now), started, None if spec.express else record, now)

    def _start_input(self, spec: StartSpec, now: float) -> ExecutionStart:
        execution_input = json.loads(spec.input_text)
        context = execution_context(spec.state_machine_name, spec.name, execution_input, now, spec.role_arn,
                                    "EXPRESS" if spec.express else "STANDARD", spec.arn,
                                    spec.version_arn or spec.state_machine_arn)
        context["Region"] = spec.arn.split(":")[3]  # for TaskScheduled events; not part of `$$`
        return ExecutionStart(input=execution_input, context=context, seed=_seed(),
                              role_arn=spec.role_arn,
                              max_seconds=EXPRESS_MAX_SECONDS if spec.express else None)

    def _feed(self, run: Run, event: StepInput, ack: Future[Any] | None, ack_value: Any,
              now: float | None = None) -> None:
        """Step `run` with `event`; act on the commands once the step is durable."""
        now = self.clock.now() if now is None else now
        if run.definition is None:
            return  # failed when it began; nothing more can happen to it
        try:
            result = step(run.definition, run.execution, event, now, record=run.keeps_history, keep=run.logged,
                          quota=run.durable)
        except _FATAL:
            raise
        except BaseException as error:  # noqa: BLE001 - a bug in the step: fail this execution only
            log.exception("step failed for %s", run.arn)
            result = self._crashed(run, now, error)
        self._commit_step(run, event, result, now, ack, ack_value)

    def _commit_step(self, run: Run, event: StepInput, result: StepResult, now: float,
                     ack: Future[Any] | None, ack_value: Any) -> None:
        """Act on a step's commands: at once (Express) or once the step is stored (Standard)."""
        tokens = {command.task_id: command.token or str(uuid.uuid4())
                  for command in result.commands if isinstance(command, RunTask)}
        if not run.durable:
            self._act(run, result, tokens, now)
            if ack is not None:
                ack.set_result(ack_value)
            return
        run.unwritten.append((step_change(run, event, result, tokens, now, self.clock.fire_at), result, tokens, now, ack,
                              ack_value))
        if not run.flush_posted:
            run.flush_posted = True
            self._post(lambda: self._flush(run))

    def _flush(self, run: Run) -> None:
        """Write the steps `run` took since the last flush, in order, with one checkpoint."""
        steps, run.unwritten, run.flush_posted = run.unwritten, [], False
        if not steps:
            return
        run.checkpoint += 1
        arn, sequence, state_json = run.arn, run.checkpoint, run.execution.to_json()

        def change(tx: Transaction) -> None:
            for apply, *_ in steps:
                apply(tx)
            tx.put_checkpoint(arn, sequence, state_json)

        def committed(write: Future[None]) -> None:
            self._post(lambda: self._after_flush(run, write, steps))

        self.store.write(change).add_done_callback(committed)

    def _after_flush(self, run: Run, write: Future[None], steps: list[Any]) -> None:
        for _, result, tokens, now, ack, ack_value in steps:
            self._after_commit(run, write, result, tokens, now, ack, ack_value)

    def _crashed(self, run: Run, now: float, error: BaseException) -> StepResult:
        cause = f"Statewright failed to run this step: {type(error).__name__}: {error}"
        run.execution.status = "FAILED"
        event = {"id": run.execution.last_event_id + 1, "previousEventId": run.execution.last_event_id,
                 "timestamp": now, "type": "ExecutionFailed",
                 "executionFailedEventDetails": {"error": "States.Runtime", "cause": cause}}
        run.execution.last_event_id += 1
        commands: list[Any] = [CancelTask(task) for task in run.pending]
        commands.append(Finished("FAILED", None, "States.Runtime", cause))
        logged = run.keeps_history or (run.logged is not None and "ExecutionFailed" in run.logged)
        return StepResult(events=[event] if logged else [], commands=commands)

    def _after_commit(self, run: Run, write: Future[None], result: StepResult, tokens: dict[str, str],
                      now: float, ack: Future[Any] | None, ack_value: Any) -> None:
        error = write.exception()
        if error is not None:
            # The disk refused the write: memory is now ahead of the store, so stop driving this
            # execution; the next start recovers it from what was stored.
            if not isinstance(error, AlreadyExists):  # the ARN of a new execution was taken
                log.error("could not record a step of %s: %s", run.arn, error)
            self._forget(run)
            if ack is not None:
                _fail(ack, error)
            return
        self._act(run, result, tokens, now)
        if ack is not None and not ack.done():
            ack.set_result(ack_value)

    # --- acting on commands -------------------------------------------------------------------

    def _act(self, run: Run, result: StepResult, tokens: dict[str, str], now: float) -> None:
        if run.log is not None:  # the one cost of execution logging to executions that do not log
            self._hand_over(run, result.events)
        for command in result.commands:
            if isinstance(command, RunTask):
                task = PendingTask(command.task_id, tokens[command.task_id], command.resource,
                                   command.state_name)
                self._track(run, task)
                self._dispatch(run.arn, task, command.parameters, command.credentials)
            elif isinstance(command, StartTimer):
                self._arm(run, command.timer_id, self.clock.fire_at(command.due, now))
            elif isinstance(command, CancelTimer):
                run.timers.pop(command.timer_id, None)
            elif isinstance(command, CancelTask):
                if self._untrack(run, command.task_id) is not None:
                    self.tasks.cancel_task(run.arn, command.task_id)
            elif isinstance(command, Proceed):
                # At the back of the inbox: every job already queued (other executions, API
                # calls, timers) runs before this execution takes its next slice.
                self._post(functools.partial(self._continue, run))
            elif isinstance(command, Finished):
                self._finish(run, command, now)

    def _event_log(self, arn: str, logging: Any, redrive_count: int = 0) -> Callable[[list[Any]], None] | None:
        """`Run.log` for an execution, chosen once when it begins: None unless its state machine logs."""
        sink = self.event_sink
        if sink is None or not logging:
            return None
        return functools.partial(sink, arn, logging, redrive_count=redrive_count)

    @staticmethod
    def _hand_over(run: Run, events: list[dict[str, Any]]) -> None:
        """Give the sink the step's events it needs: all, or (a Standard run, which stores every
        event, at ERROR or FATAL) only those of its types, and nothing when there are none."""
        logged = run.logged
        if logged is not None and run.keeps_history:
            events = [event for event in events if event["type"] in logged]
        if events and run.log is not None:
            run.log(events)

    def _logged_events(self, logging: Any) -> frozenset[str] | None:
        """`Run.logged`: the event types the sink needs for this configuration, when it says
        (`engine.types.SelectiveEventSink.wanted_events`) and that is not every type."""
        wanted = getattr(self.event_sink, "wanted_events", None)
        if wanted is None or not logging:
            return None
        types: frozenset[str] | None = wanted(logging)
        return types

    def _continue(self, run: Run) -> None:
        if self._runs.get(run.arn) is run:
            self._feed(run, Continue(), None, None)

    def _arm(self, run: Run, timer_id: str, fire_at: float) -> None:
        run.timers[timer_id] = fire_at
        heapq.heappush(self._timers, (fire_at, next(self._timer_order), run.arn, timer_id))

    def _finish(self, run: Run, finished: Finished, now: float) -> None:
        if not run.waiters and not run.watchers:  # nobody waits for it (a Standard outcome is in the store)
            self._forget(run)
            return
        outcome = RunOutcome(status=finished.status,
                             output=dumps(finished.output) if finished.status == "SUCCEEDED" else None,
                             error=finished.error, cause=finished.cause, start_date=run.start_date,
                             stop_date=now)
        for waiter in run.waiters:
            if not waiter.done():
                waiter.set_result(outcome)
        for watcher in run.watchers:
            try:
                watcher(outcome)
            except Exception:  # noqa: BLE001 - one watcher's bug must not stop the loop
                log.exception("a watcher of %s failed", run.arn)
        self._forget(run)

    def _forget(self, run: Run) -> None:
        for task_id in list(run.pending):
            if self._untrack(run, task_id) is not None:
                self.tasks.cancel_task(run.arn, task_id)
        run.timers.clear()
        self._runs.pop(run.arn, None)
