"""Object and bucket tags: S3's limits, and the `x-amz-tagging` header's URL-query form."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from statewright.services.common import AwsError


def check_tags(tags: list[dict[str, Any]], limit: int = 10) -> list[dict[str, str]]:
    """AWS: "You can associate up to 10 tags with an object. A tag key can be up to 128 Unicode
    characters in length, and tag values can be up to 256 Unicode characters in length.";
    keys must be unique."""
    if len(tags) > limit:
        raise AwsError("BadRequest", "Object tags cannot be greater than 10", 400)
    seen = set()
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value", "")
        if not isinstance(key, str) or not key or len(key) > 128:
            raise AwsError("InvalidTag", "The TagKey you have provided is invalid", 400)
        if not isinstance(value, str) or len(value) > 256:
            raise AwsError("InvalidTag", "The TagValue you have provided is invalid", 400)
        if key in seen:
            raise AwsError("InvalidTag", "Cannot provide multiple Tags with the same key", 400)
        seen.add(key)
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in tags]


def from_header(value: str | None) -> list[dict[str, str]]:
    if not value:
        return []
    return check_tags([{"Key": k, "Value": v} for k, v in parse_qsl(value, keep_blank_values=True)])
