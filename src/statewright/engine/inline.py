"""New executions stepped on the thread that asks for them, up to their first durable point.

A StartSyncExecution of a short workflow (Pass and Choice states, intrinsics, no Task, no
Wait) is a few microseconds of stepping; handing it to the engine's loop thread and back cost
more than that (two thread wake-ups, docs/performance.md). Such an execution touches nothing
the loop owns: nothing is stored, no task or timer is armed, nobody else can address it (its
ARN is new). So the caller steps it once with a small budget; when that step ends it, its
outcome is the answer. Otherwise the step is dropped (the core is pure, so nothing happened)
and the execution goes to the loop as before, which runs it from the start.

A new Standard execution's first step is taken on the caller's thread too (`step_new_standard`):
the step is pure, and its change (the execution's row, its events, its checkpoint) goes straight
to the store's writer, whose commit answers StartExecution. Only then does the engine's loop
adopt the run (when it has anything left to do: tasks, timers, more states), exactly as if it
had taken that step itself; one that ended in its first step never reaches the loop. That saves
the two thread crossings (caller → loop, loop → caller) that cost more than the step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from statewright.asl.history import dumps
from statewright.asl.step import Execution, step
from statewright.asl.types import (
    CancelTimer,
    Command,
    ExecutionStart,
    Finished,
    RunTask,
    StartTimer,
    StepResult,
)
from statewright.store import ExecutionRecord, Transaction

from .changes import FireAt, step_change
from .definitions import DefinitionCache
from .runs import Run, RunOutcome, StartSpec

# States one inline step may run: bounds what the caller's thread (the edge's event loop) spends
# on an execution that then goes to the loop anyway.
INLINE_BUDGET = 64
# The same for a new Standard execution's first step, smaller: with history each state also
# encodes its payload (up to 256 KiB) for its events, and the caller's thread is the edge's event
# loop. Running out costs little: the step is stored and adopted, and the loop goes on from there.
STANDARD_INLINE_BUDGET = 16


def run_inline(definitions: DefinitionCache, definition_text: str, start: Callable[[], ExecutionStart],
               now: float) -> RunOutcome | None:
    """The outcome of an Express execution that ends within INLINE_BUDGET states and does
    nothing but step (no task, timer or other command), or None: then the loop must run it."""
    try:
        definition = definitions.parse(definition_text, None)
        result = step(definition, Execution(), start(), now, record=False, budget=INLINE_BUDGET)
    except Exception:  # noqa: BLE001 - the loop runs it again and reports the failure as AWS would
        return None
    finished = _only_finished(result.commands)
    if finished is None:
        return None
    return RunOutcome(status=finished.status,
                      output=dumps(finished.output) if finished.status == "SUCCEEDED" else None,
                      error=finished.error, cause=finished.cause, start_date=now, stop_date=now)


def _only_finished(commands: list[Command]) -> Finished | None:
    """The Finished command of a step that ended its execution and left nothing for the loop to
    do: timers it started it also cancelled (an Express execution's five-minute limit is a timer)."""
    if not commands or not isinstance(commands[-1], Finished):
        return None
    started: set[str] = set()
    for command in commands[:-1]:
        if isinstance(command, StartTimer):
            started.add(command.timer_id)
        elif isinstance(command, CancelTimer):
            started.discard(command.timer_id)
        else:
            return None
    return None if started else commands[-1]


@dataclass
class SteppedStart:
    """A new Standard execution after its first step, taken off the loop: the run to hand the
    loop, that step's result and task tokens, and the change that makes it durable."""

    run: Run
    result: StepResult
    tokens: dict[str, str]
    change: Callable[[Transaction], None]
    ended: bool  # it ended in that step, leaving nothing for the loop to do


def step_new_standard(definitions: DefinitionCache, spec: StartSpec, record: ExecutionRecord,
                      start: Callable[[], ExecutionStart], now: float, fire_at: FireAt) -> SteppedStart | None:
    """Take a new Standard execution's first step (at most STANDARD_INLINE_BUDGET states, history kept),
    or None when that failed: the loop then begins it and reports the failure as AWS would."""
    try:
        definition = definitions.parse(spec.definition_text, record.definition_hash)
        execution = Execution()
        event = start()
        result = step(definition, execution, event, now, record=True, budget=STANDARD_INLINE_BUDGET,
                      quota=True)
        # A checkpoint is read to resume, to redrive (never a SUCCEEDED execution) and to describe
        # Map Runs: one that succeeded in this step without any needs none.
        needs_checkpoint = execution.status != "SUCCEEDED" or bool(execution.map_runs)
        state_json = execution.to_json() if needs_checkpoint else ""
    except Exception:  # noqa: BLE001 - see the docstring
        return None
    run = Run(arn=spec.arn, definition=definition, execution=execution, start_date=now, record=record,
              unstored_definition=spec.definition_text, checkpoint=1)
    tokens = {command.task_id: command.token or str(uuid.uuid4())
              for command in result.commands if isinstance(command, RunTask)}
    apply = step_change(run, event, result, tokens, now, fire_at)
    arn = spec.arn

    def change(tx: Transaction) -> None:
        apply(tx)
        if needs_checkpoint:
            tx.put_checkpoint(arn, 1, state_json)

    return SteppedStart(run, result, tokens, change, _only_finished(result.commands) is not None)
