"""Starts the template's state machine with boto3, as an application's API function would."""

import json
import os

import boto3


def start(event, context):
    started = boto3.client("stepfunctions").start_execution(stateMachineArn=os.environ["MACHINE"],
                                                             input=event.get("body") or "{}")
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"executionArn": started["executionArn"]})}
