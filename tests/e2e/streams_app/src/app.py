import os

import boto3


def handler(event, context):
    table = boto3.client("dynamodb")
    for record in event["Records"]:
        key = record["dynamodb"]["Keys"]["id"]["S"]
        table.put_item(TableName=os.environ["SEEN_TABLE"],
                       Item={"id": {"S": key}, "event": {"S": record["eventName"]},
                             "source": {"S": record["eventSource"]}})
    return {"batchItemFailures": []}
