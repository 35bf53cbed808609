"""Function names and ARNs as Lambda's API accepts them: a name, `name:qualifier`, a partial
ARN (`123456789012:function:name`) or a full ARN, each optionally qualified."""

from __future__ import annotations

import re
from dataclasses import dataclass

from statewright.services.common import AwsError, RequestContext

_FUNCTION = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*):lambda:(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9_-]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$")


@dataclass(frozen=True)
class FunctionRef:
    name: str
    qualifier: str | None
    region: str
    account: str
    partition: str

    def arn(self, qualifier: str | None = None) -> str:
        base = f"arn:{self.partition}:lambda:{self.region}:{self.account}:function:{self.name}"
        return f"{base}:{qualifier}" if qualifier else base


def parse_function(value: object, context: RequestContext, field: str = "functionName",
                   max_length: int = 140) -> FunctionRef:
    """The function a request names; ValidationException (AWS's wording) when it is malformed."""
    text = value if isinstance(value, str) else ""
    match = _FUNCTION.match(text) if 1 <= len(text) <= max_length else None
    if match is None:
        shown = "null" if value is None else f"'{value}'"
        if not text or len(text) > max_length:
            constraint = f"Member must have length less than or equal to {max_length}" if text \
                else "Member must have length greater than or equal to 1"
        else:
            constraint = ("Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
                          "([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)"
                          "(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
        raise AwsError("ValidationException", f"1 validation error detected: Value {shown} at '{field}' "
                       f"failed to satisfy constraint: {constraint}", 400)
    return FunctionRef(match["name"], match["qualifier"], match["region"] or context.region,
                       match["account"] or context.account, match["partition"] or context.partition)


def not_found(arn: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Function not found: {arn}", 404,
                    fields={"Type": "User"})
