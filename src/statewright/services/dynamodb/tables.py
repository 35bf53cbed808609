"""The control plane: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable, tags,
time to live, DescribeEndpoints and DescribeLimits."""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from ..common import AwsError, RequestContext
from . import storage
from .catalog import Catalog
from .schema import (
    Index,
    Table,
    check_table_name,
    constraint,
    invalid,
    parse_attribute_definitions,
    parse_index,
    parse_key_schema,
)

_DESCRIBE_NOT_FOUND = "Requested resource not found: Table: {name} not found"


class TableOperations:
    def __init__(self, store: storage.Storage, catalog: Catalog, clock: Any = time.time) -> None:
        self._store = store
        self._catalog = catalog
        self._clock = clock

    # --- CreateTable ------------------------------------------------------------------------

    def build(self, request: dict[str, Any], context: RequestContext) -> Table:
        """A table definition from a CreateTable request, with CreateTable's checks."""
        if request.get("TableName") is None:
            # Recorded AWS text (nubo-db/dynamodb-conformance createTable.test.ts).
            raise invalid("The parameter 'TableName' is required but was not present in the request")
        name = check_table_name(request["TableName"])
        types = parse_attribute_definitions(request.get("AttributeDefinitions"))
        hash_key, range_key = parse_key_schema(request.get("KeySchema"), "keySchema")
        for key in (hash_key, range_key):
            if key is not None and key not in types:
                raise invalid("One or more parameter values were invalid: Some index key attributes are not "
                              f"defined in AttributeDefinitions. Keys: [{key}], AttributeDefinitions: "
                              f"[{', '.join(types)}]")
        indexes: dict[str, Index] = {}
        for field, kind in (("LocalSecondaryIndexes", "LSI"), ("GlobalSecondaryIndexes", "GSI")):
            for entry in request.get(field) or []:
                index = parse_index(entry, kind, hash_key, range_key, types)
                if index.name in indexes:
                    raise invalid(f"One or more parameter values were invalid: Duplicate index name: {index.name}")
                indexes[index.name] = index
        used = {hash_key, range_key} | {key for index in indexes.values() for key in (index.hash_key, index.range_key)}
        if set(types) - used:
            raise invalid("One or more parameter values were invalid: Number of attributes in KeySchema does "
                          "not exactly match number of attributes defined in AttributeDefinitions")
        billing = request.get("BillingMode") or "PROVISIONED"
        throughput = _check_billing(billing, request.get("ProvisionedThroughput"), indexes)
        region, account, _ = Catalog.name_of(context, name)
        settings = {"created": self._clock(), "billing": billing, "throughput": throughput,
                    "table_id": str(uuid.uuid4()), "stream": request.get("StreamSpecification"),
                    "sse": request.get("SSESpecification"), "tags": _tags(request.get("Tags") or []),
                    "ttl": None, "deletion_protection": bool(request.get("DeletionProtectionEnabled")),
                    "table_class": request.get("TableClass") or "STANDARD",
                    "stream_label": (_new_label(self._clock()) if _stream_on(request.get("StreamSpecification"))
                                     else None),
                    "attribute_order": list(types)}
        return Table(0, region, account, name, hash_key, range_key, types, indexes, settings)

    def create_table(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self.build(request, context)

        def change(db: Any) -> None:
            if self._catalog.find(context, table.name) is not None:
                raise AwsError("ResourceInUseException", f"Table already exists: {table.name}")
            self._catalog.insert(db, table)

        self._store.write(change)
        # AWS answers CREATING and turns ACTIVE soon after; here it is usable at once.
        return {"TableDescription": self.describe(table, status="CREATING", counts=(0, 0))}

    # --- DescribeTable, ListTables, DeleteTable ---------------------------------------------

    def describe_table(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._catalog.get(context, request.get("TableName"), message=_DESCRIBE_NOT_FOUND)
        return {"Table": self.describe(table)}

    def list_tables(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        limit = request.get("Limit", 100)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise constraint(limit, "limit", "Member must have value less than or equal to 100"
                             if isinstance(limit, int) and limit > 100 else
                             "Member must have value greater than or equal to 1")
        start = request.get("ExclusiveStartTableName")
        names = [table.name for table in self._catalog.tables(context.region, context.account)]
        if start is not None:
            names = [name for name in names if name > start]
        page = names[:limit]
        result: dict[str, Any] = {"TableNames": page}
        if len(names) > limit:
            result["LastEvaluatedTableName"] = page[-1]
        return result

    def delete_table(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._catalog.get(context, request.get("TableName"), message=_DESCRIBE_NOT_FOUND)
        if table.settings.get("deletion_protection"):
            raise invalid("Resource cannot be deleted as it is currently protected against deletion. Disable "
                          "deletion protection first.")
        with self._store.reader() as db:
            counts = storage.table_statistics(db, table.id)

        def change(db: Any) -> None:
            self._catalog.remove(db, self._catalog.current(table))

        self._store.write(change)
        return {"TableDescription": self.describe(table, status="DELETING", counts=counts)}

    # --- UpdateTable --------------------------------------------------------------------------

    def update_table(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = copy.deepcopy(self._catalog.get(context, request.get("TableName"), message=_DESCRIBE_NOT_FOUND))
        types = dict(table.attribute_types)
        for definition in request.get("AttributeDefinitions") or []:
            types[definition["AttributeName"]] = definition["AttributeType"]
        created: list[str] = []
        for update in request.get("GlobalSecondaryIndexUpdates") or []:
            if "Create" in update:
                index = parse_index(update["Create"], "GSI", table.hash_key, table.range_key, types)
                if index.name in table.indexes:
                    raise invalid("One or more parameter values were invalid: Duplicate index name: "
                                  f"{index.name}")
                table.indexes[index.name] = index
                created.append(index.name)
            elif "Delete" in update:
                name = update["Delete"].get("IndexName")
                if name not in table.indexes or table.indexes[name].kind != "GSI":
                    raise AwsError("ResourceNotFoundException",
                                   f"Requested resource not found: Index: {name} not found")
                del table.indexes[name]
            elif "Update" in update:
                name = update["Update"].get("IndexName")
                if name not in table.indexes:
                    raise AwsError("ResourceNotFoundException",
                                   f"Requested resource not found: Index: {name} not found")
                table.indexes[name].throughput = update["Update"].get("ProvisionedThroughput")
        used = {key for key in (table.hash_key, table.range_key)} | {
            key for index in table.indexes.values() for key in (index.hash_key, index.range_key)}
        table.attribute_types = {name: kind for name, kind in types.items() if name in used}
        settings = table.settings
        if "BillingMode" in request:
            settings["billing"] = request["BillingMode"]
        if "ProvisionedThroughput" in request or "BillingMode" in request:
            given = request.get("ProvisionedThroughput")
            if given is None and settings["billing"] == "PROVISIONED":
                given = settings.get("throughput")
            settings["throughput"] = _check_billing(settings["billing"], given, {})
        if "StreamSpecification" in request:
            wanted = request["StreamSpecification"]
            if _stream_on(wanted) and _stream_on(settings.get("stream")):
                raise invalid(f"Table already has an enabled stream: {table.arn}/stream/{settings.get('stream_label')}")
            if _stream_on(wanted):
                settings["stream_label"] = _new_label(self._clock())
            settings["stream"] = wanted
        for field, key in (("SSESpecification", "sse"), ("TableClass", "table_class")):
            if field in request:
                settings[key] = request[field]
        if "DeletionProtectionEnabled" in request:
            settings["deletion_protection"] = bool(request["DeletionProtectionEnabled"])
        original = self._catalog.get(context, request.get("TableName"))

        def change(db: Any) -> None:
            current = self._catalog.current(original)
            for name in set(current.indexes) - set(table.indexes):
                db.execute("DELETE FROM index_items WHERE iid = ?", (current.indexes[name].id,))
            self._catalog.allocate_index_ids(db, table)
            for name in created:
                storage.backfill_index(db, table, name)
            self._catalog.save(db, table)

        self._store.write(change)
        description = self.describe(table, status="UPDATING")
        for entry in description.get("GlobalSecondaryIndexes", []):
            if entry["IndexName"] in created:
                # AWS answers CREATING (backfilling) and turns the index ACTIVE when done; here the
                # backfill is already done, so the next DescribeTable says ACTIVE.
                entry.update(IndexStatus="CREATING", Backfilling=True)
        return {"TableDescription": description}

    # --- description ------------------------------------------------------------------------

    def describe(self, table: Table, status: str = "ACTIVE", counts: tuple[int, int] | None = None) -> dict[str, Any]:
        if counts is None:
            with self._store.reader() as db:
                counts = storage.table_statistics(db, table.id)
        settings = table.settings
        order = settings.get("attribute_order") or list(table.attribute_types)
        names = [name for name in order if name in table.attribute_types]
        names += [name for name in table.attribute_types if name not in names]
        description: dict[str, Any] = {
            "AttributeDefinitions": [{"AttributeName": name, "AttributeType": table.attribute_types[name]}
                                     for name in names],
            "TableName": table.name,
            "KeySchema": _key_schema(table.hash_key, table.range_key),
            "TableStatus": status,
            "CreationDateTime": settings["created"],
            "ProvisionedThroughput": _throughput(settings.get("throughput")),
            "TableSizeBytes": counts[1],
            "ItemCount": counts[0],
            "TableArn": table.arn,
            "TableId": settings["table_id"],
            "DeletionProtectionEnabled": bool(settings.get("deletion_protection")),
        }
        if settings["billing"] == "PAY_PER_REQUEST":
            description["BillingModeSummary"] = {"BillingMode": "PAY_PER_REQUEST",
                                                 "LastUpdateToPayPerRequestDateTime": settings["created"]}
        local = [self._describe_index(table, index) for index in table.indexes.values() if index.kind == "LSI"]
        global_ = [self._describe_index(table, index) for index in table.indexes.values() if index.kind == "GSI"]
        if local:
            description["LocalSecondaryIndexes"] = local
        if global_:
            description["GlobalSecondaryIndexes"] = global_
        stream = settings.get("stream")
        if stream and stream.get("StreamEnabled"):
            description["StreamSpecification"] = stream
        label = settings.get("stream_label")
        if label:
            description["LatestStreamLabel"] = label
            description["LatestStreamArn"] = f"{table.arn}/stream/{label}"
        sse = settings.get("sse")
        if sse and sse.get("Enabled"):
            description["SSEDescription"] = {"Status": "ENABLED", "SSEType": sse.get("SSEType", "KMS"),
                                             "KMSMasterKeyArn": sse.get("KMSMasterKeyId") or
                                             f"arn:aws:kms:{table.region}:{table.account}:key/local"}
        if settings.get("table_class", "STANDARD") != "STANDARD":
            description["TableClassSummary"] = {"TableClass": settings["table_class"]}
        return description

    def _describe_index(self, table: Table, index: Index) -> dict[str, Any]:
        with self._store.reader() as db:
            count = storage.index_statistics(db, index.id) if index.id else 0
        entry: dict[str, Any] = {
            "IndexName": index.name,
            "KeySchema": _key_schema(index.hash_key, index.range_key),
            "Projection": index.projection,
            "IndexSizeBytes": 0,
            "ItemCount": count,
            "IndexArn": f"{table.arn}/index/{index.name}",
        }
        if index.kind == "GSI":
            entry["IndexStatus"] = index.status
            entry["ProvisionedThroughput"] = _throughput(index.throughput)
        return entry

    # --- tags ---------------------------------------------------------------------------------

    def _by_arn(self, arn: object, context: RequestContext) -> Table:
        if not isinstance(arn, str) or ":table/" not in arn:
            raise invalid(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        table = self._catalog.find(context, arn)
        if table is None:
            raise AwsError("ResourceNotFoundException", f"Requested resource not found: ResourcArn: {arn} not found")
        return table

    def _change_settings(self, table: Table, update: Any) -> Table:
        def change(db: Any) -> Table:
            current = copy.deepcopy(self._catalog.current(table))
            update(current.settings)
            self._catalog.save(db, current)
            return current

        return self._store.write(change)

    def tag_resource(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._by_arn(request.get("ResourceArn"), context)
        tags = _tags(request.get("Tags") or [])
        self._change_settings(table, lambda settings: settings.setdefault("tags", {}).update(tags))
        return {}

    def untag_resource(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._by_arn(request.get("ResourceArn"), context)
        keys = list(request.get("TagKeys") or [])

        def remove(settings: dict[str, Any]) -> None:
            for key in keys:
                settings.setdefault("tags", {}).pop(key, None)

        self._change_settings(table, remove)
        return {}

    def list_tags_of_resource(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._by_arn(request.get("ResourceArn"), context)
        tags = table.settings.get("tags") or {}
        return {"Tags": [{"Key": key, "Value": value} for key, value in tags.items()]}

    # --- time to live -------------------------------------------------------------------------

    def update_time_to_live(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._catalog.get(context, request.get("TableName"))
        specification = request.get("TimeToLiveSpecification") or {}
        enabled = specification.get("Enabled")
        attribute = specification.get("AttributeName")
        if not isinstance(enabled, bool) or not isinstance(attribute, str) or not attribute:
            raise invalid("1 validation error detected: Value null at 'timeToLiveSpecification' failed to "
                          "satisfy constraint: Member must not be null")
        current = table.settings.get("ttl")
        if enabled and current:
            raise invalid("TimeToLive is already enabled")
        if not enabled and not current:
            raise invalid("TimeToLive is already disabled")
        self._change_settings(table, lambda settings: settings.update(ttl=attribute if enabled else None))
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}

    def describe_time_to_live(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        table = self._catalog.get(context, request.get("TableName"))
        attribute = table.settings.get("ttl")
        if not attribute:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}}

    # --- account-level ------------------------------------------------------------------------

    def describe_endpoints(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        address = context.extra.get("host") or f"dynamodb.{context.region}.amazonaws.com"
        return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}

    def describe_limits(self, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        # AWS's default quotas (AWS developer guide, ServiceQuotas: Throughput default quotas).
        return {"AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
                "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}


def _stream_on(specification: Any) -> bool:
    return bool(isinstance(specification, dict) and specification.get("StreamEnabled"))


def _new_label(now: float) -> str:
    """A stream label as AWS writes them: the creation time, `2026-11-30T13:31:55.123`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}"


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _throughput(throughput: dict[str, Any] | None) -> dict[str, Any]:
    throughput = throughput or {}
    return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
            "WriteCapacityUnits": throughput.get("WriteCapacityUnits", 0)}


def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags}


def _check_billing(billing: str, throughput: dict[str, Any] | None, indexes: dict[str, Index]) -> dict[str, Any] | None:
    if billing not in ("PROVISIONED", "PAY_PER_REQUEST"):
        raise constraint(billing, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
    if billing == "PAY_PER_REQUEST":
        if throughput and (throughput.get("ReadCapacityUnits") or throughput.get("WriteCapacityUnits")):
            raise invalid("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                          "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        return None
    if not throughput:
        raise invalid("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
                      "both be specified when BillingMode is PROVISIONED")
    for index in indexes.values():
        if index.kind == "GSI" and not index.throughput:
            raise invalid("One or more parameter values were invalid: ProvisionedThroughput must be specified "
                          f"for index: {index.name}")
    return {"ReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
            "WriteCapacityUnits": throughput.get("WriteCapacityUnits", 0)}
