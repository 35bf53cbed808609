"""A table's definition: key schema, attribute types, secondary indexes; checked as CreateTable
checks it, and described as DescribeTable describes it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..common import AwsError
from . import keys
from . import values as wire

_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")


def invalid(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def constraint(value: object, where: str, rule: str) -> AwsError:
    """AWS's Coral validation text for one failed member constraint."""
    shown = "null" if value is None else f"'{value}'"
    return invalid(f"1 validation error detected: Value {shown} at '{where}' failed to satisfy constraint: {rule}")


def check_table_name(name: object, where: str = "tableName", minimum: int = 3) -> str:
    """Table names: 3-255 characters of [a-zA-Z0-9_.-] (AWS API reference, CreateTable); the
    item operations allow 1 (nubo-db/dynamodb-conformance putItem.test.ts)."""
    if name is None:
        raise constraint(None, where, "Member must not be null")
    if not isinstance(name, str):
        raise invalid(f"Invalid {where}")
    if len(name) < minimum:
        raise constraint(name, where, f"Member must have length greater than or equal to {minimum}")
    if len(name) > 255 and not name.startswith("arn:"):
        raise constraint(name, where, "Member must have length less than or equal to 255")
    if not name.startswith("arn:") and not _TABLE_NAME.fullmatch(name):
        raise constraint(name, where, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    return name


@dataclass
class Index:
    """A secondary index. `id` names its rows in the index table."""

    name: str
    kind: str  # "GSI" or "LSI"
    hash_key: str
    range_key: str | None
    projection: dict[str, Any]
    id: int = 0
    throughput: dict[str, Any] | None = None
    status: str = "ACTIVE"

    def projects(self, table: Table) -> set[str] | None:
        """The attribute names the index holds; None for ALL."""
        kind = self.projection.get("ProjectionType", "ALL")
        if kind == "ALL":
            return None
        names = {self.hash_key, table.hash_key}
        names |= {name for name in (self.range_key, table.range_key) if name}
        if kind == "INCLUDE":
            names |= set(self.projection.get("NonKeyAttributes", []))
        return names


@dataclass
class Table:
    """One table in one region and account, with what DescribeTable reports about it."""

    id: int
    region: str
    account: str
    name: str
    hash_key: str
    range_key: str | None
    attribute_types: dict[str, str]
    indexes: dict[str, Index] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.name}"

    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    # --- keys -------------------------------------------------------------------------------

    def key_of(self, item: wire.Item, *, for_put: bool) -> tuple[bytes, bytes]:
        """The encoded (hash, range) key of an item or a Key parameter, checked against the
        schema with AWS's texts (PutItem's, or the Key parameter's "does not match")."""
        if not for_put and len(item) != len(self.key_names()):
            raise invalid("The provided key element does not match the schema")
        encoded = []
        for name in self.key_names():
            value = item.get(name)
            expected = self.attribute_types[name]
            if value is None:
                if for_put:
                    raise invalid(f"One or more parameter values were invalid: Missing the key {name} in the item")
                raise invalid("The provided key element does not match the schema")
            actual = wire.value_type(value)
            if actual != expected:
                if for_put:
                    raise invalid("One or more parameter values were invalid: Type mismatch for key "
                                  f"{name} expected: {expected} actual: {actual}")
                raise invalid("The provided key element does not match the schema")
            data = keys.encode(value)
            if not data and actual in ("S", "B"):
                kind = "string" if actual == "S" else "binary"
                raise invalid("One or more parameter values are not valid. The AttributeValue for a key "
                              f"attribute cannot contain an empty {kind} value. Key: {name}")
            _check_key_size(name, name == self.hash_key, data)
            encoded.append(data)
        return encoded[0], encoded[1] if len(encoded) > 1 else b""

    def key_item(self, item: wire.Item) -> wire.Item:
        return {name: item[name] for name in self.key_names()}

    def index_key_of(self, index: Index, item: wire.Item) -> tuple[bytes, bytes] | None:
        """The index key of an item, or None when the item is not in the (sparse) index."""
        encoded = []
        for name in (index.hash_key, index.range_key):
            if name is None:
                encoded.append(b"")
                continue
            value = item.get(name)
            if value is None:
                return None
            expected = self.attribute_types[name]
            actual = wire.value_type(value)
            if actual != expected:
                raise invalid("One or more parameter values were invalid: Type mismatch for Index Key "
                              f"{name} Expected: {expected} Actual: {actual} IndexName: {index.name}")
            data = keys.encode(value)
            if not data and actual in ("S", "B"):
                kind = "string" if actual == "S" else "binary"
                raise invalid("One or more parameter values are not valid. A value specified for a secondary "
                              "index key is not supported. The AttributeValue for a key attribute cannot "
                              f"contain an empty {kind} value. IndexName: {index.name}, IndexKey: {name}")
            encoded.append(data)
        return encoded[0], encoded[1]

    # --- persistence ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {"hash_key": self.hash_key, "range_key": self.range_key,
                "attribute_types": self.attribute_types, "settings": self.settings,
                "indexes": [vars(index) for index in self.indexes.values()]}

    @classmethod
    def from_json(cls, table_id: int, region: str, account: str, name: str, body: dict[str, Any]) -> Table:
        indexes = {entry["name"]: Index(**entry) for entry in body["indexes"]}
        return cls(table_id, region, account, name, body["hash_key"], body["range_key"],
                   body["attribute_types"], indexes, body["settings"])


def _check_key_size(name: str, is_hash: bool, data: bytes) -> None:
    # "The minimum length of a partition key value is 1 byte. The maximum length is 2048 bytes";
    # sort keys 1024 (AWS developer guide, ServiceQuotas: Partition key and sort key values).
    if is_hash and len(data) > 2048:
        raise invalid("One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
                      "size limit of2048 bytes")
    if not is_hash and len(data) > 1024:
        raise invalid("One or more parameter values were invalid: Aggregated size of all range keys has "
                      "exceeded the size limit of 1024 bytes")


# --- CreateTable's checks -------------------------------------------------------------------

def parse_key_schema(schema: object, where: str) -> tuple[str, str | None]:
    if schema is None:
        raise constraint(None, where, "Member must not be null")
    if not isinstance(schema, list) or not schema:
        raise constraint(schema, where, "Member must have length greater than or equal to 1")
    if len(schema) > 2:
        shown = ", ".join(f"KeySchemaElement(attributeName={e.get('AttributeName')}, keyType={e.get('KeyType')})"
                          for e in schema)
        raise constraint(f"[{shown}]", where, "Member must have length less than or equal to 2")
    for position, element in enumerate(schema, start=1):
        if element.get("KeyType") not in ("HASH", "RANGE"):
            raise constraint(element.get("KeyType"), f"{where}.{position}.member.keyType",
                             "Member must satisfy enum value set: [HASH, RANGE]")
    if schema[0]["KeyType"] != "HASH":
        raise invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2:
        if schema[1]["KeyType"] != "RANGE":
            raise invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        if schema[0]["AttributeName"] == schema[1]["AttributeName"]:
            raise invalid("Invalid KeySchema: Some index key attribute have no definition")
        return schema[0]["AttributeName"], schema[1]["AttributeName"]
    return schema[0]["AttributeName"], None


def parse_attribute_definitions(definitions: object) -> dict[str, str]:
    if definitions is None:
        raise constraint(None, "attributeDefinitions", "Member must not be null")
    if not isinstance(definitions, list):
        raise invalid("Invalid AttributeDefinitions")
    types: dict[str, str] = {}
    for position, definition in enumerate(definitions, start=1):
        kind = definition.get("AttributeType")
        if kind not in ("B", "N", "S"):
            raise constraint(kind, f"attributeDefinitions.{position}.member.attributeType",
                             "Member must satisfy enum value set: [B, N, S]")
        name = definition.get("AttributeName")
        if name in types:
            raise invalid("Cannot have two attributes with the same name")
        types[name] = kind
    return types


def parse_projection(projection: object, index_name: str) -> dict[str, Any]:
    if not isinstance(projection, dict):
        raise constraint(None, "projection", "Member must not be null")
    kind = projection.get("ProjectionType", "ALL")
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        raise constraint(kind, "projection.projectionType",
                         "Member must satisfy enum value set: [INCLUDE, ALL, KEYS_ONLY]")
    non_key = projection.get("NonKeyAttributes")
    if kind == "INCLUDE" and not non_key:
        raise invalid("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes "
                      "is not specified")
    if kind != "INCLUDE" and non_key:
        raise invalid(f"One or more parameter values were invalid: ProjectionType is {kind}, but "
                      "NonKeyAttributes is specified")
    return {"ProjectionType": kind, **({"NonKeyAttributes": list(non_key)} if non_key else {})}


def parse_index(entry: dict[str, Any], kind: str, table_hash: str, table_range: str | None,
                types: dict[str, str]) -> Index:
    name = entry.get("IndexName")
    if not isinstance(name, str) or not (3 <= len(name) <= 255) or not _TABLE_NAME.fullmatch(name):
        raise constraint(name, "indexName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    hash_key, range_key = parse_key_schema(entry.get("KeySchema"), "keySchema")
    for key in (hash_key, range_key):
        if key is not None and key not in types:
            raise invalid("One or more parameter values were invalid: Some index key attributes are not defined "
                          f"in AttributeDefinitions. Keys: [{key}], AttributeDefinitions: [{', '.join(types)}]")
    if kind == "LSI":
        if table_range is None:
            raise invalid("One or more parameter values were invalid: Table KeySchema does not have a range key, "
                          "which is required when specifying a LocalSecondaryIndex")
        if hash_key != table_hash:
            raise invalid("One or more parameter values were invalid: Index KeySchema does not have the same "
                          f"leading hash key as table KeySchema for index: {name}. index hash key: {hash_key}, "
                          f"table hash key: {table_hash}")
        if range_key is None:
            raise invalid("One or more parameter values were invalid: Index KeySchema must have a range key for "
                          f"LocalSecondaryIndex: {name}")
    return Index(name, kind, hash_key, range_key, parse_projection(entry.get("Projection"), name),
                 throughput=entry.get("ProvisionedThroughput"))
