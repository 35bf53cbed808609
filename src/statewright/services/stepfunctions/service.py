"""The Step Functions service: routes an operation to its action with a per-request context."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from statewright.asl.limits import TooDeep
from statewright.engine import Engine, RunOutcome
from statewright.services.common import AwsError, RequestContext, validation_error
from statewright.services.common.shapes import ShapeChecker
from statewright.store import InvalidText, Store

from . import activities, aliases, declared, executions, machines, mapruns, tags, versions
from .arns import Arns
from .children import ChildStarted, start_child
from .context import ActionContext
from .errors import invalid_arn

Action = Callable[[ActionContext, dict[str, Any]], dict[str, Any]]

ACTIONS: dict[str, Action] = {
    **machines.ACTIONS, **versions.ACTIONS, **aliases.ACTIONS, **executions.ACTIONS,
    **activities.ACTIONS, **tags.ACTIONS, **mapruns.ACTIONS,
}
_STATES_ARN = re.compile(r"^arn:[^:]*:states:")
# Actions that may block a thread for a long time (long polls, synchronous executions).
LONG_ACTIONS = frozenset({"GetActivityTask", "StartSyncExecution"})
# Actions that take X-Ray's X-Amzn-Trace-Id header as their traceHeader (at most 256 characters).
TRACED_ACTIONS = frozenset({"StartExecution", "StartSyncExecution"})
MAX_TRACE_HEADER = 256


class StepFunctionsService:
    """AWS Step Functions' API over a store and an engine, for every account and region: each
    request's ARNs come from its context (the region of its SigV4 credential scope)."""

    name = "stepfunctions"

    def __init__(self, store: Store, engine: Engine, *, now: Callable[[], float],
                 choices: random.Random | None = None, new_id: Callable[[], str] | None = None,
                 activity_poll_seconds: float = 60.0) -> None:
        self.store = store
        self.engine = engine
        self.now = now
        self.random = choices or random.Random()
        self.new_id = new_id or _uuid4
        # AWS holds a GetActivityTask call open for up to 60 seconds.
        self.activity_poll_seconds = activity_poll_seconds
        # Every request is checked against botocore's model before its action runs (and stores).
        self.shapes = ShapeChecker("stepfunctions")

    def context(self, request: RequestContext) -> ActionContext:
        arns = Arns(account=request.account, region=request.region, partition=request.partition)
        return ActionContext(store=self.store, engine=self.engine, arns=arns, now=self.now,
                             random=self.random, new_id=self.new_id,
                             activity_poll_seconds=self.activity_poll_seconds)

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        action = ACTIONS.get(operation)
        if action is None:
            raise AwsError("UnknownOperationException",
                           f"Statewright does not implement the Step Functions action '{operation}'")
        trace = context.extra.get("traceHeader")
        if operation in TRACED_ACTIONS and isinstance(trace, str) and 0 < len(trace) <= MAX_TRACE_HEADER:
            input = {**input, "traceHeader": trace}
        self.shapes.check(operation, input)
        ctx = self.context(context)
        _refuse_foreign_arns(ctx.arns, input)
        try:
            return action(ctx, input)
        except (RecursionError, TooDeep):  # a JSON text field nested deeper than the engine can walk
            raise AwsError("ValidationException", "The request holds JSON nested too deeply") from None
        except InvalidText as error:  # the store cannot hold it (a lone surrogate): the caller's fault
            shown = error.value.encode("utf-8", "backslashreplace").decode("utf-8")
            raise validation_error(error.field, shown, "Member must not contain unpaired surrogates") from None

    def start_child(self, request: dict[str, Any], context: RequestContext,
                    on_end: Callable[[ChildStarted, RunOutcome], None] | None) -> ChildStarted:
        """Start an execution for another execution's Task state (see children.py)."""
        return start_child(self.context(context), request, on_end)

    def stop_child(self, execution_arn: str, error: str | None, cause: str | None) -> None:
        """Ask a child to stop, without waiting (called from the engine's loop)."""
        self.engine.stop_execution(execution_arn, error, cause)

    def put_state_machine(self, context: RequestContext, *, name: str, definition: str, role_arn: str,
                          machine_type: str = "STANDARD", logging: dict[str, Any] | None = None,
                          tracing: dict[str, Any] | None = None,
                          tags: dict[str, str] | None = None) -> tuple[str, str]:
        """Create or update a template's state machine in place (see declared.py): (ARN, what happened)."""
        return declared.put_state_machine(self.context(context), name=name, definition=definition,
                                          role_arn=role_arn, machine_type=machine_type, logging=logging,
                                          tracing=tracing, tags=tags)

    def remove_state_machine(self, context: RequestContext, arn: str) -> bool:
        """Delete a state machine the template no longer declares; True when it existed."""
        return declared.remove_state_machine(self.context(context), arn)

    def is_long(self, operation: str) -> bool:
        return operation in LONG_ACTIONS

    def close(self) -> None:
        """Nothing to release: the store and the engine belong to the runtime."""


def _refuse_foreign_arns(arns: Arns, request: dict[str, Any]) -> None:
    """A request reaches only resources of its own partition, region and account: an ARN of
    another is InvalidArn (without this, DeleteStateMachine in one region deleted a state
    machine of another)."""
    named = [value for key, value in request.items() if key.endswith("Arn") and key != "roleArn"]
    named += [route.get("stateMachineVersionArn") for route in request.get("routingConfiguration") or []
              if isinstance(route, dict)]
    for value in named:
        if isinstance(value, str) and _STATES_ARN.match(value) and not arns.owns(value):
            raise invalid_arn(value, "The ARN's partition, region and account must be those of the request")


def _uuid4() -> str:
    import uuid

    return str(uuid.uuid4())
