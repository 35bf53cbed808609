"""Log group tags, by ARN and by name."""

from __future__ import annotations

from .conftest import call, error_of

ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/app/g"


def test_tags_by_arn_and_by_name(service):
    call(service, "CreateLogGroup", logGroupName="/app/g", tags={"team": "a"})
    assert call(service, "ListTagsForResource", resourceArn=ARN) == {"tags": {"team": "a"}}
    call(service, "TagResource", resourceArn=ARN, tags={"env": "dev", "team": "b"})
    assert call(service, "ListTagsLogGroup", logGroupName="/app/g") == {"tags": {"team": "b", "env": "dev"}}
    call(service, "UntagResource", resourceArn=ARN + ":*", tagKeys=["team"])
    call(service, "TagLogGroup", logGroupName="/app/g", tags={"x": "1"})
    call(service, "UntagLogGroup", logGroupName="/app/g", tags=["env"])
    assert call(service, "ListTagsForResource", resourceArn=ARN) == {"tags": {"x": "1"}}


def test_tag_errors(service):
    error = error_of(service, "ListTagsForResource", resourceArn=ARN)
    assert (error.code, error.message) == ("ResourceNotFoundException", "The specified log group does not exist.")
    call(service, "CreateLogGroup", logGroupName="/app/g")
    call(service, "TagResource", resourceArn=ARN, tags={f"k{i}": "v" for i in range(50)})  # 50 is the limit
    error = error_of(service, "TagResource", resourceArn=ARN, tags={"one-more": "v"})
    assert error.code == "TooManyTagsException"
    assert error_of(service, "TagResource", resourceArn="not-an-arn", tags={"a": "b"}).code == \
        "InvalidParameterException"
    assert error_of(service, "UntagResource", resourceArn=ARN).code == "InvalidParameterException"


def test_put_group_for_templates(service):
    service.put_group("/tmpl/g", retention_days=14, tags={"app": "orders"})
    [group] = call(service, "DescribeLogGroups", logGroupNamePrefix="/tmpl/")["logGroups"]
    assert group["retentionInDays"] == 14
    assert call(service, "ListTagsLogGroup", logGroupName="/tmpl/g") == {"tags": {"app": "orders"}}
    service.put_group("/tmpl/g")  # redefined without retention
    assert "retentionInDays" not in call(service, "DescribeLogGroups", logGroupNamePrefix="/tmpl/")["logGroups"][0]
