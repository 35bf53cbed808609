"""State machine versions: publish, list, delete (describe goes through DescribeStateMachine)."""

from __future__ import annotations

import dataclasses
from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Transaction

from .arns import is_version_qualifier, parse
from .context import ActionContext
from .errors import state_machine_missing
from .validation import paginate, required_str, string

MAX_VERSIONS = 1000
_COPIED = ("definition", "roleArn", "type", "loggingConfiguration", "tracingConfiguration",
           "encryptionConfiguration", "revisionId")


def publish_in(tx: Transaction, ctx: ActionContext, machine: Resource,
               description: str | None) -> Resource:
    """Publish the machine's current revision inside `tx` (or answer the version that already
    holds it). `machine` must have been read in `tx`, so no other write comes between."""
    existing = tx.list_resources("version", machine.arn)
    for version in existing:
        if version.body["revisionId"] == machine.body["revisionId"]:
            return version
    if len(existing) >= MAX_VERSIONS:
        raise AwsError("ServiceQuotaExceededException",
                       f"The state machine '{machine.arn}' already has {MAX_VERSIONS} versions")
    number = int(machine.body.get("nextVersion", 1))
    body = {key: machine.body.get(key) for key in _COPIED}
    body["description"] = description
    version = Resource(arn=ctx.arns.version(machine.arn, number), kind="version", name=str(number),
                       created=ctx.now(), parent=machine.arn, body=body)
    tx.replace_resource(dataclasses.replace(machine, body={**machine.body, "nextVersion": number + 1}),
                        expect_revision=machine.revision)
    return tx.insert_resource(version)


def machine_in(tx: Transaction, arn: str) -> Resource:
    """The state machine at `arn` as `tx` sees it, or StateMachineDoesNotExist."""
    found = tx.get_resource(arn)
    if found is None or found.kind != "stateMachine":
        raise state_machine_missing(arn)
    return found


def publish_state_machine_version(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    ctx.machine(arn)
    revision = string(request, "revisionId")
    description = string(request, "description", 256)

    def change(tx: Transaction) -> Resource:
        machine = machine_in(tx, arn)
        if revision is not None and revision != machine.body["revisionId"]:
            raise AwsError("ConflictException",
                           f"Failed to publish the State Machine version for revision {revision}. "
                           f"The current State Machine revision is {machine.body['revisionId']}.")
        return publish_in(tx, ctx, machine, description)

    version = ctx.store.write(change).result()
    return {"stateMachineVersionArn": version.arn, "creationDate": version.created}


def list_state_machine_versions(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    ctx.machine(arn)
    found = sorted(ctx.store.list_resources("version", arn), key=lambda v: -int(v.name))
    items = [{"stateMachineVersionArn": v.arn, "creationDate": v.created} for v in found]
    return paginate(request, f"ListStateMachineVersions:{arn}", items, "stateMachineVersions")


def delete_state_machine_version(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineVersionArn")
    parsed = parse(arn, "stateMachine")
    if not is_version_qualifier(parsed.qualifier):
        raise validation_error("stateMachineVersionArn", arn, "Member must be a state machine version ARN")
    machine_arn = arn.rsplit(":", 1)[0]

    def delete(tx: Transaction) -> None:  # one transaction: no alias can start using it meanwhile
        using = [alias.name for alias in tx.list_resources("alias", machine_arn)
                 if any(route["stateMachineVersionArn"] == arn for route in alias.body["routingConfiguration"])]
        if using:
            raise AwsError("ConflictException",
                           f"Version to be deleted must not be referenced by an alias. "
                           f"Current list of aliases referencing this version: [{', '.join(using)}]")
        tx.delete_resource(arn)

    ctx.store.write(delete).result()
    return {}


ACTIONS = {
    "PublishStateMachineVersion": publish_state_machine_version,
    "ListStateMachineVersions": list_state_machine_versions,
    "DeleteStateMachineVersion": delete_state_machine_version,
}
