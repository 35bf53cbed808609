"""The Step Functions service: routes an operation to its action with a per-request context."""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from statewright.asl.limits import TooDeep
from statewright.engine import Engine, RunOutcome
from statewright.services.common import AwsError, RequestContext, validation_error
from statewright.services.common.ids import RandomIds
from statewright.services.common.shapes import ShapeChecker
from statewright.store import InvalidText, Store

from . import activities, aliases, declared, executions, machines, mapchildren, mapruns, tags, versions
from .arns import Arns
from .children import ChildStarted, start_child
from .context import ActionContext
from .errors import invalid_arn
from .testcases import split_test_case

Action = Callable[[ActionContext, dict[str, Any]], dict[str, Any]]

ACTIONS: dict[str, Action] = {
    **machines.ACTIONS, **versions.ACTIONS, **aliases.ACTIONS, **executions.ACTIONS,
    **activities.ACTIONS, **tags.ACTIONS, **mapruns.ACTIONS,
}
LoopAction = Callable[[ActionContext, dict[str, Any]], Awaitable[dict[str, Any]]]
# Actions answered on the event loop (see answers_on_loop): each is one store read or one
# engine call whose future the loop awaits, so a worker thread would only add hand-offs.
LOOP_ACTIONS: dict[str, LoopAction] = {
    "StartExecution": executions.start_execution_async,
    "StartSyncExecution": executions.start_sync_execution_async,
    "DescribeExecution": executions.describe_execution_async,
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
        self.new_id = new_id or RandomIds()
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
        with _request_errors():
            ctx, input = self._checked(operation, input, context)
            return action(ctx, input)

    def answers_on_loop(self, operation: str, input: dict[str, Any]) -> bool:
        """Whether this request may be answered on the event loop (see LoopService): the
        operations in LOOP_ACTIONS, except a start of a mocked test case (`…#Case`), which
        stores its binding and waits for the commit, and a Map child's description."""
        if operation not in LOOP_ACTIONS:
            return False
        if operation == "DescribeExecution":
            arn = input.get("executionArn")
            return not (isinstance(arn, str) and mapchildren.is_child(arn))
        return split_test_case(input.get("stateMachineArn"))[1] is None

    async def handle_async(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        """`handle` for the operations of LOOP_ACTIONS, on the event loop: the same checks, the
        same answers and errors; the engine's work is awaited instead of blocking a thread."""
        with _request_errors():
            ctx, input = self._checked(operation, input, context)
            return await LOOP_ACTIONS[operation](ctx, input)

    def _checked(self, operation: str, input: dict[str, Any],
                 context: RequestContext) -> tuple[ActionContext, dict[str, Any]]:
        """The request's action context and input, once the input matches botocore's model and
        names only resources of the request's own account and region."""
        trace = context.extra.get("traceHeader")
        if operation in TRACED_ACTIONS and isinstance(trace, str) and 0 < len(trace) <= MAX_TRACE_HEADER:
            input = {**input, "traceHeader": trace}
        self.shapes.check(operation, input)
        ctx = self.context(context)
        _refuse_foreign_arns(ctx.arns, input)
        return ctx, input

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


@contextmanager
def _request_errors() -> Iterator[None]:
    """Errors an action raises for the request's content, as AWS answers them."""
    try:
        yield
    except (RecursionError, TooDeep):  # a JSON text field nested deeper than the engine can walk
        raise AwsError("ValidationException", "The request holds JSON nested too deeply") from None
    except InvalidText as error:  # the store cannot hold it (a lone surrogate): the caller's fault
        shown = error.value.encode("utf-8", "backslashreplace").decode("utf-8")
        raise validation_error(error.field, shown, "Member must not contain unpaired surrogates") from None


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

