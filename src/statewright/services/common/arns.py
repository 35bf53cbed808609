"""ARNs in general: `arn:<partition>:<service>:<region>:<account>:<resource>`, and the partition
a region belongs to."""

from __future__ import annotations

from dataclasses import dataclass


def partition_of(region: str) -> str:
    """The partition AWS places a region in (China and GovCloud have their own)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


@dataclass(frozen=True)
class Arn:
    """The six parts of an ARN; `resource` keeps its own separators (`table/T`, `function:F:1`)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: object) -> Arn | None:
    """The parts of `text`, or None when it is not shaped like an ARN."""
    if not isinstance(text, str):
        return None
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        return None
    return Arn(*parts[1:])
