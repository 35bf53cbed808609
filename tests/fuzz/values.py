"""Values for operation inputs, drawn from botocore's shapes: valid ones (types, enums, lengths,
ranges and patterns as the model states them), and the hostile ones a mutation swaps in."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime
from typing import Any

from botocore.model import Shape

from statewright.services.common.shapes import compiled_pattern

MAX_SHAPE_DEPTH = 6
# Strings that satisfy the patterns the models use most (names, ARNs, identifiers).
_CANDIDATES = ["abc", "a-1", "Abc_1", "x", "arn:aws:states:us-east-1:123456789012:stateMachine:m",
               "arn:aws:lambda:us-east-1:123456789012:function:f", "my-function", "1", "2015-03-31",
               "$LATEST", "us-east-1", "a.b", "123456789012", "AKIAIOSFODNN7EXAMPLE", "a:b"]


class Pools:
    """Real values to reach past lookups: ARNs of resources the fuzz run created, and texts that
    must be valid JSON or ASL. Chosen by member name."""

    def __init__(self) -> None:
        self.arns: list[str] = []
        self.by_member: dict[str, list[str]] = {
            "definition": ['{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}'],
            "input": ['{}', '{"a":1}'], "output": ['{}'], "variables": ['{"v":1}'],
            "roleArn": ["arn:aws:iam::123456789012:role/r"], "Role": ["arn:aws:iam::123456789012:role/r"],
        }

    def pick(self, member: str, rng: random.Random) -> str | None:
        if member in self.by_member and rng.random() < 0.8:
            return rng.choice(self.by_member[member])
        if member.lower().endswith("arn") and self.arns and rng.random() < 0.8:
            fitting = [arn for arn in self.arns if _fits(member.lower(), arn)]
            return rng.choice(fitting or self.arns)
        return None


def _fits(member: str, arn: str) -> bool:
    """Whether a pooled ARN is of the kind a member names (`executionArn`, `stateMachineVersionArn`, …)."""
    parts = arn.split(":")
    kind, qualifier = (parts[5] if len(parts) > 5 else ""), (parts[7] if len(parts) > 7 else "")
    if "execution" in member:
        return kind == "execution"
    if "activity" in member:
        return kind == "activity"
    if "version" in member:
        return kind == "stateMachine" and qualifier.isdigit()
    if "alias" in member:
        return kind == "stateMachine" and bool(qualifier) and not qualifier.isdigit()
    if "statemachine" in member:
        return kind == "stateMachine"
    return True


def valid(shape: Shape, rng: random.Random, pools: Pools, member: str = "", depth: int = 0) -> Any:
    """A value of `shape` that satisfies the model."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, rng, pools, depth)
    if kind == "list":
        low = int(shape.metadata.get("min", 0))
        high = min(int(shape.metadata.get("max", 3)), max(low, 3))
        count = rng.randint(low, high) if depth < MAX_SHAPE_DEPTH else low
        return [valid(shape.member, rng, pools, member, depth + 1) for _ in range(count)]
    if kind == "map":
        count = rng.randint(0, 2) if depth < MAX_SHAPE_DEPTH else 0
        return {valid(shape.key, rng, pools, "", depth + 1): valid(shape.value, rng, pools, "", depth + 1)
                for _ in range(count)}
    if kind == "string":
        return _string(shape, rng, pools, member)
    if kind in ("integer", "long"):
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", low + 100)  # a minimum above 100 with no maximum exists
        return rng.randint(int(low), int(min(high, low + 1000)))
    if kind in ("float", "double"):
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 100)
        return round(rng.uniform(float(low), float(min(high, low + 1000))), 3)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "blob":
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 16)))
    if kind == "timestamp":
        return datetime(2026, 1, 1, tzinfo=UTC)
    return None


def _structure(shape: Shape, rng: random.Random, pools: Pools, depth: int) -> dict[str, Any]:
    if shape.is_document_type:
        return {"a": 1}
    required = set(shape.required_members)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if member.type_name == "structure" and member.metadata.get("eventstream"):
            continue
        if name in required or (depth < MAX_SHAPE_DEPTH and rng.random() < 0.5):
            out[name] = valid(member, rng, pools, name, depth + 1)
    return out


def _string(shape: Shape, rng: random.Random, pools: Pools, member: str) -> str:
    if shape.enum:
        return str(rng.choice(shape.enum))
    pooled = pools.pick(member, rng)
    if pooled is not None:
        return pooled
    low = int(shape.metadata.get("min", 1))
    high = int(shape.metadata.get("max", 24))
    pattern = shape.metadata.get("pattern")
    if pattern:
        compiled = compiled_pattern(pattern)
        fitting = [c for c in _CANDIDATES if low <= len(c) <= high and compiled is not None and compiled.fullmatch(c)]
        if fitting:
            return rng.choice(fitting)
    length = rng.randint(low, max(low, min(high, 24)))
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def nested(depth: int) -> Any:
    """A list nested `depth` levels deep (built without recursion)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def hostile(rng: random.Random) -> Any:
    """A value a well-behaved client never sends where this one goes."""
    return rng.choice([
        lambda: "a\ud800b", lambda: "\udfff", lambda: "x" * rng.choice([300, 70_000, 300_000]),
        lambda: nested(rng.choice([50, 200, 1000])), lambda: {"deep": nested(1000)},
        lambda: -1, lambda: 2 ** 70, lambda: 1.5e308, lambda: True, lambda: None, lambda: "",
        lambda: [], lambda: {}, lambda: ["x"] * 5000, lambda: "\ufffe\uffff", lambda: "\x00\x01",
        lambda: "' OR 1=1 --", lambda: "../../etc/passwd", lambda: "%s%n%x", lambda: "😀" * 100,
        lambda: {"__proto__": 1}, lambda: "false", lambda: "1e400",
    ])()
