"""Tags on state machines and activities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statewright.store import Transaction

from .arns import parse
from .errors import ApiError, resource_missing, validation_error
from .validation import MAX_TAGS, required_str
from .validation import tags as read_tags

if TYPE_CHECKING:
    from .service import StepFunctionsService

TAGGABLE = ("stateMachine", "activity")


def _resource_arn(service: StepFunctionsService, request: dict[str, Any]) -> str:
    arn = required_str(request, "resourceArn")
    parse(arn, *TAGGABLE)
    found = service.store.get_resource(arn)
    if found is None or found.kind not in TAGGABLE:
        raise resource_missing(arn)
    return arn


def tag_resource(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(service, request)
    if request.get("tags") is None:
        raise validation_error("tags", None, "Member must not be null")
    tags = read_tags(request)

    def tag(tx: Transaction) -> None:  # count and add in one transaction: no limit overrun by a race
        found = tx.get_resource(arn)
        if found is None or found.kind not in TAGGABLE:
            raise resource_missing(arn)
        if len({**tx.tags(arn), **tags}) > MAX_TAGS:
            raise ApiError("TooManyTags", f"Too many tags: a resource can have at most {MAX_TAGS} tags")
        tx.set_tags(arn, tags)

    service.store.write(tag).result()
    return {}


def untag_resource(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(service, request)
    keys = request.get("tagKeys")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise validation_error("tagKeys", keys, "Member must be a list of strings")
    service.store.write(lambda tx: tx.remove_tags(arn, keys)).result()
    return {}


def list_tags_for_resource(service: StepFunctionsService, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(service, request)
    return {"tags": [{"key": key, "value": value} for key, value in service.store.tags(arn).items()]}


ACTIONS = {
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
