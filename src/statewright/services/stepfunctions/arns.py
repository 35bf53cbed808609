"""ARNs of Step Functions resources for one account and region, built and taken apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import invalid_arn

_ARN = re.compile(r"^arn:(aws[a-zA-Z-]*):states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")


@dataclass(frozen=True)
class ParsedArn:
    """The parts of a states ARN; `qualifier` is a version number or an alias name."""

    resource_type: str  # stateMachine, execution, express, activity, mapRun
    name: str
    qualifier: str = ""
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arns:
    """Makes and checks ARNs in AWS's format for one partition, account and region."""

    account: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"

    @property
    def prefix(self) -> str:
        return f"arn:{self.partition}:states:{self.region}:{self.account}"

    def owns(self, arn: str) -> bool:
        """Whether `arn` names a resource of this account and region (listings show only those)."""
        return arn.startswith(self.prefix + ":")

    def state_machine(self, name: str) -> str:
        return f"{self.prefix}:stateMachine:{name}"

    def version(self, machine_arn: str, number: int) -> str:
        return f"{machine_arn}:{number}"

    def alias(self, machine_arn: str, name: str) -> str:
        return f"{machine_arn}:{name}"

    def execution(self, machine_name: str, name: str) -> str:
        return f"{self.prefix}:execution:{machine_name}:{name}"

    def express_execution(self, machine_name: str, name: str, run_id: str) -> str:
        return f"{self.prefix}:express:{machine_name}:{name}:{run_id}"

    def activity(self, name: str) -> str:
        return f"{self.prefix}:activity:{name}"


def parse(arn: object, *allowed: str) -> ParsedArn:
    """Take a states ARN apart, raising InvalidArn unless its resource type is one of `allowed`."""
    if not isinstance(arn, str) or len(arn) > 2048:
        raise invalid_arn(arn)
    match = _ARN.match(arn)
    if match is None:
        raise invalid_arn(arn)
    resource_type, rest = match.group(4), match.group(5)
    if resource_type not in allowed:
        raise invalid_arn(arn, f"Resource type not valid in this context: {resource_type}")
    parts = rest.split(":")
    if any(part == "" for part in parts):
        raise invalid_arn(arn)
    if resource_type in ("stateMachine", "activity") and len(parts) > (2 if resource_type == "stateMachine" else 1):
        raise invalid_arn(arn)
    if resource_type == "stateMachine":
        return ParsedArn(resource_type, parts[0], parts[1] if len(parts) > 1 else "")
    if resource_type in ("execution", "express") and len(parts) < 2:
        raise invalid_arn(arn)
    return ParsedArn(resource_type, parts[0], "", tuple(parts[1:]))


def unqualified(machine_arn: str) -> str:
    """The state machine ARN without a version or alias qualifier."""
    head, _, tail = machine_arn.partition(":stateMachine:")
    return f"{head}:stateMachine:{tail.split(':', 1)[0]}"


def is_version_qualifier(qualifier: str) -> bool:
    return qualifier.isdigit()
