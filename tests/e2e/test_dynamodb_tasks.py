"""Task states calling the local DynamoDB through the real server: the optimized integrations
(`dynamodb:putItem|getItem|updateItem|deleteItem`) and `aws-sdk:dynamodb:*`, with the error names
Step Functions records (DynamoDB.ConditionalCheckFailedException for the optimized ones,
DynamoDb.<Exception> for SDK integrations)."""

from __future__ import annotations

import json

import boto3

from .conftest import ROLE, unique, wait_done


def test_task_states_read_and_write_dynamodb(server, sfn):
    ddb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    table = unique("orders")
    ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    key = {"id": {"S.$": "$.id"}}
    definition = {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": table, "Item": {"id": {"S.$": "$.id"}, "n": {"N": "1"}}},
                "ResultPath": None, "Next": "Add"},
        "Add": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                "Parameters": {"TableName": table, "Key": key, "UpdateExpression": "ADD n :one",
                               "ExpressionAttributeValues": {":one": {"N": "4"}}, "ReturnValues": "UPDATED_NEW"},
                "ResultSelector": {"n.$": "$.Attributes.n.N"}, "ResultPath": "$.added", "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": table, "Key": key}, "ResultSelector": {"n.$": "$.Item.n.N"},
                "ResultPath": "$.got", "Next": "PutAgain"},
        "PutAgain": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                     "Parameters": {"TableName": table, "Item": {"id": {"S.$": "$.id"}},
                                    "ConditionExpression": "attribute_not_exists(id)"},
                     "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                                "ResultPath": "$.conflict", "Next": "Scan"}], "End": True},
        "Scan": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:scan",
                 "Parameters": {"TableName": table}, "ResultSelector": {"count.$": "$.Count"},
                 "ResultPath": "$.scanned", "Next": "Missing"},
        "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                    "Parameters": {"TableName": "no-such-table", "Key": key},
                    "Catch": [{"ErrorEquals": ["DynamoDb.ResourceNotFoundException"], "ResultPath": "$.missing",
                               "Next": "Done"}], "End": True},
        "Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name=unique("ddb-tasks"), definition=json.dumps(definition), roleArn=ROLE)
    run = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps({"id": "o-1"}))
    described = wait_done(sfn, run["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["added"] == {"n": "5"} and output["got"] == {"n": "5"}
    assert output["conflict"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert output["scanned"] == {"count": 1}
    assert output["missing"]["Error"] == "DynamoDb.ResourceNotFoundException"
    item = ddb.get_item(TableName=table, Key={"id": {"S": "o-1"}})["Item"]
    assert item["n"] == {"N": "5"}
