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
from statewright.asl.history import dumps, task_kind
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
    TaskFailed,
    TaskHeartbeat,
    TaskStarted,
    TaskSucceeded,
    TimerFired,
)
from statewright.store import AlreadyExists, ExecutionRecord, Store, TaskRecord, TimerRecord, Transaction

from .activities import ActivityQueues, ActivityTask
from .clock import Clock
from .definitions import DefinitionCache
from .inline import run_inline
from .pacing import FiringPace
from .restore import RestoreMixin
from .runs import (
    EngineFailure,
    PendingTask,
    Run,
    RunOutcome,
    StartSpec,
    TaskNotFound,
    answer_same_start,
    check_input,
    finished_record,
)
from .types import ExecutionEventSink, TaskRequest, TaskRunner
from .workers import WorkerPool

log = logging.getLogger(__name__)
_STOP = object()
# What a failing job may raise without stopping the loop: exceptions and Rust panics from native
# extensions (pyo3's PanicException derives from BaseException), not interpreter exits.
_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit)
# How many ended tokens to remember, to answer "timed out" rather than "does not exist".
ENDED_TOKENS_KEPT = 100_000
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


class Engine(RestoreMixin):
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
        watchers = [on_end] if on_end is not None else []
        # The execution row is stored together with its first step (one commit, not two).
        self._submit(lambda: self._begin(spec, record, now, [], answer, watchers), answer)
        return answer

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

    def answer_task(self, token: str, output: Any = None, error: str | None = None,
                    cause: str | None = None, failed: bool = False) -> Future[None]:
        """SendTaskSuccess / SendTaskFailure: the first answer for a token wins."""
        self._recovered.wait()
        with self._tokens_lock:
            found = self._tokens.pop(token, None)
            if found is not None:
                self._remember_ended(token)
        if found is None:
            raise TaskNotFound(token, token in self._ended_tokens)
        arn, task_id = found
        event: StepInput = (TaskFailed(task_id, error or "", cause or "") if failed
                            else TaskSucceeded(task_id, output))
        answer: Future[None] = Future()
        self._post(lambda: self._task_answered(arn, task_id, event, answer))
        return answer

    def heartbeat(self, token: str) -> None:
        self._recovered.wait()
        with self._tokens_lock:
            found = self._tokens.get(token)
        if found is None:
            raise TaskNotFound(token, token in self._ended_tokens)
        arn, task_id = found
        self._post(lambda: self._heartbeat(arn, task_id))

    def poll_activity(self, activity_arn: str, timeout: float, worker_name: str = "") -> ActivityTask | None:
        """A worker's GetActivityTask: the next task of that activity, or None after `timeout`.
        Handing it out is when AWS records ActivityStarted (with the worker's name)."""
        while True:
            task = self.activities.poll(activity_arn, timeout)
            if task is None:
                return None
            with self._tokens_lock:
                found = self._tokens.get(task.token)
            if found is not None:
                self._post(functools.partial(self._activity_started, *found, worker_name))
                return task

    def _activity_started(self, arn: str, task_id: str, worker_name: str) -> None:
        run = self._runs.get(arn)
        if run is not None and task_id in run.pending:
            self._feed(run, TaskStarted(task_id, worker_name), None, None)

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
        run.unwritten.append((self._change(run, event, result, tokens, now), result, tokens, now, ack,
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

    def _change(self, run: Run, event: StepInput, result: StepResult, tokens: dict[str, str],
                now: float) -> Callable[[Transaction], None]:
        """One step's share of a flush's atomic write (built here, applied by the writer); the
        flush adds the checkpoint."""
        arn = run.arn
        reopened, run.reopened = run.reopened, None
        new_record, new_definition = (run.record, run.unstored_definition) if run.unstored_definition else (None, "")
        run.unstored_definition = None
        tasks, timers, dropped_tasks, dropped_timers = [], [], [], []
        if isinstance(event, TaskSucceeded | TaskFailed):
            dropped_tasks.append(event.task_id)
        if isinstance(event, TimerFired):
            dropped_timers.append(event.timer_id)
        finished: Finished | None = None
        for command in result.commands:
            if isinstance(command, RunTask):
                body = {"parameters": command.parameters, "state": command.state_name}
                if command.credentials is not None:
                    body["credentials"] = command.credentials
                tasks.append(TaskRecord(arn, command.task_id, tokens[command.task_id], command.resource, body))
            elif isinstance(command, StartTimer):
                timers.append(TimerRecord(arn, command.timer_id, command.due, self.clock.fire_at(command.due, now)))
            elif isinstance(command, CancelTimer):
                dropped_timers.append(command.timer_id)
            elif isinstance(command, CancelTask):
                dropped_tasks.append(command.task_id)
            elif isinstance(command, Finished):
                finished = command
        record = finished_record(run.record, finished, now) if finished and run.record else None

        def apply(tx: Transaction) -> None:
            if new_record is not None:
                tx.put_definition(new_record.definition_hash, new_definition)
                tx.insert_execution(new_record)
            if reopened is not None:
                tx.update_execution(reopened)
            tx.append_events(arn, result.events)
            for task_id in dropped_tasks:
                tx.delete_task(arn, task_id)
            for timer_id in dropped_timers:
                tx.delete_timer(arn, timer_id)
            for task in tasks:
                tx.put_task(task)
            for timer in timers:
                tx.put_timer(timer)
            if record is not None:
                tx.clear_pending(arn)
                tx.update_execution(record)

        return apply

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

    def _track(self, run: Run, task: PendingTask) -> None:
        run.pending[task.task_id] = task
        with self._tokens_lock:
            self._tokens[task.token] = (run.arn, task.task_id)

    def _untrack(self, run: Run, task_id: str) -> PendingTask | None:
        task = run.pending.pop(task_id, None)
        if task is not None:
            with self._tokens_lock:
                self._tokens.pop(task.token, None)
                self._remember_ended(task.token)
            self.activities.withdraw(task.token)
        return task

    def _remember_ended(self, token: str) -> None:
        """Called with `_tokens_lock` held."""
        self._ended_tokens[token] = None
        if len(self._ended_tokens) > ENDED_TOKENS_KEPT:
            self._ended_tokens.popitem(last=False)

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

    def _dispatch(self, arn: str, task: PendingTask, parameters: Any, credentials: Any = None) -> None:
        """Hand a task to its worker: an activity's queue, or the task runner on a worker thread
        (a request-response call holds that thread while it runs; a `.sync` or callback task
        returns at once and answers later through `deliver` or its token)."""
        if task_kind(task.resource)[0] == "Activity":
            self.activities.offer(task.resource, ActivityTask(task.token, dumps(parameters)))
            return
        request = TaskRequest(arn, task.state_name, task.task_id, task.resource, parameters, task.token, credentials)

        def deliver(event: StepInput) -> None:
            self._post(lambda: self._task_answered(arn, task.task_id, event, None))

        def call() -> None:
            try:
                answer = self.tasks.run_task(request, deliver)
            except Exception as error:  # noqa: BLE001 - a task runner's bug fails the task, not the engine
                log.exception("running task %s of %s failed", task.task_id, arn)
                answer = TaskFailed(task.task_id, "States.Runtime",
                                    f"Statewright failed to run the task: {type(error).__name__}: {error}")
            if answer is not None:
                deliver(answer)

        self._workers.submit(call)

    def _task_answered(self, arn: str, task_id: str, event: StepInput, ack: Future[None] | None) -> None:
        run = self._runs.get(arn)
        # A task the step no longer waits for (its execution was stopped, or it timed out, by a
        # step whose commit is still on its way) refuses the answer rather than drop it silently.
        if run is None or task_id not in run.execution.tasks:
            if ack is not None:
                ack.set_exception(TaskNotFound(task_id, ended=True))
            return
        if self._untrack(run, task_id) is None:
            if ack is not None:
                ack.set_exception(TaskNotFound(task_id))
            return
        self._feed(run, event, ack, None)

    def _heartbeat(self, arn: str, task_id: str) -> None:
        run = self._runs.get(arn)
        if run is not None and task_id in run.pending:
            self._feed(run, TaskHeartbeat(task_id), None, None)
