"""Tasks and their tokens: dispatching a step's tasks, and the answers, heartbeats and activity
polls that come back for them.

A mixin of the Engine (core.py). The public methods run on any thread (the API's); the others on
the engine's loop thread. `_tokens` maps each running task's token to its execution and task id,
guarded by `_tokens_lock`; tokens of ended tasks are remembered for a while, so that a late answer
is told "timed out" rather than "does not exist".
"""

from __future__ import annotations

import functools
import logging
from abc import abstractmethod
from collections import OrderedDict
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from statewright.asl.history import dumps, task_kind
from statewright.asl.types import StepInput, TaskFailed, TaskHeartbeat, TaskStarted, TaskSucceeded

from .activities import ActivityQueues, ActivityTask
from .runs import PendingTask, Run, TaskNotFound
from .types import TaskRequest, TaskRunner

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from .workers import WorkerPool

log = logging.getLogger(__name__)
# How many ended tokens to remember, to answer "timed out" rather than "does not exist".
ENDED_TOKENS_KEPT = 100_000


class TaskMixin:
    """Task dispatch and task tokens; `self` is an engine.core.Engine."""

    # What this mixin uses of the Engine, for the type checker only (nothing at run time).
    if TYPE_CHECKING:
        tasks: TaskRunner
        activities: ActivityQueues
        _runs: dict[str, Run]
        _tokens: dict[str, tuple[str, str]]
        _ended_tokens: OrderedDict[str, None]
        _tokens_lock: threading.Lock
        _recovered: threading.Event
        _workers: WorkerPool

        @abstractmethod
        def _post(self, job: Callable[[], None]) -> None: ...

        @abstractmethod
        def _feed(self, run: Run, event: StepInput, ack: Future[Any] | None, ack_value: Any,
                  now: float | None = None) -> None: ...

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
