"""Tables from templates: `AWS::DynamoDB::Table` properties, created once and reconciled on
every start (CloudFormation resource reference, AWS::DynamoDB::Table)."""

from __future__ import annotations

from statewright.services.common import RequestContext
from statewright.services.dynamodb import DynamoDbService

CONTEXT = RequestContext()
PROPERTIES = {
    "TableName": "Tasks",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
    "SSESpecification": {"SSEEnabled": True},
    "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
}


def test_created_kept_and_reconciled(tmp_path):
    service = DynamoDbService(tmp_path, ttl_interval=0)
    described = service.create_table_from_template(PROPERTIES, CONTEXT, "TasksTable")
    assert described["TableName"] == "Tasks"
    assert described["SSEDescription"]["Status"] == "ENABLED"
    service.handle("PutItem", {"TableName": "Tasks", "Item": {"id": {"S": "1"}, "state": {"S": "open"}}}, CONTEXT)
    service.close()

    # A restart with a GSI added: the table and its item stay, the index is added and backfilled.
    service = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        changed = {**PROPERTIES,
                   "AttributeDefinitions": PROPERTIES["AttributeDefinitions"] + [
                       {"AttributeName": "state", "AttributeType": "S"}],
                   "GlobalSecondaryIndexes": [{"IndexName": "by-state", "KeySchema": [
                       {"AttributeName": "state", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]}
        service.create_table_from_template(changed, CONTEXT, "TasksTable")
        found = service.handle("Query", {"TableName": "Tasks", "IndexName": "by-state",
                                         "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "state"},
                                         "ExpressionAttributeValues": {":s": {"S": "open"}}}, CONTEXT)
        assert found["Count"] == 1
        ttl = service.handle("DescribeTimeToLive", {"TableName": "Tasks"}, CONTEXT)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}

        # A changed key schema needs a new table, as CloudFormation replaces it.
        rekeyed = {**PROPERTIES, "AttributeDefinitions": [{"AttributeName": "key", "AttributeType": "S"}],
                   "KeySchema": [{"AttributeName": "key", "KeyType": "HASH"}]}
        described = service.create_table_from_template(rekeyed, CONTEXT, "TasksTable")
        assert described["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
        assert described["ItemCount"] == 0
    finally:
        service.close()


def test_logical_id_names_a_table_without_a_name(tmp_path):
    service = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        properties = {key: value for key, value in PROPERTIES.items() if key != "TableName"}
        assert service.create_table_from_template(properties, CONTEXT, "OrdersTable")["TableName"] == "OrdersTable"
    finally:
        service.close()


def test_simple_table_properties(tmp_path):
    # AWS SAM specification, AWS::Serverless::SimpleTable: PrimaryKey defaults to id (String).
    service = DynamoDbService(tmp_path, ttl_interval=0)
    try:
        described = service.create_table_from_template({"PrimaryKey": {"Name": "orderId", "Type": "Number"},
                                                        "Tags": {"app": "tasks"}}, CONTEXT, "Orders")
        assert described["KeySchema"] == [{"AttributeName": "orderId", "KeyType": "HASH"}]
        assert described["AttributeDefinitions"] == [{"AttributeName": "orderId", "AttributeType": "N"}]
        assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert service.create_table_from_template({}, CONTEXT, "Plain")["KeySchema"] == [
            {"AttributeName": "id", "KeyType": "HASH"}]
    finally:
        service.close()
