"""Handlers of the console's test application (tests/console/sam_app)."""

import json

import helper


def greet(event, context):
    print(f"greeting {json.dumps(event)[:200]}")
    if isinstance(event, dict) and event.get("routeKey") == "POST /start":
        return start_greeting(event)
    if isinstance(event, dict) and "routeKey" in event:
        name = (event.get("pathParameters") or {}).get("name") or "nobody"
        body = {"hello": name, "body": event.get("body"), "tag": helper.TAG}
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("asked to fail")
    return {"hello": (event or {}).get("name", "world") if isinstance(event, dict) else "world", "tag": helper.TAG}


def start_greeting(event):
    """POST /start: start the app's state machine (found by name: the template cannot name it to
    this function, whose ARN the state machine's definition holds)."""
    import boto3

    sfn = boto3.client("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].startswith("GreetMachine"))
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=event.get("body") or "{}")
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"executionArn": started["executionArn"]})}
