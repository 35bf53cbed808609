"""Express executions that end within a few states, run on the thread that asks for them.

A StartSyncExecution of a short workflow (Pass and Choice states, intrinsics, no Task, no
Wait) is a few microseconds of stepping; handing it to the engine's loop thread and back cost
more than that (two thread wake-ups, docs/performance.md). Such an execution touches nothing
the loop owns: nothing is stored, no task or timer is armed, nobody else can address it (its
ARN is new). So the caller steps it once with a small budget; when that step ends it, its
outcome is the answer. Otherwise the step is dropped (the core is pure, so nothing happened)
and the execution goes to the loop as before, which runs it from the start.
"""

from __future__ import annotations

from collections.abc import Callable

from statewright.asl.history import dumps
from statewright.asl.step import Execution, step
from statewright.asl.types import CancelTimer, Command, ExecutionStart, Finished, StartTimer

from .definitions import DefinitionCache
from .runs import RunOutcome

# States one inline step may run: bounds what the caller's thread (the edge's event loop) spends
# on an execution that then goes to the loop anyway.
INLINE_BUDGET = 64


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
