"""State machine actions: create, describe, update, delete, list, validate."""

from __future__ import annotations

import dataclasses
from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Resource, Transaction

from . import mapchildren, versions
from .arns import parse
from .context import ActionContext
from .errors import execution_missing
from .logconfig import checked_logging
from .validation import (
    MAX_DEFINITION,
    MAX_TAGS,
    boolean,
    name,
    one_of,
    page_size,
    paginate,
    required_str,
    string,
)
from .validation import tags as read_tags

TYPES = ("STANDARD", "EXPRESS")
DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING = {"enabled": False}
DEFAULT_ENCRYPTION = {"type": "AWS_OWNED_KEY"}
DEFAULT_KEY_REUSE_SECONDS = 300  # AWS's default data key reuse period for a customer managed key


def _logging(request: dict[str, Any], default: dict[str, Any] | None) -> dict[str, Any] | None:
    """The logging configuration to store (`logconfig.checked_logging`), or `default` when none is given."""
    value = request.get("loggingConfiguration")
    return default if value is None else checked_logging(value)


def _tracing(request: dict[str, Any], default: dict[str, Any] | None) -> dict[str, Any] | None:
    value = request.get("tracingConfiguration")
    if value is None:
        return default
    return {"enabled": bool(value.get("enabled"))}


def encryption(request: dict[str, Any], default: dict[str, Any] | None) -> dict[str, Any] | None:
    """The encryption configuration, as AWS accepts it: a KMS key (and its reuse period) with
    CUSTOMER_MANAGED_KMS_KEY, neither with AWS_OWNED_KEY. Types, the enum and the 60–900 s range
    are the model's."""
    value = request.get("encryptionConfiguration")
    if value is None:
        return default
    kind, key, period = value["type"], value.get("kmsKeyId"), value.get("kmsDataKeyReusePeriodSeconds")
    if kind == "CUSTOMER_MANAGED_KMS_KEY" and key is None:
        raise AwsError("InvalidEncryptionConfiguration",
                       "Invalid Encryption Configuration: kmsKeyId must be set when type is CUSTOMER_MANAGED_KMS_KEY.")
    if kind == "AWS_OWNED_KEY" and (key is not None or period is not None):
        raise AwsError("InvalidEncryptionConfiguration",
                       "Invalid Encryption Configuration: kmsKeyId and kmsDataKeyReusePeriodSeconds may only be "
                       "set when type is CUSTOMER_MANAGED_KMS_KEY.")
    configuration: dict[str, Any] = {"type": kind}
    if key is not None:
        configuration["kmsKeyId"] = key
        configuration["kmsDataKeyReusePeriodSeconds"] = period if period is not None else DEFAULT_KEY_REUSE_SECONDS
    return configuration


def _same_machine(existing: Resource, body: dict[str, Any]) -> bool:
    keys = ("definition", "roleArn", "type", "loggingConfiguration", "tracingConfiguration")
    return all(existing.body.get(key) == body.get(key) for key in keys)


def create_state_machine(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    machine_name = name(request) or ""
    definition = ctx.check_definition(request)
    role = ctx.check_role(request)
    machine_type = one_of(request, "type", TYPES, "STANDARD")
    body = {"definition": definition, "roleArn": role, "type": machine_type,
            "loggingConfiguration": _logging(request, DEFAULT_LOGGING),
            "tracingConfiguration": _tracing(request, DEFAULT_TRACING),
            "encryptionConfiguration": encryption(request, DEFAULT_ENCRYPTION),
            "revisionId": ctx.new_id().replace("-", ""), "nextVersion": 1}
    tags = read_tags(request)
    if len(tags) > MAX_TAGS:
        raise AwsError("TooManyTags", f"Too many tags: {len(tags)} (at most {MAX_TAGS})")
    publish = boolean(request, "publish")
    description = string(request, "versionDescription", 256)
    if description is not None and not publish:
        raise validation_error("versionDescription", description,
                               "Member may only be set when 'publish' is true")
    arn = ctx.arns.state_machine(machine_name)
    machine = Resource(arn=arn, kind="stateMachine", name=machine_name, created=ctx.now(), body=body)

    def create(tx: Transaction) -> tuple[Resource, Resource | None]:
        # Read and insert in one transaction: a DeleteStateMachine cannot come in between.
        existing = tx.get_resource(arn)
        if existing is None:
            stored = tx.insert_resource(machine)
            tx.set_tags(arn, tags)
        elif not _same_machine(existing, body):
            raise AwsError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
        else:
            stored = existing
        return stored, versions.publish_in(tx, ctx, stored, description) if publish else None

    stored, version = ctx.store.write(create).result()
    answer: dict[str, Any] = {"stateMachineArn": arn, "creationDate": stored.created}
    if version is not None:
        answer["stateMachineVersionArn"] = version.arn
    return answer


def describe_body(resource: Resource, machine: Resource) -> dict[str, Any]:
    """DescribeStateMachine's answer for a state machine or one of its versions."""
    body = resource.body
    answer: dict[str, Any] = {
        "stateMachineArn": resource.arn, "name": machine.name, "status": "ACTIVE",
        "definition": body["definition"], "roleArn": body["roleArn"], "type": body["type"],
        "creationDate": resource.created, "loggingConfiguration": body["loggingConfiguration"],
        "tracingConfiguration": body["tracingConfiguration"], "revisionId": body["revisionId"],
        "encryptionConfiguration": body.get("encryptionConfiguration") or DEFAULT_ENCRYPTION,
    }
    if resource.kind == "version" and body.get("description"):
        answer["description"] = body["description"]
    return answer


def describe_state_machine(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    resource = ctx.machine_or_qualified(request.get("stateMachineArn"))
    if resource.kind == "alias":
        raise validation_error("stateMachineArn", resource.arn, "Member must be a state machine or version ARN")
    return describe_body(resource, ctx.machine_of(resource))


def update_state_machine(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    if parse(arn, "stateMachine").qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")
    ctx.machine(arn)  # StateMachineDoesNotExist comes before the checks of the changes
    changes: dict[str, Any] = {}
    if request.get("definition") is not None:
        changes["definition"] = ctx.check_definition(request)
    if request.get("roleArn") is not None:
        changes["roleArn"] = ctx.check_role(request)
    for key, read in (("loggingConfiguration", _logging), ("tracingConfiguration", _tracing),
                      ("encryptionConfiguration", encryption)):
        value = read(request, None)
        if value is not None:
            changes[key] = value
    publish = boolean(request, "publish")
    if not changes:
        raise AwsError("MissingRequiredParameter",
                       "Either the definition, the role ARN, the LoggingConfiguration, the "
                       "EncryptionConfiguration or the TracingConfiguration must be specified")
    description = string(request, "versionDescription", 256) if publish else None
    now = ctx.now()

    def update(tx: Transaction) -> tuple[Resource, Resource | None]:
        # Read, change and publish in one transaction, so a concurrent update or publish can
        # neither be lost nor reset the version counter.
        current = versions.machine_in(tx, arn)
        body = {**current.body, **changes, "updateDate": now}
        if any(current.body.get(key) != value for key, value in changes.items()):
            body["revisionId"] = ctx.new_id().replace("-", "")
        updated = tx.replace_resource(dataclasses.replace(current, body=body), expect_revision=current.revision)
        return updated, versions.publish_in(tx, ctx, updated, description) if publish else None

    updated, version = ctx.store.write(update).result()
    answer: dict[str, Any] = {"updateDate": now, "revisionId": updated.body["revisionId"]}
    if version is not None:
        answer["stateMachineVersionArn"] = version.arn
    return answer


def delete_state_machine(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "stateMachineArn")
    parsed = parse(arn, "stateMachine")
    if parsed.qualifier:
        raise validation_error("stateMachineArn", arn, "Member must be an unqualified state machine ARN")

    def delete(tx: Transaction) -> None:  # children listed in the transaction: none published meanwhile
        for kind in ("version", "alias"):
            for child in tx.list_resources(kind, arn):
                tx.delete_resource(child.arn)
        tx.delete_resource(arn)

    ctx.store.write(delete).result()
    return {}


def list_state_machines(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    items = [{"stateMachineArn": m.arn, "name": m.name, "type": m.body["type"], "creationDate": m.created}
             for m in ctx.listed("stateMachine")]
    return paginate(request, "ListStateMachines", items, "stateMachines")


def describe_state_machine_for_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "executionArn")
    parse(arn, "execution")
    if mapchildren.is_child(arn):
        # A Map Run's child: the state machine of the Map Run (its parent's), with the run and label.
        _, run = mapchildren.find_child(ctx, arn)
        return {**_machine_for_execution(ctx, run["executionArn"]), "mapRunArn": run["arn"], "label": run["label"]}
    return _machine_for_execution(ctx, arn)


def _machine_for_execution(ctx: ActionContext, arn: str) -> dict[str, Any]:
    record = ctx.store.get_execution(arn)
    if record is None:
        raise execution_missing(arn)
    machine = ctx.store.get_resource(record.state_machine)
    body = machine.body if machine is not None else {}
    answer: dict[str, Any] = {
        "stateMachineArn": record.state_machine, "name": record.body["stateMachineName"],
        "definition": ctx.store.get_definition(record.definition_hash) or "",
        "roleArn": record.body["roleArn"],
        "updateDate": body.get("updateDate") or (machine.created if machine else record.start_date),
        "loggingConfiguration": body.get("loggingConfiguration") or DEFAULT_LOGGING,
        "tracingConfiguration": body.get("tracingConfiguration") or DEFAULT_TRACING,
        "encryptionConfiguration": body.get("encryptionConfiguration") or DEFAULT_ENCRYPTION,
    }
    if body.get("revisionId"):
        answer["revisionId"] = body["revisionId"]
    return answer


def validate_state_machine_definition(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    text = required_str(request, "definition", MAX_DEFINITION)
    one_of(request, "type", TYPES)
    severity = one_of(request, "severity", ("ERROR", "WARNING"), "ERROR")
    limit = page_size(request)
    found = ctx.validate(text)
    shown = [d for d in found if severity == "WARNING" or d.severity == "ERROR"]
    result = "FAIL" if any(d.severity == "ERROR" for d in found) else "OK"
    return {"result": result, "diagnostics": [d.as_aws() for d in shown[:limit]],
            "truncated": len(shown) > limit}


ACTIONS = {
    "CreateStateMachine": create_state_machine,
    "DescribeStateMachine": describe_state_machine,
    "UpdateStateMachine": update_state_machine,
    "DeleteStateMachine": delete_state_machine,
    "ListStateMachines": list_state_machines,
    "DescribeStateMachineForExecution": describe_state_machine_for_execution,
    "ValidateStateMachineDefinition": validate_state_machine_definition,
}
