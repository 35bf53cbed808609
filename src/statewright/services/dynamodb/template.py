"""Tables declared in a template: `AWS::DynamoDB::Table` (and `AWS::Serverless::SimpleTable`,
which SAM expands into one) created at start-up and reconciled on every later start."""

from __future__ import annotations

from typing import Any

from ..common import RequestContext

# CloudFormation property → CreateTable member, where they differ or are kept.
_COPIED = ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
           "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification", "Tags",
           "DeletionProtectionEnabled", "TableClass")


_SIMPLE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


def from_simple_table(properties: dict[str, Any]) -> dict[str, Any]:
    """`AWS::Serverless::SimpleTable` properties as the `AWS::DynamoDB::Table` SAM makes of them:
    a hash key from PrimaryKey (default `id`, String), on-demand unless throughput is given (AWS SAM
    specification, AWS::Serverless::SimpleTable)."""
    primary = properties.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    table: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": primary["Name"],
                                  "AttributeType": _SIMPLE_TYPES.get(primary["Type"], primary["Type"])}],
        "KeySchema": [{"AttributeName": primary["Name"], "KeyType": "HASH"}]}
    for name in ("TableName", "Tags", "SSESpecification", "ProvisionedThroughput"):
        if properties.get(name) is not None:
            table[name] = properties[name]
    if isinstance(table.get("Tags"), dict):
        table["Tags"] = [{"Key": key, "Value": value} for key, value in table["Tags"].items()]
    if "ProvisionedThroughput" not in table:
        table["BillingMode"] = "PAY_PER_REQUEST"
    return table


def create_table_request(properties: dict[str, Any], logical_id: str = "") -> dict[str, Any]:
    """The CreateTable request for an `AWS::DynamoDB::Table`'s properties (CloudFormation
    names its table `<stack>-<logical id>-<suffix>` when TableName is absent; locally the
    logical id is the name)."""
    request = {name: properties[name] for name in _COPIED if properties.get(name) is not None}
    request.setdefault("TableName", logical_id)
    sse = properties.get("SSESpecification")
    if sse is not None:
        request["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled")),
                                       **({"SSEType": sse["SSEType"]} if sse.get("SSEType") else {}),
                                       **({"KMSMasterKeyId": sse["KMSMasterKeyId"]} if sse.get("KMSMasterKeyId") else {})}
    stream = request.get("StreamSpecification")
    if isinstance(stream, dict) and "StreamEnabled" not in stream:
        # CloudFormation's StreamSpecification has only StreamViewType: declaring it enables the stream.
        request["StreamSpecification"] = {"StreamEnabled": True, **stream}
    if "BillingMode" not in request and "ProvisionedThroughput" not in request:
        request["BillingMode"] = "PAY_PER_REQUEST"
    return request


def create_table_from_template(service: Any, properties: dict[str, Any], context: RequestContext,
                               logical_id: str = "") -> dict[str, Any]:
    """Creates the table, or brings an existing one in line with the template: key schema
    changes need a new table (as in CloudFormation, which replaces it), index, TTL and tag
    changes are applied in place. Returns the table's description."""
    if "KeySchema" not in properties:  # an AWS::Serverless::SimpleTable not yet expanded by SAM
        properties = from_simple_table(properties)
    request = create_table_request(properties, logical_id)
    name = request["TableName"]
    existing = service.catalog.find(context, name)
    if existing is not None:
        wanted = service.tables.build(request, context)
        if (wanted.hash_key, wanted.range_key) != (existing.hash_key, existing.range_key) or any(
                wanted.attribute_types.get(key) != existing.attribute_types.get(key) for key in existing.key_names()):
            service.tables.delete_table({"TableName": name}, context)
            existing = None
        else:
            _reconcile_indexes(service, request, existing, context)
    if existing is None:
        service.tables.create_table(request, context)
    _reconcile_ttl(service, properties.get("TimeToLiveSpecification"), name, context)
    return service.tables.describe_table({"TableName": name}, context)["Table"]  # type: ignore[no-any-return]


def _reconcile_indexes(service: Any, request: dict[str, Any], existing: Any, context: RequestContext) -> None:
    wanted = {index["IndexName"]: index for index in request.get("GlobalSecondaryIndexes") or []}
    have = {name for name, index in existing.indexes.items() if index.kind == "GSI"}
    updates: list[dict[str, Any]] = [{"Delete": {"IndexName": name}} for name in have - set(wanted)]
    updates += [{"Create": wanted[name]} for name in wanted if name not in have]
    if updates:
        service.tables.update_table({"TableName": existing.name, "AttributeDefinitions": request["AttributeDefinitions"],
                                     "GlobalSecondaryIndexUpdates": updates}, context)


def _reconcile_ttl(service: Any, specification: Any, name: str, context: RequestContext) -> None:
    current = service.tables.describe_time_to_live({"TableName": name}, context)["TimeToLiveDescription"]
    enabled = bool(specification and specification.get("Enabled"))
    attribute = (specification or {}).get("AttributeName")
    if current["TimeToLiveStatus"] == "ENABLED" and (not enabled or current.get("AttributeName") != attribute):
        service.tables.update_time_to_live({"TableName": name, "TimeToLiveSpecification": {
            "Enabled": False, "AttributeName": current["AttributeName"]}}, context)
        current = {"TimeToLiveStatus": "DISABLED"}
    if enabled and current["TimeToLiveStatus"] == "DISABLED":
        service.tables.update_time_to_live({"TableName": name, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": attribute}}, context)
