"""Tags on state machines and activities."""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError, validation_error
from statewright.store import Transaction

from .arns import parse
from .context import ActionContext
from .errors import resource_missing
from .validation import MAX_TAGS, required_str
from .validation import tags as read_tags

TAGGABLE = ("stateMachine", "activity")


def _resource_arn(ctx: ActionContext, request: dict[str, Any]) -> str:
    arn = required_str(request, "resourceArn")
    parse(arn, *TAGGABLE)
    found = ctx.store.get_resource(arn)
    if found is None or found.kind not in TAGGABLE:
        raise resource_missing(arn)
    return arn


def tag_resource(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(ctx, request)
    if request.get("tags") is None:
        raise validation_error("tags", None, "Member must not be null")
    tags = read_tags(request)

    def tag(tx: Transaction) -> None:  # count and add in one transaction: no limit overrun by a race
        found = tx.get_resource(arn)
        if found is None or found.kind not in TAGGABLE:
            raise resource_missing(arn)
        if len({**tx.tags(arn), **tags}) > MAX_TAGS:
            raise AwsError("TooManyTags", f"Too many tags: a resource can have at most {MAX_TAGS} tags")
        tx.set_tags(arn, tags)

    ctx.store.write(tag).result()
    return {}


def untag_resource(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(ctx, request)
    keys = request.get("tagKeys")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise validation_error("tagKeys", keys, "Member must be a list of strings")
    ctx.store.write(lambda tx: tx.remove_tags(arn, keys)).result()
    return {}


def list_tags_for_resource(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource_arn(ctx, request)
    return {"tags": [{"key": key, "value": value} for key, value in ctx.store.tags(arn).items()]}


ACTIONS = {
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
