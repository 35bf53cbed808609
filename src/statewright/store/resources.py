"""The generic half of the store contract: ARN-keyed resource records and their tags, for any service.

A resource is anything an AWS API names with an ARN: a state machine, a Lambda function, a
DynamoDB table, an S3 bucket, a log group, a CloudFormation stack. The store keeps its identity
(service, kind, ARN, parent, name, creation time), a revision number and a JSON body whose
fields are the owning service's business; tags are kept beside it and go when it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Where a listing stopped: the (created, arn) of the last resource of a page.
ResourceCursor = tuple[float, str]


def service_of(arn: str) -> str:
    """The service namespace in an ARN (`arn:aws:states:...` → `states`), or "" if it has none."""
    parts = arn.split(":", 3)
    return parts[2] if len(parts) >= 3 and parts[0] == "arn" else ""


@dataclass
class Resource:
    """A named thing with an ARN.

    `service` is the ARN's service namespace unless given; `kind` is the service's own word for
    the resource type (`stateMachine`, `function`, `table`) and is unique within that service.
    `parent` links a child (a version, an alias, a table's stream) to its owner's ARN. `body`
    holds the service's fields (JSON-serialisable). `revision` is set by the store: 1 when the
    resource is inserted, plus one on every write, for compare-and-set.
    """

    arn: str
    kind: str
    name: str
    created: float
    parent: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    service: str = ""
    revision: int = 0

    def __post_init__(self) -> None:
        if not self.service:
            self.service = service_of(self.arn)

    @property
    def cursor(self) -> ResourceCursor:
        """Where a page that ends with this resource stopped (pass as `after`)."""
        return (self.created, self.arn)


class ResourceReads(Protocol):
    """Reads of resources and tags: on the store (committed data) and inside a write transaction
    (that transaction's view, so check-then-act is atomic)."""

    def get_resource(self, arn: str) -> Resource | None: ...

    def list_resources(self, kind: str, parent: str | None = None, *, service: str | None = None,
                       after: ResourceCursor | None = None, limit: int | None = None) -> list[Resource]:
        """Resources of one kind (and parent, and service when given), oldest first, ties by
        ARN; `after` starts after a cursor, `limit` caps the page."""
        ...

    def tags(self, arn: str) -> dict[str, str]:
        """The tags of `arn`, by key in key order (empty when it has none)."""
        ...


class ResourceWrites(Protocol):
    """The writes of resources and tags one transaction may make."""

    def insert_resource(self, resource: Resource) -> Resource:
        """Store a new resource (revision 1); AlreadyExists when its ARN is taken."""
        ...

    def put_resource(self, resource: Resource, *, expect_revision: int | None = None) -> Resource:
        """Store a resource, new or not, and answer it with its new revision. With
        `expect_revision` (0: "must not exist"), Conflict unless the stored revision is that one."""
        ...

    def replace_resource(self, resource: Resource, *, expect_revision: int | None = None) -> Resource:
        """Like put_resource, but NotFound when the resource does not exist."""
        ...

    def delete_resource(self, arn: str) -> bool:
        """Delete a resource and its tags; True when it existed."""
        ...

    def set_tags(self, arn: str, tags: dict[str, str]) -> None: ...
    def remove_tags(self, arn: str, keys: list[str]) -> None: ...
