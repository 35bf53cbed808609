"""Bringing executions back: recovery after a restart, and RedriveExecution.

A mixin of the Engine (core.py); its methods run on the engine's loop thread.
"""

from __future__ import annotations

import functools
import json
import logging
from abc import abstractmethod
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from statewright.asl.step import Execution
from statewright.asl.types import Redrive
from statewright.store import CHECKPOINT_FORMAT, Checkpoint, ExecutionRecord, TaskRecord, TimerRecord

from . import heap
from .definitions import definition_hash
from .runs import EngineFailure, NotRedrivable, PendingTask, Run, StartSpec

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from statewright.asl.types import StepInput
    from statewright.store import Store

    from .clock import Clock
    from .definitions import DefinitionCache

log = logging.getLogger(__name__)


def unreadable_checkpoint(checkpoint: Checkpoint) -> str:
    return (f"its checkpoint is in format {checkpoint.format}, and this Statewright reads format "
            f"{CHECKPOINT_FORMAT} (was the data directory written by a newer version?)")


class RestoreMixin:
    """Recovery and redrive; `self` is an engine.core.Engine."""

    # What this mixin uses of the Engine, for the type checker only (nothing at run time):
    # mypy checks core.py's definitions against these and refuses an Engine that lacks one.
    if TYPE_CHECKING:
        store: Store
        clock: Clock
        definitions: DefinitionCache
        _runs: dict[str, Run]
        _recovered: threading.Event

        @abstractmethod
        def _post(self, job: Callable[[], None]) -> None: ...

        @abstractmethod
        def _feed(self, run: Run, event: StepInput, ack: Future[Any] | None, ack_value: Any,
                  now: float | None = None) -> None: ...

        @abstractmethod
        def _abandon(self, run: Run, failure: EngineFailure, *answers: Future[Any] | None) -> None: ...

        @abstractmethod
        def _continue(self, run: Run) -> None: ...

        @abstractmethod
        def _arm(self, run: Run, timer_id: str, fire_at: float) -> None: ...

        @abstractmethod
        def _track(self, run: Run, task: PendingTask) -> None: ...

        @abstractmethod
        def _dispatch(self, arn: str, task: PendingTask, parameters: Any, credentials: Any = None) -> None: ...

        @abstractmethod
        def _event_log(self, arn: str, logging: Any, redrive_count: int = 0
                       ) -> Callable[[list[Any]], None] | None: ...

    def _redrive(self, arn: str, answer: Future[ExecutionRecord]) -> None:
        """Reopen and step the execution; whatever fails fails the caller, never leaves it waiting."""
        run = None
        try:
            run = self._reopen(arn)
            self._feed(run, Redrive(), answer, run.reopened)
        except NotRedrivable as refused:
            answer.set_exception(refused)
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            log.exception("could not redrive %s", arn)
            failure = EngineFailure(f"Statewright could not redrive the execution {arn}: "
                                    f"{type(error).__name__}: {error}")
            if run is not None:
                self._abandon(run, failure, answer)
            elif not answer.done():
                answer.set_exception(failure)

    def _reopen(self, arn: str) -> Run:
        if arn in self._runs:
            raise NotRedrivable("Execution is RUNNING and cannot be redriven")
        record = self.store.get_execution(arn)
        if record is not None and record.status not in ("FAILED", "TIMED_OUT", "ABORTED"):
            raise NotRedrivable(f"Execution is {record.status} and cannot be redriven")
        # Read after the status: an execution that succeeded in its first step has no checkpoint.
        checkpoint = self.store.latest_checkpoint(arn) if record is not None else None
        if record is None or checkpoint is None:
            raise NotRedrivable("The execution cannot be redriven: it has no stored progress")
        if checkpoint.format != CHECKPOINT_FORMAT:
            raise NotRedrivable(f"The execution cannot be redriven: {unreadable_checkpoint(checkpoint)}")
        sequence = checkpoint.sequence
        execution = Execution.from_dict(json.loads(checkpoint.state))
        if execution.redrive_point is None:
            raise NotRedrivable("The execution failed before any state ran and cannot be redriven")
        definition = self.definitions.parse(self.store.get_definition(record.definition_hash) or "",
                                            record.definition_hash)
        now = self.clock.now()
        body = dict(record.body)
        body.update(output=None, error=None, cause=None,
                    redriveCount=int(body.get("redriveCount", 0)) + 1, redriveDate=now)
        reopened = ExecutionRecord(arn=record.arn, state_machine=record.state_machine, name=record.name,
                                   status="RUNNING", start_date=record.start_date, stop_date=None,
                                   definition_hash=record.definition_hash, body=body)
        run = Run(arn=arn, definition=definition, execution=execution, start_date=record.start_date,
                  record=reopened, checkpoint=sequence, reopened=reopened,
                  log=self._event_log(arn, body.get("logging"), body["redriveCount"]))
        self._runs[arn] = run
        return run

    # --- recovery -----------------------------------------------------------------------------

    def _new_record(self, spec: StartSpec, now: float) -> ExecutionRecord:
        body: dict[str, Any] = {"input": spec.input_text, "roleArn": spec.role_arn, "stateMachineName": spec.state_machine_name,
                "versionArn": spec.version_arn, "aliasArn": spec.alias_arn}
        if spec.logging is not None:  # so that a recovered or redriven execution logs on
            body["logging"] = dict(spec.logging)
        if spec.trace_header:
            body["traceHeader"] = spec.trace_header
        return ExecutionRecord(arn=spec.arn, state_machine=spec.state_machine_arn, name=spec.name,
                               status="RUNNING", start_date=now,
                               definition_hash=definition_hash(spec.definition_text), body=body)

    def _recover(self) -> None:
        try:
            # Everything built here lives until its execution ends: see heap.py for why the
            # collector is paused, and the heap frozen afterwards.
            with heap.collector_paused():
                state = self.store.recovery()
                texts: dict[str, str] = {}
                for record in state.records:
                    try:
                        if record.definition_hash not in texts:
                            texts[record.definition_hash] = self.store.get_definition(record.definition_hash) or ""
                        self._recover_one(record, texts[record.definition_hash], state.checkpoints.get(record.arn),
                                          state.tasks.get(record.arn, []), state.timers.get(record.arn, []))
                    except Exception:  # one unreadable execution must not keep the others down
                        log.exception("could not recover %s", record.arn)
                del state, texts  # what is not kept by a run is freed before the heap is frozen
                heap.settle(len(self._runs))
        finally:
            self._recovered.set()

    def _recover_one(self, record: ExecutionRecord, text: str, checkpoint: Checkpoint | None,
                     tasks: list[TaskRecord], timers: list[TimerRecord]) -> None:
        if checkpoint is None:  # cannot happen: a row is only ever stored with its first step
            log.error("%s is RUNNING but has no checkpoint; it cannot be resumed", record.arn)
            return
        if checkpoint.format != CHECKPOINT_FORMAT:  # left RUNNING, untouched, for a newer engine
            log.error("%s cannot be resumed: %s", record.arn, unreadable_checkpoint(checkpoint))
            return
        definition = self.definitions.parse(text, record.definition_hash)
        run = Run(arn=record.arn, definition=definition,
                  execution=Execution.from_dict(json.loads(checkpoint.state)),
                  start_date=record.start_date, record=record, checkpoint=checkpoint.sequence,
                  log=self._event_log(record.arn, record.body.get("logging"), int(record.body.get("redriveCount", 0))))
        self._runs[record.arn] = run
        for stored in tasks:
            task = PendingTask(stored.task_id, stored.token, stored.resource, stored.body.get("state", ""))
            self._track(run, task)
            self._dispatch(record.arn, task, stored.body.get("parameters"), stored.body.get("credentials"))
        for timer in timers:
            self._arm(run, timer.timer_id, timer.fire_at)
        if run.execution.ready:  # it was cut off between two slices of its budget
            self._post(functools.partial(self._continue, run))
