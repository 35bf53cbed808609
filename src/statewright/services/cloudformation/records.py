"""How a stack is kept in the store: one `stack` record (its ARN is the stack id) and one
`stackResource` record per resource, children of the stack. The runtime writes them when it
applies a template (`save_stack`); the CloudFormation API reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from statewright.store import Resource, Store, Transaction

STACK = "stack"
STACK_RESOURCE = "stackResource"


@dataclass(frozen=True)
class ResourceState:
    """One resource of a stack as the runtime left it. `fingerprint` tells a changed resource
    (UPDATE_COMPLETE) from an unchanged one (its status kept); `reason` is set for resources
    that are not emulated."""

    logical_id: str
    type: str
    physical_id: str
    fingerprint: str
    reason: str | None = None
    emulated: bool = True


@dataclass(frozen=True)
class StackState:
    """A stack as loaded from its template. `parameters` and `outputs` are in DescribeStacks'
    shape (NoEcho values already masked)."""

    stack_id: str
    name: str
    description: str | None
    parameters: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    template_body: str
    processed_template: dict[str, Any]
    fingerprint: str
    resources: tuple[ResourceState, ...] = ()
    template_path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def resource_arn(stack_id: str, logical_id: str) -> str:
    """The store key of a stack's resource (not an AWS ARN: CloudFormation gives resources none)."""
    return f"{stack_id}/resource/{logical_id}"


def stack_resources(store: Store, stack_id: str) -> list[Resource]:
    """The resources a previous run of the stack recorded (empty for a new stack)."""
    return store.list_resources(STACK_RESOURCE, stack_id)


def save_stack(store: Store, state: StackState, now: float) -> str:
    """Record the stack and its resources in one transaction, dropping the records of resources
    it no longer has; answers the stack's status (CREATE_COMPLETE for a new stack,
    UPDATE_COMPLETE when its template, parameters or resources changed, else the status it had)."""

    def save(tx: Transaction) -> str:
        previous = tx.get_resource(state.stack_id)
        body = {"description": state.description, "parameters": state.parameters, "outputs": state.outputs,
                "templateBody": state.template_body, "processedTemplate": state.processed_template,
                "fingerprint": state.fingerprint, "templatePath": state.template_path, **state.extra}
        if previous is None:
            body.update(status="CREATE_COMPLETE")
            tx.insert_resource(Resource(arn=state.stack_id, kind=STACK, name=state.name, created=now, body=body))
        else:
            changed = previous.body.get("fingerprint") != state.fingerprint
            body["status"] = "UPDATE_COMPLETE" if changed else previous.body.get("status", "CREATE_COMPLETE")
            last = now if changed else previous.body.get("lastUpdated")
            if last is not None:
                body["lastUpdated"] = last
            tx.put_resource(Resource(arn=state.stack_id, kind=STACK, name=state.name, created=previous.created,
                                     body=body))
        _save_resources(tx, state, now)
        return str(body["status"])

    return str(store.write(save).result())


def _save_resources(tx: Transaction, state: StackState, now: float) -> None:
    kept = set()
    for resource in state.resources:
        arn = resource_arn(state.stack_id, resource.logical_id)
        kept.add(arn)
        old = tx.get_resource(arn)
        body: dict[str, Any] = {"type": resource.type, "physicalId": resource.physical_id,
                                "fingerprint": resource.fingerprint, "emulated": resource.emulated}
        if resource.reason:
            body["reason"] = resource.reason
        if old is None:
            body.update(status="CREATE_COMPLETE", updated=now)
            created = now
        elif old.body.get("fingerprint") != resource.fingerprint or old.body.get("type") != resource.type:
            body.update(status="UPDATE_COMPLETE", updated=now)
            created = old.created
        else:
            body.update(status=old.body.get("status", "CREATE_COMPLETE"), updated=old.body.get("updated", now))
            created = old.created
        tx.put_resource(Resource(arn=arn, kind=STACK_RESOURCE, name=resource.logical_id, created=created,
                                 parent=state.stack_id, body=body))
    for old in tx.list_resources(STACK_RESOURCE, state.stack_id):
        if old.arn not in kept:
            tx.delete_resource(old.arn)
