"""Activities (workers poll for tasks) and the task-token answers: SendTask{Success,Failure,Heartbeat}."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from statewright.engine import TaskNotFound
from statewright.store import Resource, Transaction

from .arns import parse
from .errors import ApiError, activity_missing
from .validation import MAX_TAGS, name, paginate, payload, required_str, string
from .validation import tags as read_tags

if TYPE_CHECKING:
    from .service import StepFunctionsService

def create_activity(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    activity_name = name(request) or ""
    tags = read_tags(request)
    if len(tags) > MAX_TAGS:
        raise ApiError("TooManyTags", f"Too many tags: {len(tags)} (at most {MAX_TAGS})")
    arn = service.arns.activity(activity_name)
    activity = Resource(arn=arn, kind="activity", name=activity_name, created=time.time(),
                        body={"encryptionConfiguration": request.get("encryptionConfiguration")
                              or {"type": "AWS_OWNED_KEY"}})

    def store(tx: Transaction) -> Resource:
        existing = tx.get_resource(arn)
        if existing is not None:  # CreateActivity is idempotent: the existing activity is the answer
            return existing
        tx.set_tags(arn, tags)
        return tx.insert_resource(activity)

    activity = service.store.write(store).result()
    return {"activityArn": arn, "creationDate": activity.created}


def _activity(service: StepFunctionsService, arn: str) -> Resource:
    found = service.store.get_resource(arn)
    if found is None or found.kind != "activity":
        raise activity_missing(arn)
    return found


def describe_activity(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    activity = _activity(service, arn)
    return {"activityArn": arn, "name": activity.name, "creationDate": activity.created,
            "encryptionConfiguration": activity.body.get("encryptionConfiguration")}


def delete_activity(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    service.store.write(lambda tx: tx.delete_resource(arn)).result()
    return {}


def list_activities(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    items = [{"activityArn": a.arn, "name": a.name, "creationDate": a.created}
             for a in service.store.list_resources("activity")]
    return paginate(request, "ListActivities", items, "activities")


def get_activity_task(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = required_str(request, "activityArn")
    parse(arn, "activity")
    worker = string(request, "workerName", 80) or ""
    _activity(service, arn)
    task = service.engine.poll_activity(arn, service.activity_poll_seconds, worker)
    if task is None:
        return {}
    return {"taskToken": task.token, "input": task.input_text}


def _token(request: dict[str, Any]) -> str:
    token = required_str(request, "taskToken", 2048)
    try:
        uuid.UUID(token)
    except ValueError:
        raise ApiError("InvalidToken", f"Invalid Token: '{token}'") from None
    return token


def _missing_task(error: TaskNotFound) -> ApiError:
    if error.ended:
        return ApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    return ApiError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'")


def send_task_success(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    output = payload(request, "output", "InvalidOutput", None)
    if output is None:
        raise ApiError("ValidationException", "1 validation error detected: Value null at 'output' "
                       "failed to satisfy constraint: Member must not be null")
    try:
        service.engine.answer_task(token, output=json.loads(output)).result()
    except TaskNotFound as error:
        raise _missing_task(error) from None
    return {}


def send_task_failure(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    error_name = string(request, "error", 256)
    cause = string(request, "cause", 32768)
    try:
        service.engine.answer_task(token, error=error_name, cause=cause, failed=True).result()
    except TaskNotFound as error:
        raise _missing_task(error) from None
    return {}


def send_task_heartbeat(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    token = _token(request)
    try:
        service.engine.heartbeat(token)
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
