"""What every Step Functions action receives: the store, the engine, the request's ARNs, the
clock and the sources of ids and randomness — not the service object (so actions and the
service never import each other, and tests can fix time, ids and random choices)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statewright.asl.types import Diagnostic
from statewright.asl.validate import format_invalid_definition, validate
from statewright.engine import Engine
from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Store

from .arns import Arns, is_version_qualifier, parse, unqualified
from .errors import invalid_arn, state_machine_missing
from .validation import MAX_DEFINITION, required_str

_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


@dataclass(frozen=True)
class ActionContext:
    """One request's view of the service: its region's ARNs and the shared parts."""

    store: Store
    engine: Engine
    arns: Arns
    now: Callable[[], float]
    random: random.Random
    new_id: Callable[[], str]
    activity_poll_seconds: float = 60.0

    # --- lookups shared by the actions ----------------------------------------------------------

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

    def listed(self, kind: str, parent: str | None = None) -> list[Resource]:
        """The resources of `kind` in this request's account and region."""
        return [found for found in self.store.list_resources(kind, parent) if self.arns.owns(found.arn)]

    def check_definition(self, request: dict[str, Any], field: str = "definition") -> str:
        """The request's definition text, or InvalidDefinition with AWS's wording."""
        text = required_str(request, field, MAX_DEFINITION)
        problems = [d for d in self.validate(text) if d.severity == "ERROR"]
        if problems:
            raise AwsError("InvalidDefinition", format_invalid_definition(problems))
        return text

    def validate(self, text: str) -> list[Diagnostic]:
        """asl's validation (safe on any thread: asl/jsonata.py keeps jsonatapy's thread rule)."""
        return validate(text)

    @staticmethod
    def check_role(request: dict[str, Any], required: bool = True) -> str | None:
        role = required_str(request, "roleArn") if required else request.get("roleArn")
        if role is None:
            return None
        if not isinstance(role, str) or not _ROLE_ARN.match(role):
            raise invalid_arn(role)
        return role
