"""State machine aliases: a name routing executions to one or two versions by weight."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from statewright.store import AlreadyExists, Resource

from .arns import is_version_qualifier, parse, unqualified
from .errors import ApiError, resource_missing, validation_error
from .validation import paginate, required_str, string

if TYPE_CHECKING:
    from .service import StepFunctionsService

# AWS: letters, digits, - _ . and at least one non-digit (so that it cannot look like a version).
_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$")


def _routing(service: StepFunctionsService, request: dict[str, Any], machine_arn: str | None) -> list[dict[str, Any]]:
    routes = request.get("routingConfiguration")
    if routes is None:
        raise validation_error("routingConfiguration", None, "Member must not be null")
    if not isinstance(routes, list) or not 1 <= len(routes) <= 2:
        raise validation_error("routingConfiguration", routes, "Member must have length between 1 and 2")
    result, seen, total = [], set(), 0
    for route in routes:
        if not isinstance(route, dict):
            raise ApiError("SerializationException", "Expected objects in 'routingConfiguration'")
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
        found = service.store.get_resource(version_arn)
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


def _alias(service: StepFunctionsService, arn: str) -> Resource:
    parsed = parse(arn, "stateMachine")
    if not parsed.qualifier or is_version_qualifier(parsed.qualifier):
        raise validation_error("stateMachineAliasArn", arn, "Member must be a state machine alias ARN")
    found = service.store.get_resource(arn)
    if found is None or found.kind != "alias":
        raise resource_missing(arn)
    return found


def create_state_machine_alias(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    alias_name = required_str(request, "name")
    if not _ALIAS_NAME.match(alias_name):
        raise ApiError("InvalidName", f"Invalid Name: '{alias_name}'")
    description = string(request, "description", 256)
    routes = _routing(service, request, None)
    machine_arn = unqualified(routes[0]["stateMachineVersionArn"])
    if any(unqualified(route["stateMachineVersionArn"]) != machine_arn for route in routes):
        raise validation_error("routingConfiguration", routes,
                               "Routing configuration must contain versions of the same state machine")
    service.machine(machine_arn)
    arn = service.arns.alias(machine_arn, alias_name)
    now = time.time()
    alias = Resource(arn=arn, kind="alias", name=alias_name, created=now, parent=machine_arn,
                     body={"description": description, "routingConfiguration": routes, "updateDate": now})
    try:
        service.store.write(lambda tx: tx.insert_resource(alias)).result()
    except AlreadyExists:
        existing = _alias(service, arn)
        same = (existing.body["routingConfiguration"] == routes and existing.body["description"] == description)
        if not same:
            raise ApiError("ConflictException", f"Alias {arn} already exists with a different configuration") from None
        alias = existing
    return {"stateMachineAliasArn": arn, "creationDate": alias.created}


def describe_state_machine_alias(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(service, required_str(request, "stateMachineAliasArn"))
    answer = {"stateMachineAliasArn": alias.arn, "name": alias.name,
              "routingConfiguration": alias.body["routingConfiguration"], "creationDate": alias.created,
              "updateDate": alias.body["updateDate"]}
    if alias.body.get("description") is not None:
        answer["description"] = alias.body["description"]
    return answer


def update_state_machine_alias(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(service, required_str(request, "stateMachineAliasArn"))
    description = string(request, "description", 256)
    if description is None and request.get("routingConfiguration") is None:
        raise validation_error("routingConfiguration", None,
                               "Either the description or the routing configuration must be specified")
    body = dict(alias.body)
    if description is not None:
        body["description"] = description
    if request.get("routingConfiguration") is not None:
        body["routingConfiguration"] = _routing(service, request, alias.parent)
    body["updateDate"] = time.time()
    updated = Resource(arn=alias.arn, kind="alias", name=alias.name, created=alias.created,
                       parent=alias.parent, body=body)
    service.store.write(lambda tx: tx.put_resource(updated)).result()
    return {"updateDate": body["updateDate"]}


def delete_state_machine_alias(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    alias = _alias(service, required_str(request, "stateMachineAliasArn"))
    service.store.write(lambda tx: tx.delete_resource(alias.arn)).result()
    return {}


def list_state_machine_aliases(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    service.machine(arn)
    items = [{"stateMachineAliasArn": a.arn, "creationDate": a.created}
             for a in service.store.list_resources("alias", arn)]
    return paginate(request, f"ListStateMachineAliases:{arn}", items, "stateMachineAliases")


ACTIONS = {
    "CreateStateMachineAlias": create_state_machine_alias,
    "DescribeStateMachineAlias": describe_state_machine_alias,
    "UpdateStateMachineAlias": update_state_machine_alias,
    "DeleteStateMachineAlias": delete_state_machine_alias,
    "ListStateMachineAliases": list_state_machine_aliases,
}
