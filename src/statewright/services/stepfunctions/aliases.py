"""State machine aliases: a name routing executions to one or two versions by weight."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Transaction

from .arns import is_version_qualifier, parse, unqualified
from .context import ActionContext
from .errors import resource_missing
from .validation import paginate, required_str, string

# AWS: letters, digits, - _ . and at least one non-digit (so that it cannot look like a version).
_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$")


def _routing(ctx: ActionContext, request: dict[str, Any], machine_arn: str | None) -> list[dict[str, Any]]:
    routes = request.get("routingConfiguration")
    if routes is None:
        raise validation_error("routingConfiguration", None, "Member must not be null")
    if not isinstance(routes, list) or not 1 <= len(routes) <= 2:
        raise validation_error("routingConfiguration", routes, "Member must have length between 1 and 2")
    result, seen, total = [], set(), 0
    for route in routes:
        if not isinstance(route, dict):
            raise AwsError("SerializationException", "Expected objects in 'routingConfiguration'")
        version_arn = required_str(route, "stateMachineVersionArn")
        weight = route.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
            raise validation_error("routingConfiguration.member.weight", weight,
                                   "Member must have value between 0 and 100")
        if not is_version_qualifier(parse(version_arn, "stateMachine").qualifier):
            raise validation_error("routingConfiguration.member.stateMachineVersionArn", version_arn,
                                   "Member must be a state machine version ARN")
        if machine_arn is not None and unqualified(version_arn) != machine_arn:
            raise validation_error("routingConfiguration", version_arn,
                                   "Routing configuration must contain versions of the same state machine")
        found = ctx.store.get_resource(version_arn)
        if found is None or found.kind != "version":
            raise resource_missing(version_arn)
        if version_arn in seen:
            raise validation_error("routingConfiguration", version_arn,
                                   "Routing configuration must contain distinct version ARNs")
        seen.add(version_arn)
        total += weight
        result.append({"stateMachineVersionArn": version_arn, "weight": weight})
    if total != 100:
        raise validation_error("routingConfiguration", routes, "Sum of routing configuration weights must equal 100")
    return result


def _alias(ctx: ActionContext, arn: str) -> Resource:
    parsed = parse(arn, "stateMachine")
    if not parsed.qualifier or is_version_qualifier(parsed.qualifier):
        raise validation_error("stateMachineAliasArn", arn, "Member must be a state machine alias ARN")
    found = ctx.store.get_resource(arn)
    if found is None or found.kind != "alias":
        raise resource_missing(arn)
    return found


def create_state_machine_alias(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    alias_name = required_str(request, "name")
    if not _ALIAS_NAME.match(alias_name):
        raise AwsError("InvalidName", f"Invalid Name: '{alias_name}'")
    description = string(request, "description", 256)
    routes = _routing(ctx, request, None)
    machine_arn = unqualified(routes[0]["stateMachineVersionArn"])
    if any(unqualified(route["stateMachineVersionArn"]) != machine_arn for route in routes):
        raise validation_error("routingConfiguration", routes,
                               "Routing configuration must contain versions of the same state machine")
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
            raise AwsError("ConflictException", f"Alias {arn} already exists with a different configuration")
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
