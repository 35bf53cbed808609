"""Real boto3 clients over real HTTP against each protocol (routing + protocol + a recording
stand-in service, glued by tests/protocols/glue.py): what the service is handed, and what the
client makes of the answer."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from statewright.protocols.models import ServiceModels
from statewright.protocols.types import HttpResponse
from statewright.services.common import AwsError

from .glue import RecordingService, build_app, serving
from .wire import client_parse, client_request

WHEN = datetime(2026, 11, 30, 8, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def services():
    big = b"0123456789" * 50_000
    return {
        "stepfunctions": RecordingService("stepfunctions", {
            "ListActivities": {"activities": [{"activityArn": "arn:aws:states:eu-west-1:123456789012:activity:a",
                                               "name": "a", "creationDate": WHEN.timestamp()}]},
            "DescribeActivity": AwsError("ActivityDoesNotExist", "Activity does not exist: 'x'"),
        }),
        "lambda": RecordingService("lambda", {
            "Invoke": {"StatusCode": 200, "Payload": b'{"ok": true}', "ExecutedVersion": "$LATEST"},
            "GetFunction": AwsError("ResourceNotFoundException", "Function not found: f"),
        }),
        "s3": RecordingService("s3", {
            "PutObject": {"ETag": '"etag"'},
            "GetObject": lambda: {"Body": iter([big[:100_000], big[100_000:]]), "ContentLength": len(big),
                                  "ContentType": "application/octet-stream", "LastModified": WHEN},
            "HeadBucket": {},
            "DeleteObject": AwsError("NoSuchKey", "The specified key does not exist.", 404),
        }),
        "cloudwatch": RecordingService("cloudwatch", {
            "GetMetricData": {"MetricDataResults": [{"Id": "m", "Timestamps": [WHEN], "Values": [1.5]}]},
            "GetDashboard": AwsError("ResourceNotFound", "Dashboard d does not exist"),
        }),
    }


@pytest.fixture(scope="module")
def endpoint(services):
    with serving(build_app(services, ServiceModels())) as url:
        yield url


def client(name, endpoint, region="eu-west-1", **config):
    return boto3.session.Session().client(
        name, endpoint_url=endpoint, region_name=region, aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False, **config))


def last_call(service):
    return service.calls[-1]


def test_aws_json(endpoint, services):
    sfn = client("stepfunctions", endpoint)
    answer = sfn.list_activities(maxResults=5)
    assert answer["activities"][0]["creationDate"] == WHEN
    operation, input, context = last_call(services["stepfunctions"])
    assert (operation, input, context.region, context.access_key) == ("ListActivities", {"maxResults": 5},
                                                                       "eu-west-1", "AKIDLOCAL")
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist) as caught:
        sfn.describe_activity(activityArn="arn:aws:states:eu-west-1:123456789012:activity:x")
    assert caught.value.response["Error"]["Message"] == "Activity does not exist: 'x'"


def test_rest_json(endpoint, services):
    lam = client("lambda", endpoint, region="cn-north-1")
    answer = lam.invoke(FunctionName="my-function", Payload=b'{"a": 1}', Qualifier="live")
    assert answer["StatusCode"] == 200 and answer["ExecutedVersion"] == "$LATEST"
    assert answer["Payload"].read() == b'{"ok": true}'
    operation, input, context = last_call(services["lambda"])
    assert operation == "Invoke"
    assert input == {"FunctionName": "my-function", "Qualifier": "live", "Payload": b'{"a": 1}'}
    assert (context.region, context.partition) == ("cn-north-1", "aws-cn")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as caught:
        lam.get_function(FunctionName="f")
    assert caught.value.response["Error"]["Message"] == "Function not found: f"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_rest_xml(endpoint, services):
    s3 = client("s3", endpoint, s3={"addressing_style": "path"})
    s3.put_object(Bucket="bucket", Key="dir/a b+c.txt", Body=b"hello", Metadata={"owner": "me"})
    operation, input, _ = last_call(services["s3"])
    assert operation == "PutObject"
    assert (input["Bucket"], input["Key"], input["Body"], input["Metadata"]) == \
        ("bucket", "dir/a b+c.txt", b"hello", {"owner": "me"})
    answer = s3.get_object(Bucket="bucket", Key="big")
    assert answer["Body"].read() == b"0123456789" * 50_000
    assert answer["LastModified"] == WHEN
    with pytest.raises(ClientError) as caught:
        s3.delete_object(Bucket="bucket", Key="missing")
    assert caught.value.response["Error"]["Code"] == "NoSuchKey"


def test_cloudwatch_as_boto3_speaks_to_it(endpoint, services):
    # botocore prefers awsJson among CloudWatch's protocols: the service gets the JSON as sent
    cloudwatch = client("cloudwatch", endpoint, region="us-gov-west-1")
    assert cloudwatch.meta.service_model.resolved_protocol == "json"
    answer = cloudwatch.get_metric_data(
        MetricDataQueries=[{"Id": "m", "Expression": "SUM(x)"}], StartTime=WHEN, EndTime=WHEN)
    assert answer["MetricDataResults"] == [{"Id": "m", "Timestamps": [WHEN], "Values": [1.5]}]
    operation, input, context = last_call(services["cloudwatch"])
    assert (operation, input["StartTime"], context.partition) == ("GetMetricData", WHEN.timestamp(), "aws-us-gov")
    with pytest.raises(ClientError) as caught:
        cloudwatch.get_dashboard(DashboardName="d")
    # the model's query code (DashboardNotFoundError's `error.code`), which boto3 matches by
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    assert caught.value.response["Error"]["Message"] == "Dashboard d does not exist"


def send(endpoint: str, request) -> HttpResponse:
    """`request` over real HTTP (urllib), as an HttpResponse."""
    sent = urllib.request.Request(f"{endpoint}{request.path}", data=request.body or None,
                                  headers=request.headers, method=request.method)
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            return HttpResponse(answer.status, list(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return HttpResponse(error.code, list(error.headers.items()), error.read())


def test_rpc_v2_cbor_over_http(endpoint, services):
    model = ServiceModels().get("cloudwatch")
    operation = model.operation_model("GetMetricData")
    params = {"MetricDataQueries": [{"Id": "m", "Expression": "SUM(x)"}], "StartTime": WHEN, "EndTime": WHEN}
    response = send(endpoint, client_request("smithy-rpc-v2-cbor", operation, params, region="us-gov-west-1"))
    assert ("smithy-protocol", "rpc-v2-cbor") in [(k.lower(), v) for k, v in response.headers]
    assert client_parse("smithy-rpc-v2-cbor", operation, response) == \
        {"MetricDataResults": [{"Id": "m", "Timestamps": [WHEN], "Values": [1.5]}]}
    _, input, context = last_call(services["cloudwatch"])
    assert (input, context.region) == (params, "us-gov-west-1")  # CBOR brings its types
    failing = model.operation_model("GetDashboard")
    response = send(endpoint, client_request("smithy-rpc-v2-cbor", failing, {"DashboardName": "d"}))
    parsed = client_parse("smithy-rpc-v2-cbor", failing, response)
    assert (response.status, parsed["Error"]["Code"]) == (404, "ResourceNotFound")
