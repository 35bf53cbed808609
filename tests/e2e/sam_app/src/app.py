"""Handlers of the test SAM application (tests/e2e/test_sam_app.py)."""

import json
import logging
import os
import time

import shared_util

INVOCATIONS = {"count": 0}  # module state: survives between warm invocations of one worker
ATTEMPTS: dict[str, int] = {}


def echo(event, context):
    INVOCATIONS["count"] += 1
    return {
        "event": event,
        "env": {key: os.environ.get(key) for key in (
            "STAGE", "SHARED", "OWN", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_REGION", "_HANDLER", "AWS_ENDPOINT_URL", "AWS_LAMBDA_LOG_GROUP_NAME")},
        "context": {"function_name": context.function_name, "memory_limit_in_mb": context.memory_limit_in_mb,
                    "invoked_function_arn": context.invoked_function_arn,
                    "aws_request_id": context.aws_request_id,
                    "remaining_ms": context.get_remaining_time_in_millis()},
        "layer": shared_util.LAYER_VALUE,
        "pid": os.getpid(),
        "warm_count": INVOCATIONS["count"],
    }


def json_logs(event, context):
    """Logs at several levels (the function's ApplicationLogLevel is WARN)."""
    logger = logging.getLogger()
    print("plain text is INFO")
    logger.info("an info record")
    logger.warning("stock low")
    print(json.dumps({"level": "debug", "message": "a debug line"}))
    print(json.dumps({"level": "ERROR", "message": "an error line"}))
    return {"requestId": context.aws_request_id,
            **{key: os.environ.get(key) for key in ("AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL")}}


def double(event, context):
    return event["n"] * 2


class ValidationFailed(Exception):
    pass


class Flaky(Exception):
    pass


def fail(event, context):
    # `flaky: k` fails the first k attempts of this execution with Flaky, then ValidationFailed.
    key = event.get("key", "")
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= int(event.get("flaky", 0)):
        raise Flaky(f"attempt {ATTEMPTS[key]}")
    raise ValidationFailed(f"bad input after {ATTEMPTS[key]} attempts")


def callback(event, context):
    import boto3  # reaches the local server through AWS_ENDPOINT_URL

    client = boto3.client("stepfunctions")
    client.send_task_success(taskToken=event["token"], output=json.dumps({"called_back": event["value"]}))
    return {"sent": True}


def slow(event, context):
    time.sleep(float(event.get("seconds", 0)))
    return {"slept": event.get("seconds", 0)}
