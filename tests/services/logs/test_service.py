"""The service as a whole: any request body gets an answer or an AWS error, never a crash; and
`create(platform)` builds it from the settings."""

from __future__ import annotations

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statewright.services.common import AwsError
from statewright.services.common.platform import Platform, Settings
from statewright.services.logs import LogsService, create

from .conftest import CONTEXT

MODEL = botocore.session.get_session().get_service_model("logs")
OPERATIONS = ["CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "CreateLogStream", "DeleteLogStream",
              "DescribeLogStreams", "PutRetentionPolicy", "DeleteRetentionPolicy", "PutLogEvents", "GetLogEvents",
              "FilterLogEvents", "TagResource", "UntagResource", "ListTagsForResource"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**45), st.text(max_size=20),
                    st.sampled_from(["g", "/app/g", "s", "arn:aws:logs:us-east-1:123456789012:log-group:g", "ERROR",
                                     "{ $.a = 1 }", "[a, b]", "f/1/s", "b/2/s"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["timestamp", "message", "k"]),
                                                                       inner, max_size=3)), max_leaves=6)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    service = LogsService(tmp_path_factory.mktemp("logs-fuzz"), sweep_seconds=3600)
    service.handle("CreateLogGroup", {"logGroupName": "g"}, CONTEXT)
    service.handle("CreateLogStream", {"logGroupName": "g", "logStreamName": "s"}, CONTEXT)
    yield service
    service.close()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.data())
def test_any_body_gets_an_answer_or_an_aws_error(shared, data):
    operation = data.draw(st.sampled_from(OPERATIONS))
    members = list(MODEL.operation_model(operation).input_shape.members)
    body = data.draw(st.dictionaries(st.sampled_from(members), values, max_size=len(members)))
    try:
        answer = shared.handle(operation, body, CONTEXT)
    except AwsError as error:
        assert error.code and error.message
        assert error.sender_fault, f"{operation} {body}: {error}"  # the server never fails on bad input
    else:
        assert isinstance(answer, dict)


def test_create_from_the_platform(tmp_path):
    platform = Platform(settings=Settings(data_dir=tmp_path, region="eu-west-1"), store=None, engine=None,
                        clock=None, integrations=None)
    service = create(platform)
    try:
        assert service.name == "logs" and not service.is_long("FilterLogEvents")
        assert (tmp_path / "logs.db").exists()
        service.lambda_sink("fn", "stream", ["line"])
        service.write_events("/aws/lambda/fn", "stream", []).result(10)
        [group] = service.handle("DescribeLogGroups", {}, CONTEXT.__class__(region="eu-west-1"))["logGroups"]
        assert group["arn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*"
    finally:
        service.close()


def test_data_survives_a_restart(tmp_path):
    first = LogsService(tmp_path)
    first.handle("CreateLogGroup", {"logGroupName": "kept"}, CONTEXT)
    first.lambda_sink("fn", "s", ["queued at close"])
    first.close()
    second = LogsService(tmp_path)
    try:
        names = [g["logGroupName"] for g in second.handle("DescribeLogGroups", {}, CONTEXT)["logGroups"]]
        assert names == ["/aws/lambda/fn", "kept"]
        got = second.handle("GetLogEvents", {"logGroupName": "/aws/lambda/fn", "logStreamName": "s"}, CONTEXT)
        assert [e["message"] for e in got["events"]] == ["queued at close"]
    finally:
        second.close()


@pytest.mark.parametrize(("operation", "body", "code"), [
    ("DescribeLogGroups", {"logGroupClass": {"a": 1}}, "InvalidParameterException"),
    ("DescribeLogGroups", {"logGroupIdentifiers": [{"x": 1}]}, "SerializationException"),
    ("DescribeLogGroups", {"logGroupIdentifiers": "g"}, "SerializationException"),
    ("FilterLogEvents", {"logGroupName": "g", "logStreamNames": [None]}, "InvalidParameterException"),
    ("FilterLogEvents", {"logGroupName": "g", "logStreamNames": ["a:b"]}, "InvalidParameterException"),
    ("FilterLogEvents", {"logGroupName": "g", "logStreamNames": []}, "InvalidParameterException"),
    ("GetLogEvents", {"logGroupName": "g", "logStreamName": "nope", "nextToken": 5}, "InvalidParameterException"),
    ("PutLogEvents", {"logGroupName": "g", "logStreamName": "s", "logEvents": [{"timestamp": True, "message": "x"}]},
     "SerializationException"),
])
def test_wrongly_typed_members_are_the_callers_fault(shared, operation, body, code):
    with pytest.raises(AwsError) as caught:
        shared.handle(operation, body, CONTEXT)
    assert caught.value.code == code and caught.value.sender_fault


def test_forged_listing_tokens_are_invalid_tokens(shared):
    from statewright.services.logs.tokens import page_token

    group_id = shared.db.query("SELECT id FROM logs_groups WHERE name = 'g'")[0][0]
    for operation, body in (
            ("DescribeLogGroups", {"nextToken": page_token("groups", 5)}),
            ("DescribeLogStreams", {"logGroupName": "g", "nextToken": page_token(
                f"streams:{group_id}:LogStreamName:False", "x")}),
            ("FilterLogEvents", {"logGroupName": "g", "nextToken": page_token(f"filter:{group_id}", ["a", 1])}),
            ("FilterLogEvents", {"logGroupName": "g", "nextToken": page_token("filter:999", [1, 1])})):
        with pytest.raises(AwsError) as caught:
            shared.handle(operation, body, CONTEXT)
        assert (caught.value.code, caught.value.message) == ("InvalidParameterException",
                                                             "The specified nextToken is invalid.")
