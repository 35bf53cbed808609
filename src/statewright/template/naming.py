"""Names and ids CloudFormation generates for resources, made deterministic so a restart keeps them."""

from __future__ import annotations

import base64
import hashlib
import string
import uuid
from dataclasses import dataclass

from statewright.template.parameters import partition_of

MIXED = string.ascii_letters + string.digits
_LOWER = string.ascii_lowercase + string.digits


def stable_token(seed: str, length: int, alphabet: str = MIXED) -> str:
    """`length` characters from `alphabet`, the same for the same seed (a stand-in for CloudFormation's random)."""
    digest = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


@dataclass(frozen=True)
class Naming:
    """Where a stack lives and how its generated names look."""

    stack_name: str
    region: str
    account: str

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def url_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def _seed(self, logical_id: str, purpose: str) -> str:
        return f"{self.account}/{self.region}/{self.stack_name}/{logical_id}/{purpose}"

    def name(self, logical_id: str, *, max_length: int = 64, lowercase: bool = False,
             with_stack: bool = True, suffix_length: int = 12, end: str = "") -> str:
        """`<stack>-<LogicalId>-<SUFFIX>` trimmed to `max_length` as CloudFormation trims generated names."""
        alphabet = _LOWER if lowercase else string.ascii_uppercase + string.digits
        suffix = stable_token(self._seed(logical_id, "name"), suffix_length, alphabet)
        parts = [self.stack_name, logical_id] if with_stack else [logical_id]
        budget = max_length - len(suffix) - len(end) - len(parts)
        if sum(len(part) for part in parts) > budget:
            # Keep as much of the logical id as fits next to a shortened stack name.
            if with_stack:
                id_room = min(len(logical_id), max(budget // 2, budget - len(self.stack_name)))
                parts = [self.stack_name[: budget - id_room], logical_id[:id_room]]
            else:
                parts = [logical_id[:budget]]
        name = "-".join([*parts, suffix]) + end
        return name.lower() if lowercase else name

    def token(self, logical_id: str, purpose: str, length: int, alphabet: str = _LOWER) -> str:
        """A stable random-looking id (API ids, role ids...)."""
        return stable_token(self._seed(logical_id, purpose), length, alphabet)

    def uuid(self, logical_id: str, purpose: str = "uuid") -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "statewright:" + self._seed(logical_id, purpose)))

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")

    def b32(self, logical_id: str, purpose: str, length: int) -> str:
        raw = hashlib.sha256(self._seed(logical_id, purpose).encode("utf-8")).digest()
        return base64.b32encode(raw).decode("ascii")[:length]
