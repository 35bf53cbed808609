"""State machines declared by a template: created or updated in place, and removed when the
template stops declaring them. This is the runtime's Python API (not an AWS action): it never
publishes a version and keeps the machine's executions, versions and aliases across updates,
as a CloudFormation stack update of `AWS::StepFunctions::StateMachine` does."""

from __future__ import annotations

import dataclasses
from typing import Any

from statewright.store import Resource, Transaction

from . import machines
from .context import ActionContext
from .validation import name as checked_name
from .validation import one_of

_COMPARED = ("definition", "roleArn", "type", "loggingConfiguration", "tracingConfiguration")


def put_state_machine(ctx: ActionContext, *, name: str, definition: str, role_arn: str,
                      machine_type: str = "STANDARD", logging: dict[str, Any] | None = None,
                      tracing: dict[str, Any] | None = None,
                      tags: dict[str, str] | None = None) -> tuple[str, str]:
    """Create the state machine `name` or bring it to these settings; answers its ARN and what
    happened: "created", "updated" or "unchanged". Invalid input raises the `AwsError` that
    CreateStateMachine would (InvalidDefinition, InvalidArn, InvalidLoggingConfiguration).

    `logging` and `tracing` are in the API's shape (`level`, `includeExecutionData`, `destinations`).
    A type change is applied in place (CloudFormation would replace the machine; locally its
    executions are kept)."""
    request = {"name": name, "definition": definition, "roleArn": role_arn, "type": machine_type,
               "loggingConfiguration": logging, "tracingConfiguration": tracing}
    checked_name(request)
    checked = ctx.check_definition(request)
    role = ctx.check_role(request)
    wanted: dict[str, Any] = {"definition": checked, "roleArn": role, "type": one_of(request, "type", machines.TYPES),
              "loggingConfiguration": machines._logging(request, machines.DEFAULT_LOGGING),
              "tracingConfiguration": machines._tracing(request, machines.DEFAULT_TRACING)}
    arn = ctx.arns.state_machine(name)
    now = ctx.now()

    def put(tx: Transaction) -> str:
        current = tx.get_resource(arn)
        if current is None:
            body = {**wanted, "encryptionConfiguration": machines.DEFAULT_ENCRYPTION,
                    "revisionId": ctx.new_id().replace("-", ""), "nextVersion": 1}
            tx.insert_resource(Resource(arn=arn, kind="stateMachine", name=name, created=now, body=body))
            tx.set_tags(arn, dict(tags or {}))
            return "created"
        if all(current.body.get(key) == wanted[key] for key in _COMPARED):
            return "unchanged"
        body = {**current.body, **wanted, "updateDate": now, "revisionId": ctx.new_id().replace("-", "")}
        tx.replace_resource(dataclasses.replace(current, body=body), expect_revision=current.revision)
        return "updated"

    return arn, ctx.store.write(put).result()


def remove_state_machine(ctx: ActionContext, arn: str) -> bool:
    """Delete a state machine with its versions and aliases (as DeleteStateMachine does);
    True when it existed. Its executions stay readable, as on AWS."""

    def remove(tx: Transaction) -> bool:
        for kind in ("version", "alias"):
            for child in tx.list_resources(kind, arn):
                tx.delete_resource(child.arn)
        return tx.delete_resource(arn)

    return bool(ctx.store.write(remove).result())


def api_logging(template_value: Any) -> dict[str, Any] | None:
    """A template's `LoggingConfiguration` (CloudFormation's capitalised keys) in the API's shape."""
    if not isinstance(template_value, dict):
        return None
    destinations = []
    for entry in template_value.get("Destinations") or []:
        group = (entry or {}).get("CloudWatchLogsLogGroup") or {}
        destinations.append({"cloudWatchLogsLogGroup": {"logGroupArn": group.get("LogGroupArn")}})
    shaped: dict[str, Any] = {"level": template_value.get("Level", "OFF"),
                              "includeExecutionData": _flag(template_value.get("IncludeExecutionData"))}
    if destinations:
        shaped["destinations"] = destinations
    return shaped


def api_tracing(template_value: Any) -> dict[str, Any] | None:
    """A template's `TracingConfiguration` in the API's shape."""
    if not isinstance(template_value, dict):
        return None
    return {"enabled": _flag(template_value.get("Enabled"))}


def _flag(value: Any) -> bool:
    # A template boolean may arrive as text ("true") after parameter substitution.
    return value.lower() == "true" if isinstance(value, str) else bool(value)
