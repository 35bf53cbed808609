"""integrations.resource: every kind of Task resource ARN, every pattern, every partition, and bad ARNs."""

from __future__ import annotations

import pytest

from statewright.integrations.resource import ResourceError, parse_resource, read_resource, split_pattern
from statewright.integrations.types import (
    ACTIVITY,
    FUNCTION,
    OTHER,
    REQUEST_RESPONSE,
    SDK,
    SERVICE,
    SYNC,
    SYNC2,
    WAIT_FOR_TOKEN,
)

# (resource, kind, partition, service, action, pattern, region, account, name, qualifier)
GOOD = [
    ("arn:aws:lambda:us-east-1:123456789012:function:Work", FUNCTION, "aws", "lambda", "invoke", REQUEST_RESPONSE,
     "us-east-1", "123456789012", "Work", None),
    ("arn:aws:lambda:eu-west-2:123456789012:function:my-func_2:7", FUNCTION, "aws", "lambda", "invoke",
     REQUEST_RESPONSE, "eu-west-2", "123456789012", "my-func_2", "7"),
    ("arn:aws:lambda:us-east-1:123456789012:function:Work:live", FUNCTION, "aws", "lambda", "invoke",
     REQUEST_RESPONSE, "us-east-1", "123456789012", "Work", "live"),
    ("arn:aws:lambda:us-east-1:123456789012:function:Work:$LATEST", FUNCTION, "aws", "lambda", "invoke",
     REQUEST_RESPONSE, "us-east-1", "123456789012", "Work", "$LATEST"),
    ("arn:aws-cn:lambda:cn-north-1:123456789012:function:F", FUNCTION, "aws-cn", "lambda", "invoke",
     REQUEST_RESPONSE, "cn-north-1", "123456789012", "F", None),
    ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:F", FUNCTION, "aws-us-gov", "lambda", "invoke",
     REQUEST_RESPONSE, "us-gov-west-1", "123456789012", "F", None),
    ("arn:aws:states:us-east-1:123456789012:activity:Review", ACTIVITY, "aws", "states", "", REQUEST_RESPONSE,
     "us-east-1", "123456789012", "Review", None),
    ("arn:aws-us-gov:states:us-gov-east-1:123456789012:activity:R", ACTIVITY, "aws-us-gov", "states", "",
     REQUEST_RESPONSE, "us-gov-east-1", "123456789012", "R", None),
    ("arn:aws:states:::lambda:invoke", SERVICE, "aws", "lambda", "invoke", REQUEST_RESPONSE, "", "", "", None),
    ("arn:aws:states:::lambda:invoke.waitForTaskToken", SERVICE, "aws", "lambda", "invoke", WAIT_FOR_TOKEN,
     "", "", "", None),
    ("arn:aws:states:::states:startExecution", SERVICE, "aws", "states", "startExecution", REQUEST_RESPONSE,
     "", "", "", None),
    ("arn:aws:states:::states:startExecution.sync", SERVICE, "aws", "states", "startExecution", SYNC,
     "", "", "", None),
    ("arn:aws:states:::states:startExecution.sync:2", SERVICE, "aws", "states", "startExecution", SYNC2,
     "", "", "", None),
    ("arn:aws-cn:states:::ecs:runTask.sync", SERVICE, "aws-cn", "ecs", "runTask", SYNC, "", "", "", None),
    ("arn:aws-us-gov:states:::dynamodb:putItem", SERVICE, "aws-us-gov", "dynamodb", "putItem", REQUEST_RESPONSE,
     "", "", "", None),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", SERVICE, "aws", "sqs", "sendMessage", WAIT_FOR_TOKEN,
     "", "", "", None),
    ("arn:aws:states:::http:invoke", SERVICE, "aws", "http", "invoke", REQUEST_RESPONSE, "", "", "", None),
    ("arn:aws:states:::aws-sdk:lambda:invoke", SDK, "aws", "lambda", "invoke", REQUEST_RESPONSE, "", "", "", None),
    ("arn:aws:states:::aws-sdk:s3:getObject", SDK, "aws", "s3", "getObject", REQUEST_RESPONSE, "", "", "", None),
    ("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken", SDK, "aws", "sfn", "startExecution",
     WAIT_FOR_TOKEN, "", "", "", None),
    ("arn:aws-cn:states:::aws-sdk:iot-data:publish", SDK, "aws-cn", "iot-data", "publish", REQUEST_RESPONSE,
     "", "", "", None),
]


@pytest.mark.parametrize("case", GOOD, ids=[case[0] for case in GOOD])
def test_parse_resource(case: tuple) -> None:
    text, kind, partition, service, action, pattern, region, account, name, qualifier = case
    resource = parse_resource(text)
    assert (resource.text, resource.kind, resource.partition, resource.service, resource.action, resource.pattern,
            resource.region, resource.account, resource.name, resource.qualifier) == (
        text, kind, partition, service, action, pattern, region, account, name, qualifier)
    assert text.startswith(resource.base)


BAD = [
    "",
    "Work",
    "arn:test:echo",
    "arn:aws:lambda:us-east-1:123456789012:function:",  # no name
    "arn:aws:lambda:us-east-1:12345:function:F",  # account is 12 digits
    "arn:aws:lambda:us-east-1:123456789012:function:F:live:extra",
    "arn:aws:lambda:us-east-1:123456789012:function:F.sync",  # patterns are for service integrations
    "arn:aws:lambda:us-east-1:123456789012:layer:L",
    "arn:aws:states:us-east-1:123456789012:activity:",
    "arn:aws:states:us-east-1:123456789012:activity:A.waitForTaskToken",
    "arn:aws:states:us-east-1:123456789012:stateMachine:M",
    "arn:aws:states:::lambda",  # no action
    "arn:aws:states:::lambda:invoke.sync:3",
    "arn:aws:states:::lambda:invoke.waitForTaskToken.sync",
    "arn:aws:states:us-east-1::lambda:invoke",  # service integrations name no region
    "arn:gcp:states:::lambda:invoke",
    "arn:aws:states:::aws-sdk:s3",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_resources_are_refused_naming_them(text: str) -> None:
    with pytest.raises(ResourceError) as refused:
        parse_resource(text)
    assert f"'{text}'" in str(refused.value)


def test_read_resource_keeps_unknown_text_with_its_pattern() -> None:
    resource = read_resource("arn:test:notify.waitForTaskToken")
    assert (resource.kind, resource.base, resource.pattern) == (OTHER, "arn:test:notify", WAIT_FOR_TOKEN)
    assert read_resource("arn:aws:states:::lambda:invoke").kind == SERVICE


def test_split_pattern_reads_the_longest_suffix_first() -> None:
    assert split_pattern("x.sync:2") == ("x", SYNC2)
    assert split_pattern("x.sync") == ("x", SYNC)
    assert split_pattern("x.waitForTaskToken") == ("x", WAIT_FOR_TOKEN)
    assert split_pattern("x") == ("x", REQUEST_RESPONSE)
