"""What one Standard step writes: its share of the atomic change that makes it durable.

A step's events, the tasks and timers it asked for or dropped, and (when it ended the execution)
the execution's final row go into the store in one transaction together with the checkpoint,
before any of its commands is carried out (engine/core.py). Built here on the thread that took
the step; applied later by the store's writer thread.
"""

from __future__ import annotations

from collections.abc import Callable

from statewright.asl.types import (
    CancelTask,
    CancelTimer,
    Finished,
    RunTask,
    StartTimer,
    StepInput,
    StepResult,
    TaskFailed,
    TaskSucceeded,
    TimerFired,
)
from statewright.store import TaskRecord, TimerRecord, Transaction

from .runs import Run, finished_record

# The wall-clock moment a timer due at `due` (step time, armed at `now`) fires: Clock.fire_at.
FireAt = Callable[[float, float], float]


def step_change(run: Run, event: StepInput, result: StepResult, tokens: dict[str, str], now: float,
                fire_at: FireAt) -> Callable[[Transaction], None]:
    """One step's share of a flush's atomic write; the flush adds the checkpoint. Takes the
    run's unstored definition and reopened row (they are written with this step, once)."""
    arn = run.arn
    reopened, run.reopened = run.reopened, None
    new_record, new_definition = (run.record, run.unstored_definition) if run.unstored_definition else (None, "")
    run.unstored_definition = None
    tasks: list[TaskRecord] = []
    timers: list[TimerRecord] = []
    dropped_tasks: list[str] = []
    dropped_timers: list[str] = []
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
            timers.append(TimerRecord(arn, command.timer_id, command.due, fire_at(command.due, now)))
        elif isinstance(command, CancelTimer):
            dropped_timers.append(command.timer_id)
        elif isinstance(command, CancelTask):
            dropped_tasks.append(command.task_id)
        elif isinstance(command, Finished):
            finished = command
    record = finished_record(run.record, finished, now) if finished and run.record else None
    events = result.events
    # An execution that ends in its first step is stored ended: one row written, not two.
    first_row = record if record is not None else new_record

    def apply(tx: Transaction) -> None:
        if new_record is not None and first_row is not None:
            tx.put_definition(new_record.definition_hash, new_definition)
            tx.insert_execution(first_row)
        if reopened is not None:
            tx.update_execution(reopened)
        tx.append_events(arn, events)
        if record is not None:
            # It ended: nothing of it stays pending, whatever this step started or dropped (a new
            # execution has no rows but this step's, so there is nothing to clear).
            if new_record is None:
                tx.clear_pending(arn)
                tx.update_execution(record)
            return
        for task_id in dropped_tasks:
            tx.delete_task(arn, task_id)
        for timer_id in dropped_timers:
            tx.delete_timer(arn, timer_id)
        for task in tasks:
            tx.put_task(task)
        for timer in timers:
            tx.put_timer(timer)

    return apply
