"""The Step Functions service: routes an action name to its handler and holds what they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from statewright.asl.types import Diagnostic
from statewright.asl.validate import format_invalid_definition, validate
from statewright.engine import Engine
from statewright.store import Resource, Store

from . import activities, aliases, executions, machines, tags, versions
from .arns import Arns, is_version_qualifier, parse, unqualified
from .errors import ApiError, invalid_arn, state_machine_missing, validation_error
from .validation import MAX_DEFINITION, required_str

Handler = Callable[["StepFunctionsService", dict[str, Any]], dict[str, Any]]

_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")

ACTIONS: dict[str, Handler] = {
    **machines.ACTIONS, **versions.ACTIONS, **aliases.ACTIONS, **executions.ACTIONS,
    **activities.ACTIONS, **tags.ACTIONS,
}
# Actions that may block a thread for a long time (long polls, synchronous executions).
LONG_ACTIONS = frozenset({"GetActivityTask", "StartSyncExecution"})


class StepFunctionsService:
    """AWS Step Functions' API over a store and an engine, for one account and region."""

    target_prefix = "AWSStepFunctions"

    def __init__(self, store: Store, engine: Engine, arns: Arns | None = None,
                 activity_poll_seconds: float = 60.0) -> None:
        self.store = store
        self.engine = engine
        self.arns = arns or Arns()
        # AWS holds a GetActivityTask call open for up to 60 seconds.
        self.activity_poll_seconds = activity_poll_seconds

    def handle(self, action: str, request: dict[str, Any]) -> dict[str, Any]:
        handler = ACTIONS.get(action)
        if handler is None:
            raise ApiError("UnknownOperationException",
                           f"Statewright does not implement the Step Functions action '{action}'")
        return handler(self, request)

    def is_long(self, action: str) -> bool:
        return action in LONG_ACTIONS

    # --- lookups shared by the handlers --------------------------------------------------------

    def machine(self, arn: str) -> Resource:
        """The state machine at an unqualified ARN, or StateMachineDoesNotExist."""
        found = self.store.get_resource(arn)
        if found is None or found.kind != "stateMachine":
            raise state_machine_missing(arn)
        return found

    def machine_or_qualified(self, arn: object, field: str = "stateMachineArn") -> Resource:
        """A state machine, a version or an alias, from any of their ARNs."""
        if arn is None:
            raise validation_error(field, None, "Member must not be null")
        parsed = parse(arn, "stateMachine")
        text = str(arn)
        if not parsed.qualifier:
            return self.machine(text)
        found = self.store.get_resource(text)
        kind = "version" if is_version_qualifier(parsed.qualifier) else "alias"
        if found is None or found.kind != kind:
            raise state_machine_missing(text)
        return found

    def machine_of(self, resource: Resource) -> Resource:
        return resource if resource.kind == "stateMachine" else self.machine(unqualified(resource.arn))

    def check_definition(self, request: dict[str, Any], field: str = "definition") -> str:
        """The request's definition text, or InvalidDefinition with AWS's wording."""
        text = required_str(request, field, MAX_DEFINITION)
        problems = [d for d in self.validate(text) if d.severity == "ERROR"]
        if problems:
            raise ApiError("InvalidDefinition", format_invalid_definition(problems))
        return text

    def validate(self, text: str) -> list[Diagnostic]:
        """asl's validation (any thread may run it: asl.jsonata keeps jsonatapy's thread rule)."""
        return validate(text)

    @staticmethod
    def check_role(request: dict[str, Any], required: bool = True) -> str | None:
        role = required_str(request, "roleArn") if required else request.get("roleArn")
        if role is None:
            return None
        if not isinstance(role, str) or not _ROLE_ARN.match(role):
            raise invalid_arn(role)
        return role
