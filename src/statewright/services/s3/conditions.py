"""Conditional requests and byte ranges, as S3 evaluates them (RFC 7232 / RFC 7233)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from statewright.services.common import AwsError

from .catalog import ObjectRow
from .state import etag_matches


def precondition_failed(condition: str) -> AwsError:
    return AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                    fields={"Condition": condition})


def _seconds(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    return None


def check_read(row: ObjectRow, input: dict[str, Any], prefix: str = "If") -> None:
    """AWS (GetObject): "If both of the If-Match and If-Unmodified-Since headers are present ...
    If-Match condition evaluates to true, and; If-Unmodified-Since condition evaluates to false;
    then, S3 returns 200 OK"; "If both of the If-None-Match and If-Modified-Since headers are
    present ... If-None-Match condition evaluates to false, and; If-Modified-Since condition
    evaluates to true; then, S3 returns 304 Not Modified". `prefix` is `CopySourceIf` for copies,
    where the 304 cases become 412 as well."""
    copy = prefix != "If"
    modified = int(row.modified)  # HTTP dates have whole seconds
    if_match = input.get(f"{prefix}Match")
    if if_match is not None:
        if not etag_matches(if_match, row.etag):
            raise precondition_failed(f"{'x-amz-copy-source-' if copy else ''}If-Match")
    else:
        since = _seconds(input.get(f"{prefix}UnmodifiedSince"))
        if since is not None and modified > since:
            raise precondition_failed(f"{'x-amz-copy-source-' if copy else ''}If-Unmodified-Since")
    if_none = input.get(f"{prefix}NoneMatch")
    if if_none is not None:
        if etag_matches(if_none, row.etag):
            raise _not_modified(row, copy, "If-None-Match")
    else:
        since = _seconds(input.get(f"{prefix}ModifiedSince"))
        if since is not None and modified <= since:
            raise _not_modified(row, copy, "If-Modified-Since")


def _not_modified(row: ObjectRow, copy: bool, condition: str) -> AwsError:
    if copy:
        return precondition_failed(f"x-amz-copy-source-{condition}")
    return AwsError("NotModified", "Not Modified", 304, fields={"ETag": row.etag})


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, end) for a `Range` header, None for the whole object. AWS ignores a Range it
    cannot parse (and several ranges, which it does not support) and answers the whole object;
    a range that starts past the end is `InvalidRange` (416)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            raise invalid_range(header, size)
        return max(size - count, 0), size
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        return None
    if start >= size:
        raise invalid_range(header, size)
    return start, end


def invalid_range(header: str, size: int) -> AwsError:
    return AwsError("InvalidRange", "The requested range is not satisfiable", 416,
                    fields={"RangeRequested": header, "ActualObjectSize": str(size)})
