"""Executions that other executions start (`arn:aws:states:::states:startExecution`): the same
checks and ARNs as StartExecution, and a callback when the child ends, so a `.sync` parent waits
without holding a thread (the integration lives in statewright/integrations/stepfunctions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statewright.engine import RunOutcome
from statewright.services.common import AwsError
from statewright.store import AlreadyExists

from .context import ActionContext
from .executions import start_spec, stored_execution


@dataclass(frozen=True)
class ChildStarted:
    """A started (or, for the same name and input, an existing) child execution."""

    execution_arn: str
    state_machine_arn: str
    name: str
    input_text: str
    start_date: float


def start_child(ctx: ActionContext, request: dict[str, Any],
                on_end: Callable[[ChildStarted, RunOutcome], None] | None) -> ChildStarted:
    """StartExecution for a Task state. `request` has StartExecution's members as the task sends
    them (`StateMachineArn`, `Input` as JSON text, `Name`). A child with the same name and input
    already started is the answer (a task dispatched again after a restart finds its child).
    `on_end(started, outcome)` is called on the engine's loop when the child ends."""
    spec = start_spec(ctx, {"stateMachineArn": request.get("StateMachineArn"), "input": request.get("Input"),
                            "name": request.get("Name")}, express_arn=False)
    started = ChildStarted(spec.arn, spec.version_arn or spec.state_machine_arn, spec.name, spec.input_text,
                           ctx.now())
    # The child may end before this function returns: the callback gets what it needs with it.
    ended = (lambda outcome: on_end(started, outcome)) if on_end is not None else None
    try:
        record = ctx.engine.start_execution(spec, on_end=ended).result()
    except AlreadyExists:
        existing = stored_execution(ctx, spec.arn)  # a racing dispatch may still be storing it
        if existing is None or existing.body["input"] != spec.input_text:
            raise AwsError("ExecutionAlreadyExists", f"Execution Already Exists: '{spec.arn}'") from None
        if ended is not None:
            ctx.engine.watch(spec.arn, ended)
        return ChildStarted(spec.arn, started.state_machine_arn, spec.name, spec.input_text, existing.start_date)
    if record is not None:
        return ChildStarted(spec.arn, started.state_machine_arn, spec.name, spec.input_text, record.start_date)
    return started
