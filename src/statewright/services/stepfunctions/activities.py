"""Activities (workers poll for tasks) and the task-token answers: SendTask{Success,Failure,Heartbeat}."""

from __future__ import annotations

import json
import uuid
from typing import Any

from statewright.engine import TaskNotFound
from statewright.services.common import AwsError
from statewright.store import Resource, Transaction

from .arns import parse
from .context import ActionContext
from .errors import activity_missing
from .machines import DEFAULT_ENCRYPTION, encryption
from .validation import MAX_TAGS, name, paginate, payload, required_str, string
from .validation import tags as read_tags


def create_activity(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    activity_name = name(request) or ""
    tags = read_tags(request)
    if len(tags) > MAX_TAGS:
        raise AwsError("TooManyTags", f"Too many tags: {len(tags)} (at most {MAX_TAGS})")
    arn = ctx.arns.activity(activity_name)
    configuration = encryption(request, DEFAULT_ENCRYPTION)
    activity = Resource(arn=arn, kind="activity", name=activity_name, created=ctx.now(),
                        body={"encryptionConfiguration": configuration})

    def store(tx: Transaction) -> Resource:
        existing = tx.get_resource(arn)
        if existing is not None:
            # CreateActivity is idempotent by name (other tags are ignored, as on AWS), but its
            # encryption may not change.
            if (existing.body.get("encryptionConfiguration") or DEFAULT_ENCRYPTION) != configuration:
                raise AwsError("ActivityAlreadyExists",
                               f"Activity already exists. EncryptionConfiguration may not be updated: '{arn}'")
            return existing
        tx.set_tags(arn, tags)
        return tx.insert_resource(activity)

    activity = ctx.store.write(store).result()
    return {"activityArn": arn, "creationDate": activity.created}


def _activity(ctx: ActionContext, arn: str) -> Resource:
    found = ctx.store.get_resource(arn)
    if found is None or found.kind != "activity":
        raise activity_missing(arn)
    return found


def describe_activity(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    activity = _activity(ctx, arn)
    return {"activityArn": arn, "name": activity.name, "creationDate": activity.created,
            "encryptionConfiguration": activity.body.get("encryptionConfiguration") or DEFAULT_ENCRYPTION}


def delete_activity(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    ctx.store.write(lambda tx: tx.delete_resource(arn)).result()
    return {}


def list_activities(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    items = [{"activityArn": a.arn, "name": a.name, "creationDate": a.created}
             for a in ctx.listed("activity")]
    return paginate(request, "ListActivities", items, "activities")


def get_activity_task(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    worker = string(request, "workerName", 80) or ""
    _activity(ctx, arn)
    task = ctx.engine.poll_activity(arn, ctx.activity_poll_seconds, worker)
    if task is None:
        return {}
    return {"taskToken": task.token, "input": task.input_text}


def _token(request: dict[str, Any]) -> str:
    token = required_str(request, "taskToken", 2048)
    try:
        uuid.UUID(token)
    except ValueError:
        raise AwsError("InvalidToken", f"Invalid Token: '{token}'") from None
    return token


def _missing_task(error: TaskNotFound) -> AwsError:
    if error.ended:
        return AwsError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    return AwsError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'")


def send_task_success(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    output = payload(request, "output", "InvalidOutput", None)
    if output is None:
        raise AwsError("ValidationException", "1 validation error detected: Value null at 'output' "
                       "failed to satisfy constraint: Member must not be null")
    try:
        ctx.engine.answer_task(token, output=json.loads(output)).result()
    except TaskNotFound as error:
        raise _missing_task(error) from None
    return {}


def send_task_failure(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    error_name = string(request, "error", 256)
    cause = string(request, "cause", 32768)
    try:
        ctx.engine.answer_task(token, error=error_name, cause=cause, failed=True).result()
    except TaskNotFound as error:
        raise _missing_task(error) from None
    return {}


def send_task_heartbeat(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    try:
        ctx.engine.heartbeat(token)
    except TaskNotFound as error:
        raise _missing_task(error) from None
    return {}


ACTIONS = {
    "CreateActivity": create_activity,
    "DescribeActivity": describe_activity,
    "DeleteActivity": delete_activity,
    "ListActivities": list_activities,
    "GetActivityTask": get_activity_task,
    "SendTaskSuccess": send_task_success,
    "SendTaskFailure": send_task_failure,
    "SendTaskHeartbeat": send_task_heartbeat,
}
