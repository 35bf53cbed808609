"""ACL actions: with `ObjectWriter` or `BucketOwnerPreferred` ownership ACLs are stored and
returned (not enforced: every local caller is the owner); see `grants` for the default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .grants import canned, check_allowed, owner_grant
from .objects import describe_again, lookup
from .state import S3State

Action = Callable[[S3State, dict[str, Any]], dict[str, Any]]


def _grants(state: S3State, input: dict[str, Any]) -> list[dict[str, Any]]:
    if input.get("ACL"):
        return canned(str(input["ACL"]), state.request.account)
    policy = input.get("AccessControlPolicy") or {}
    return list(policy.get("Grants") or [owner_grant(state.request.account)])


def _describe(state: S3State, grants: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {"Owner": {"ID": state.request.account, "DisplayName": "statewright"},
            "Grants": grants or [owner_grant(state.request.account)]}


def get_bucket_acl(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    return _describe(state, state.catalog.config(bucket.name, "Acl"))


def put_bucket_acl(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    bucket = state.bucket(input.get("Bucket"))
    grants = _grants(state, input)
    check_allowed(state, bucket.name, grants)
    state.catalog.set_config(bucket.name, "Acl", grants)
    return {}


def get_object_acl(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    row = lookup(state, input)
    return _describe(state, row.info.get("Acl"))


def put_object_acl(state: S3State, input: dict[str, Any]) -> dict[str, Any]:
    row = lookup(state, input, "PUT")
    grants = _grants(state, input)
    check_allowed(state, row.bucket, grants)
    describe_again(state, input, "PUT", "ObjectAcl:Put", Acl=grants)
    return {}


ACTIONS: dict[str, Action] = {"GetBucketAcl": get_bucket_acl, "PutBucketAcl": put_bucket_acl,
                              "GetObjectAcl": get_object_acl, "PutObjectAcl": put_object_acl}
