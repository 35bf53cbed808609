"""ACL grants: canned ACLs as grants, and whether a bucket's Object Ownership allows them.
AWS: with `BucketOwnerEnforced` (the default for new buckets since April 2023) "ACLs are
disabled, and the bucket owner automatically owns and has full control over every object in the
bucket"; setting any other ACL fails with `AccessControlListNotSupported`."""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError

from .state import S3State

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
# Canned ACLs that grant nothing beyond the owner's full control.
_OWNER_ONLY = ("private", "bucket-owner-full-control", "bucket-owner-read")


def owner_grant(account: str) -> dict[str, Any]:
    return {"Grantee": {"Type": "CanonicalUser", "ID": account, "DisplayName": "statewright"},
            "Permission": "FULL_CONTROL"}


def canned(name: str, account: str) -> list[dict[str, Any]]:
    grants = [owner_grant(account)]
    group = {"public-read": [(ALL_USERS, "READ")], "public-read-write": [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")],
             "authenticated-read": [(AUTHENTICATED, "READ")]}.get(name)
    if group is None and name not in _OWNER_ONLY:
        raise AwsError("InvalidArgument", f"Invalid canned ACL: {name}", 400,
                       fields={"ArgumentName": "x-amz-acl", "ArgumentValue": name})
    return grants + [{"Grantee": {"Type": "Group", "URI": uri}, "Permission": p} for uri, p in group or []]


def check_allowed(state: S3State, bucket: str, grants: list[dict[str, Any]]) -> None:
    """`AccessControlListNotSupported` for ACLs beyond the owner's when ACLs are disabled."""
    controls = state.catalog.config(bucket, "OwnershipControls") or {}
    rules = controls.get("Rules") or [{"ObjectOwnership": "BucketOwnerEnforced"}]
    if rules[0].get("ObjectOwnership") != "BucketOwnerEnforced":
        return
    owner_id = state.request.account
    if any(g.get("Permission") != "FULL_CONTROL" or (g.get("Grantee") or {}).get("ID") not in (owner_id, None)
           or (g.get("Grantee") or {}).get("URI") for g in grants):
        raise AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
