"""Log groups and streams: create, describe (prefixes, patterns, pages, order), delete, and
the errors AWS answers."""

from __future__ import annotations

import pytest

from .conftest import NOW, call, error_of, make_stream, put


def test_create_describe_delete_a_group(service):
    call(service, "CreateLogGroup", logGroupName="/app/orders", tags={"team": "a"})
    [group] = call(service, "DescribeLogGroups")["logGroups"]
    assert group == {"logGroupName": "/app/orders", "creationTime": NOW, "metricFilterCount": 0,
                     "arn": "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders:*", "storedBytes": 0,
                     "logGroupClass": "STANDARD",
                     "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders"}
    call(service, "DeleteLogGroup", logGroupName="/app/orders")
    assert call(service, "DescribeLogGroups")["logGroups"] == []


def test_errors_for_existing_and_missing_groups(service):
    call(service, "CreateLogGroup", logGroupName="g")
    error = error_of(service, "CreateLogGroup", logGroupName="g")
    assert (error.code, error.message) == ("ResourceAlreadyExistsException", "The specified log group already exists")
    error = error_of(service, "DeleteLogGroup", logGroupName="nope")
    assert (error.code, error.message) == ("ResourceNotFoundException", "The specified log group does not exist.")
    error = error_of(service, "CreateLogStream", logGroupName="nope", logStreamName="s")
    assert error.message == "The specified log group does not exist."


@pytest.mark.parametrize(("request_fields", "text"), [
    ({"logGroupName": "has space"}, "Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must "
                                    r"satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"),
    ({"logGroupName": "x" * 513}, "Member must have length less than or equal to 512"),
    ({}, "Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"),
])
def test_group_name_validation(service, request_fields, text):
    error = error_of(service, "CreateLogGroup", **request_fields)
    assert error.code == "InvalidParameterException"
    assert error.message.startswith("1 validation error detected: ")
    assert text in error.message


def test_stream_names_may_not_hold_colons_or_stars(service):
    call(service, "CreateLogGroup", logGroupName="g")
    error = error_of(service, "CreateLogStream", logGroupName="g", logStreamName="a:b")
    assert error.code == "InvalidParameterException" and "[^:*]*" in error.message


def test_describe_groups_by_prefix_pattern_and_pages(service):
    names = ["/aws/lambda/a", "/aws/lambda/b", "/app/x_1", "/app/xa1", "other"]
    for name in names:
        call(service, "CreateLogGroup", logGroupName=name)
    listed = lambda **r: [g["logGroupName"] for g in call(service, "DescribeLogGroups", **r)["logGroups"]]  # noqa: E731
    assert listed() == sorted(names)
    assert listed(logGroupNamePrefix="/aws/lambda/") == ["/aws/lambda/a", "/aws/lambda/b"]
    assert listed(logGroupNamePrefix="/app/x_") == ["/app/x_1"]  # `_` is not a wildcard
    assert listed(logGroupNamePattern="LAMBDA") == ["/aws/lambda/a", "/aws/lambda/b"]
    error = error_of(service, "DescribeLogGroups", logGroupNamePrefix="a", logGroupNamePattern="b")
    assert error.code == "InvalidParameterException"
    seen, token = [], None
    while True:
        page = call(service, "DescribeLogGroups", limit=2, **({"nextToken": token} if token else {}))
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == sorted(names)
    assert error_of(service, "DescribeLogGroups", nextToken="garbage").code == "InvalidParameterException"
    assert error_of(service, "DescribeLogGroups", limit=51).code == "InvalidParameterException"


def test_streams_ordered_by_name_or_last_event(service, clock):
    for name in ("b", "a", "c"):
        make_stream(service, "g", name)
    put(service, [(NOW - 5, "x")], "g", "c")
    put(service, [(NOW - 1, "y")], "g", "a")
    names = lambda **r: [s["logStreamName"] for s in  # noqa: E731
                         call(service, "DescribeLogStreams", logGroupName="g", **r)["logStreams"]]
    assert names() == ["a", "b", "c"]
    assert names(descending=True) == ["c", "b", "a"]
    assert names(orderBy="LastEventTime", descending=True) == ["a", "c", "b"]
    assert names(logStreamNamePrefix="b") == ["b"]
    assert names(limit=1) == ["a"]
    error = error_of(service, "DescribeLogStreams", logGroupName="g", orderBy="LastEventTime", logStreamNamePrefix="a")
    assert (error.code, error.message) == ("InvalidParameterException",
                                           "Cannot order by LastEventTime with a logStreamNamePrefix.")
    [stream] = call(service, "DescribeLogStreams", logGroupName="g", logStreamNamePrefix="a")["logStreams"]
    assert stream["firstEventTimestamp"] == stream["lastEventTimestamp"] == NOW - 1
    assert stream["lastIngestionTime"] == NOW
    assert stream["arn"] == "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:a"


def test_stream_pages(service):
    for index in range(5):
        make_stream(service, "g", f"s{index}")
    first = call(service, "DescribeLogStreams", logGroupName="g", limit=3)
    second = call(service, "DescribeLogStreams", logGroupName="g", limit=3, nextToken=first["nextToken"])
    assert [s["logStreamName"] for s in first["logStreams"] + second["logStreams"]] == [f"s{i}" for i in range(5)]
    assert "nextToken" not in second


def test_group_identifier_takes_a_name_or_an_arn(service):
    make_stream(service, "/app/g", "s")
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/app/g:*"
    for identifier in ("/app/g", arn, arn[:-2]):
        streams = call(service, "DescribeLogStreams", logGroupIdentifier=identifier)["logStreams"]
        assert [s["logStreamName"] for s in streams] == ["s"]
    error = error_of(service, "DescribeLogStreams", logGroupIdentifier="/app/g", logGroupName="/app/g")
    assert error.code == "InvalidParameterException"


def test_duplicate_and_deleted_streams(service):
    make_stream(service, "g", "s")
    error = error_of(service, "CreateLogStream", logGroupName="g", logStreamName="s")
    assert (error.code, error.message) == ("ResourceAlreadyExistsException", "The specified log stream already exists")
    call(service, "DeleteLogStream", logGroupName="g", logStreamName="s")
    error = error_of(service, "DeleteLogStream", logGroupName="g", logStreamName="s")
    assert (error.code, error.message) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_retention_policy_shows_and_rejects_values_aws_does_not_offer(service):
    call(service, "CreateLogGroup", logGroupName="g")
    call(service, "PutRetentionPolicy", logGroupName="g", retentionInDays=7)
    assert call(service, "DescribeLogGroups")["logGroups"][0]["retentionInDays"] == 7
    error = error_of(service, "PutRetentionPolicy", logGroupName="g", retentionInDays=2)
    assert error.code == "InvalidParameterException"
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30" in error.message
    call(service, "DeleteRetentionPolicy", logGroupName="g")
    assert "retentionInDays" not in call(service, "DescribeLogGroups")["logGroups"][0]


def test_groups_are_regional(service):
    from statewright.services.common import RequestContext

    service.handle("CreateLogGroup", {"logGroupName": "g"}, RequestContext(region="eu-west-1"))
    assert call(service, "DescribeLogGroups")["logGroups"] == []
    [group] = service.handle("DescribeLogGroups", {}, RequestContext(region="eu-west-1"))["logGroups"]
    assert group["arn"].startswith("arn:aws:logs:eu-west-1:")


def test_unknown_operations_are_named(service):
    error = error_of(service, "PutMetricFilter")
    assert error.code == "InvalidOperationException" and "PutMetricFilter" in error.message
