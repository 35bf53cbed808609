"""Event notifications to Lambda: which configurations of a bucket match a change, and the
event record S3 sends (AWS's "Event message structure", eventVersion 2.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from statewright.services.common import AwsError, RequestContext

from .catalog import ObjectRow

# AWS, "Supported event types for SQS, SNS, and Lambda" (botocore's `Event` enum).
EVENT_TYPES = frozenset({
    "s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:Replication:*",
    "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete"})
CONFIGURATION_LISTS = ("LambdaFunctionConfigurations", "QueueConfigurations", "TopicConfigurations")


def check_configuration(configuration: dict[str, Any]) -> None:
    """A notification configuration S3 accepts: every event one it publishes (S3 answers
    another with InvalidArgument "The event is not supported for notifications")."""
    for kind in CONFIGURATION_LISTS:
        for config in configuration.get(kind) or []:
            for event in config.get("Events") or []:
                if event not in EVENT_TYPES:
                    raise AwsError("InvalidArgument", "The event is not supported for notifications", 400,
                                   fields={"ArgumentName": "Event", "ArgumentValue": str(event)})


# What the runtime plugs in: deliver `event` (`{"Records": [record]}`) to a Lambda function,
# asynchronously, as S3 invokes functions ("Event" invocation type).
Deliver = Callable[[str, dict[str, Any], RequestContext], None]


def _event_matches(configured: str, event: str) -> bool:
    """`s3:ObjectCreated:*` matches every `ObjectCreated:…` event; otherwise names must agree."""
    wanted = configured.removeprefix("s3:")
    if wanted.endswith(":*"):
        return event.startswith(wanted[:-1])
    return wanted == event


def _key_matches(config: dict[str, Any], key: str) -> bool:
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def lambda_targets(configuration: dict[str, Any] | None, event: str, key: str) -> list[tuple[str, str]]:
    """(configuration id, function ARN) for each Lambda configuration matching the change."""
    found = []
    for config in (configuration or {}).get("LambdaFunctionConfigurations") or []:
        if any(_event_matches(e, event) for e in config.get("Events") or []) and _key_matches(config, key):
            found.append((str(config.get("Id") or ""), str(config["LambdaFunctionArn"])))
    return found


def record(bucket: str, event: str, row: ObjectRow, context: RequestContext, config_id: str,
           now: float) -> dict[str, Any]:
    """One record as S3 writes it. AWS: "The s3 key provided in the event notification is URL
    encoded" (spaces as `+`); the eTag has no quotes; `sequencer` orders events for one key."""
    obj: dict[str, Any] = {"key": quote_plus(row.key, safe="/"), "sequencer": f"{row.seq:016X}"}
    if not event.startswith("ObjectRemoved"):
        obj.update(size=row.size, eTag=row.etag.strip('"'))
    if row.version != "null":
        obj["versionId"] = row.version
    when = datetime.fromtimestamp(now, UTC)
    return {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": context.region,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        "eventName": event,
        "userIdentity": {"principalId": f"AWS:{context.access_key or 'statewright'}"},
        "requestParameters": {"sourceIPAddress": str(context.extra.get("source_ip", "127.0.0.1"))},
        "responseElements": {"x-amz-request-id": context.request_id or "0",
                             "x-amz-id-2": context.request_id or "0"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": config_id,
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": context.account},
                          "arn": f"arn:{context.partition}:s3:::{bucket}"},
               "object": obj},
    }
