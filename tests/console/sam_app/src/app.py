"""Handlers of the console's test application (tests/console/sam_app)."""

import json

import helper


def greet(event, context):
    print(f"greeting {json.dumps(event)[:200]}")
    if isinstance(event, dict) and "routeKey" in event:
        name = (event.get("pathParameters") or {}).get("name") or "nobody"
        body = {"hello": name, "body": event.get("body"), "tag": helper.TAG}
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("asked to fail")
    return {"hello": (event or {}).get("name", "world") if isinstance(event, dict) else "world", "tag": helper.TAG}
