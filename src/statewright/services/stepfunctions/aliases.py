"""State machine aliases: a name routing executions to one or two versions by weight."""

from __future__ import annotations

import dataclasses
from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Transaction

from .arns import is_version_qualifier, parse, unqualified
from .context import ActionContext
from .errors import resource_missing
from .validation import paginate, required_str, string


def _routing(ctx: ActionContext, request: dict[str, Any], machine_arn: str | None) -> list[dict[str, Any]]:
    """The routing configuration, checked as AWS checks it once the model's constraints (1–2
    items, weights 0–100, required members) have passed, with AWS's texts."""
    routes = request.get("routingConfiguration")
    if routes is None:
        raise validation_error("routingConfiguration", None, "Member must not be null")
    arns = [route["stateMachineVersionArn"] for route in routes]
    received = f"[{', '.join(arns)}]"
    if len(set(arns)) < len(arns):
        raise AwsError("ValidationException",
                       f"Routing configuration must contain distinct state machine version ARNs. Received: {received}")
    if not all(is_version_qualifier(parse(arn, "stateMachine").qualifier) for arn in arns):
        raise AwsError("ValidationException",
                       f"Routing configuration must contain state machine version ARNs. Received: {received}")
    weights = [route["weight"] for route in routes]
    if sum(weights) != 100:
        raise AwsError("ValidationException",
                       f"Sum of routing configuration weights must equal 100. Received: [{', '.join(map(str, weights))}]")
    owner = machine_arn or unqualified(arns[0])
    if any(unqualified(arn) != owner for arn in arns):
        raise AwsError("ValidationException",
                       f"Routing configuration must contain versions of the same state machine. Received: {received}")
    for arn in arns:
        found = ctx.store.get_resource(arn)
        if found is None or found.kind != "version":
            raise resource_missing(arn)
    return [{"stateMachineVersionArn": arn, "weight": weight} for arn, weight in zip(arns, weights, strict=True)]


def _alias(ctx: ActionContext, arn: str) -> Resource:
    parsed = parse(arn, "stateMachine")
    if not parsed.qualifier or is_version_qualifier(parsed.qualifier):
        raise validation_error("stateMachineAliasArn", arn, "Member must be a state machine alias ARN")
    found = ctx.store.get_resource(arn)
    if found is None or found.kind != "alias":
        raise resource_missing(arn)
    return found


def create_state_machine_alias(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    # The name's pattern and length are the model's (checked before any action runs).
    alias_name = required_str(request, "name")
    description = string(request, "description", 256)
    routes = _routing(ctx, request, None)
    machine_arn = unqualified(routes[0]["stateMachineVersionArn"])
    ctx.machine(machine_arn)
    arn = ctx.arns.alias(machine_arn, alias_name)
    now = ctx.now()
    alias = Resource(arn=arn, kind="alias", name=alias_name, created=now, parent=machine_arn,
                     body={"description": description, "routingConfiguration": routes, "updateDate": now})

    def create(tx: Transaction) -> Resource:
        existing = tx.get_resource(arn)
        if existing is None:
            _check_versions_in(tx, routes)
            return tx.insert_resource(alias)
        same = (existing.body["routingConfiguration"] == routes and existing.body["description"] == description)
        if existing.kind != "alias" or not same:
            raise AwsError("ConflictException", "Failed to create alias because an alias with the same name and a "
                                                "different routing configuration already exists.")
        return existing

    alias = ctx.store.write(create).result()
    return {"stateMachineAliasArn": arn, "creationDate": alias.created}


def _check_versions_in(tx: Transaction, routes: list[dict[str, Any]]) -> None:
    """The routed versions still exist, as `tx` sees them (a DeleteStateMachineVersion that came
    after the request was checked must not leave an alias routing to nothing)."""
    for route in routes:
        found = tx.get_resource(route["stateMachineVersionArn"])
        if found is None or found.kind != "version":
            raise resource_missing(route["stateMachineVersionArn"])


def describe_state_machine_alias(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(ctx, required_str(request, "stateMachineAliasArn"))
    answer = {"stateMachineAliasArn": alias.arn, "name": alias.name,
              "routingConfiguration": alias.body["routingConfiguration"], "creationDate": alias.created,
              "updateDate": alias.body["updateDate"]}
    if alias.body.get("description") is not None:
        answer["description"] = alias.body["description"]
    return answer


def update_state_machine_alias(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(ctx, required_str(request, "stateMachineAliasArn"))
    description = string(request, "description", 256)
    if description is None and request.get("routingConfiguration") is None:
        raise validation_error("routingConfiguration", None,
                               "Either the description or the routing configuration must be specified")
    routes = _routing(ctx, request, alias.parent) if request.get("routingConfiguration") is not None else None
    now = ctx.now()

    def update(tx: Transaction) -> None:  # read-modify-write in one transaction
        current = tx.get_resource(alias.arn)
        if current is None or current.kind != "alias":
            raise resource_missing(alias.arn)
        body = {**current.body, "updateDate": now}
        if description is not None:
            body["description"] = description
        if routes is not None:
            _check_versions_in(tx, routes)
            body["routingConfiguration"] = routes
        tx.replace_resource(dataclasses.replace(current, body=body), expect_revision=current.revision)

    ctx.store.write(update).result()
    return {"updateDate": now}


def delete_state_machine_alias(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(ctx, required_str(request, "stateMachineAliasArn"))
    ctx.store.write(lambda tx: tx.delete_resource(alias.arn)).result()
    return {}


def list_state_machine_aliases(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    ctx.machine(arn)
    items = [{"stateMachineAliasArn": a.arn, "creationDate": a.created}
             for a in ctx.store.list_resources("alias", arn)]
    return paginate(request, f"ListStateMachineAliases:{arn}", items, "stateMachineAliases")


ACTIONS = {
    "CreateStateMachineAlias": create_state_machine_alias,
    "DescribeStateMachineAlias": describe_state_machine_alias,
    "UpdateStateMachineAlias": update_state_machine_alias,
    "DeleteStateMachineAlias": delete_state_machine_alias,
    "ListStateMachineAliases": list_state_machine_aliases,
}
