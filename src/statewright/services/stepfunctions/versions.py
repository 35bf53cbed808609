"""State machine versions: publish, list, delete (describe goes through DescribeStateMachine)."""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Transaction

from .arns import is_version_qualifier, parse
from .context import ActionContext
from .validation import paginate, required_str, string

MAX_VERSIONS = 1000
_COPIED = ("definition", "roleArn", "type", "loggingConfiguration", "tracingConfiguration",
           "encryptionConfiguration", "revisionId")


def publish(ctx: ActionContext, machine: Resource, description: str | None) -> dict[str, Any]:
    """Publish the machine's current revision (or answer the version that already holds it)."""
    for version in ctx.store.list_resources("version", machine.arn):
        if version.body["revisionId"] == machine.body["revisionId"]:
            return {"stateMachineVersionArn": version.arn, "creationDate": version.created}
    existing = ctx.store.list_resources("version", machine.arn)
    if len(existing) >= MAX_VERSIONS:
        raise AwsError("ServiceQuotaExceededException",
                       f"The state machine '{machine.arn}' already has {MAX_VERSIONS} versions")
    number = int(machine.body.get("nextVersion", 1))
    body = {key: machine.body.get(key) for key in _COPIED}
    body["description"] = description
    version = Resource(arn=ctx.arns.version(machine.arn, number), kind="version", name=str(number),
                       created=ctx.now(), parent=machine.arn, body=body)
    advanced = Resource(arn=machine.arn, kind=machine.kind, name=machine.name, created=machine.created,
                        body={**machine.body, "nextVersion": number + 1})

    def store(tx: Transaction) -> None:
        tx.insert_resource(version)
        tx.put_resource(advanced)

    ctx.store.write(store).result()
    return {"stateMachineVersionArn": version.arn, "creationDate": version.created}


def publish_state_machine_version(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    machine = ctx.machine(arn)
    revision = string(request, "revisionId")
    if revision is not None and revision != machine.body["revisionId"]:
        raise AwsError("ConflictException",
                       f"Failed to publish the State Machine version for revision {revision}. "
                       f"The current State Machine revision is {machine.body['revisionId']}.")
    return publish(ctx, machine, string(request, "description", 256))


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
    for alias in ctx.store.list_resources("alias", machine_arn):
        if any(route["stateMachineVersionArn"] == arn for route in alias.body["routingConfiguration"]):
            raise AwsError("ConflictException",
                           f"Version to be deleted must not be referenced by an alias. "
                           f"Current list of aliases referencing this version: [{alias.arn}]")
    ctx.store.write(lambda tx: tx.delete_resource(arn)).result()
    return {}


ACTIONS = {
    "PublishStateMachineVersion": publish_state_machine_version,
    "ListStateMachineVersions": list_state_machine_versions,
    "DeleteStateMachineVersion": delete_state_machine_version,
}
