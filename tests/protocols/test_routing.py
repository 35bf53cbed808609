"""Routing: the SigV4 credential scope first (service and region), protocol markers otherwise."""

from __future__ import annotations

import pytest

from statewright.protocols.models import ServiceModels
from statewright.protocols.routing import credential_scope, identify, unroutable
from statewright.protocols.types import HttpRequest

from .wire import client_parse, client_request

MODELS = ServiceModels()
REGISTERED = {"stepfunctions", "dynamodb", "dynamodbstreams", "logs", "sts", "cloudformation", "iam", "sns"}


def request_for(service: str, operation: str, params=None, **signing) -> HttpRequest:
    model = MODELS.get(service)
    protocol = MODELS.protocols(service)[0]
    return client_request(protocol, model.operation_model(operation), params or {}, **signing)


@pytest.mark.parametrize(("region", "partition"), [
    ("us-east-1", "aws"), ("eu-central-1", "aws"), ("ap-southeast-2", "aws"),
    ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"),
])
def test_signed_requests_take_service_and_region_from_the_scope(region, partition):
    request = request_for("stepfunctions", "ListStateMachines", region=region, access_key="AKIDSIGNED")
    route = identify(request, MODELS, REGISTERED, "us-east-1")
    assert route is not None
    assert (route.service, route.protocol_name, route.region, route.partition, route.access_key) == \
        ("stepfunctions", "json", region, partition, "AKIDSIGNED")


def test_presigned_requests_carry_the_scope_in_the_query_string():
    request = request_for("sts", "GetCallerIdentity", region="eu-west-3", presign=True)
    assert "X-Amz-Credential" in request.query and "authorization" not in request.headers
    route = identify(request, MODELS, REGISTERED, "us-east-1")
    assert route is not None and (route.service, route.region) == ("sts", "eu-west-3")


def test_models_sharing_a_signing_name_are_told_apart_by_target_prefix():
    streams = request_for("dynamodbstreams", "ListStreams", region="us-west-2")
    tables = request_for("dynamodb", "ListTables", region="us-west-2")
    assert "Credential=AKIDEXAMPLE/" in streams.headers["authorization"]
    assert "/us-west-2/dynamodb/aws4_request" in streams.headers["authorization"]
    assert identify(streams, MODELS, REGISTERED, "us-east-1").service == "dynamodbstreams"
    assert identify(tables, MODELS, REGISTERED, "us-east-1").service == "dynamodb"


@pytest.mark.parametrize(("service", "operation", "protocol"), [
    ("stepfunctions", "ListActivities", "json"), ("dynamodb", "ListTables", "json"),
    ("dynamodbstreams", "ListStreams", "json"), ("logs", "DescribeLogGroups", "json"),
    ("sts", "GetCallerIdentity", "query"), ("cloudformation", "ListStacks", "query"),
    ("iam", "ListRoles", "query"), ("sns", "ListTopics", "query"),
])
def test_unsigned_requests_are_routed_by_markers(service, operation, protocol):
    route = identify(request_for(service, operation), MODELS, REGISTERED, "eu-north-1")
    assert route is not None
    assert (route.service, route.protocol_name, route.region, route.partition, route.access_key) == \
        (service, protocol, "eu-north-1", "aws", "")


def test_an_action_in_several_query_services_is_told_apart_by_version():
    registered = REGISTERED | {"cloudwatch"}  # CloudWatch and SNS both have TagResource
    for service in ("sns", "cloudwatch"):
        body = f"Action=TagResource&Version={MODELS.get(service).api_version}".encode()
        request = HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"}, body)
        route = identify(request, MODELS, registered, "us-east-1")
        assert route is not None and (route.service, route.protocol_name) == (service, "query")
    ambiguous = HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"},
                            b"Action=TagResource")
    assert identify(ambiguous, MODELS, registered, "us-east-1") is None


def test_a_signed_request_without_a_fitting_marker_goes_to_the_signed_service():
    request = request_for("stepfunctions", "ListActivities", region="us-east-1")
    request.headers["x-amz-target"] = "AWSStepFunctions.NoSuchThing"
    route = identify(request, MODELS, REGISTERED, "us-east-1")
    assert route is not None and route.service == "stepfunctions"


@pytest.mark.parametrize("request_", [
    HttpRequest("POST", "/", "", {"x-amz-target": "Nobody_2020.Do"}, b"{}"),
    HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"}, b"Action=Nothing"),
    HttpRequest("GET", "/health"),
])
def test_unroutable_requests_have_no_route(request_):
    assert identify(request_, MODELS, REGISTERED, "us-east-1") is None


def test_unregistered_services_are_not_routed_to():
    assert identify(request_for("sts", "GetCallerIdentity", region="us-east-1"), MODELS,
                    {"stepfunctions"}, "us-east-1") is None


def test_credential_scopes_are_taken_apart():
    header = ("AWS4-HMAC-SHA256 Credential=AKID/20261130/us-west-2/states/aws4_request, "
              "SignedHeaders=host;x-amz-date, Signature=abc")
    scope = credential_scope(HttpRequest("POST", "/", "", {"authorization": header}))
    assert scope is not None
    assert (scope.access_key, scope.date, scope.region, scope.service) == ("AKID", "20261130", "us-west-2", "states")
    assert credential_scope(HttpRequest("POST", "/", "", {"authorization": "Bearer x"})) is None
    assert credential_scope(HttpRequest("GET", "/", "X-Amz-Credential=broken")) is None


REST = REGISTERED | {"lambda", "s3", "apigateway"}


@pytest.mark.parametrize(("service", "operation", "params"), [
    ("lambda", "Invoke", {"FunctionName": "f", "Payload": b"{}"}),
    ("lambda", "ListFunctions", {}),
    ("lambda", "GetFunction", {"FunctionName": "f"}),
    ("apigateway", "GetRestApis", {}),
    ("s3", "ListBuckets", {}),
    ("s3", "GetObject", {"Bucket": "b", "Key": "k/ey"}),
    ("s3", "PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}),
])
def test_unsigned_rest_requests_go_to_the_most_specific_model(service, operation, params):
    route = identify(request_for(service, operation, params), MODELS, REST, "us-east-1")
    assert route is not None
    assert (route.service, route.protocol_name) == (service, MODELS.protocols(service)[0])
    assert route.protocol.parse(MODELS.get(service), request_for(service, operation, params)).operation == operation


def test_signed_rest_requests_follow_the_scope_even_where_paths_overlap():
    # /2015-03-31/functions is a valid S3 object path too: signed for s3, it is S3's
    request = request_for("s3", "GetObject", {"Bucket": "2015-03-31", "Key": "functions"}, region="ap-south-1")
    route = identify(request, MODELS, REST, "us-east-1")
    assert route is not None and (route.service, route.region) == ("s3", "ap-south-1")
    presigned = request_for("s3", "GetObject", {"Bucket": "b", "Key": "k"}, region="eu-west-2", presign=True)
    route = identify(presigned, MODELS, REST, "us-east-1")
    assert route is not None and (route.service, route.region, route.protocol_name) == ("s3", "eu-west-2", "rest-xml")


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
@pytest.mark.parametrize("signed", [True, False])
def test_a_model_with_several_protocols_is_answered_in_the_one_the_request_speaks(protocol, signed):
    registered = REGISTERED | {"cloudwatch"}
    operation = MODELS.get("cloudwatch").operation_model("ListMetrics")
    request = client_request(protocol, operation, {"Namespace": "App"}, region="sa-east-1" if signed else None)
    route = identify(request, MODELS, registered, "us-east-1")
    assert route is not None
    assert (route.service, route.protocol_name) == ("cloudwatch", protocol)
    assert route.region == ("sa-east-1" if signed else "us-east-1")
    parsed = route.protocol.parse(MODELS.get("cloudwatch"), request)
    assert (parsed.operation, parsed.input) == ("ListMetrics", {"Namespace": "App"})


def test_cbor_requests_for_an_unregistered_prefix_have_no_route():
    request = HttpRequest("POST", "/service/Nobody/operation/Do", "", {"smithy-protocol": "rpc-v2-cbor"}, b"")
    assert identify(request, MODELS, REGISTERED | {"cloudwatch"}, "us-east-1") is None


def test_unroutable_requests_are_answered_in_the_shape_their_markers_suggest():
    json_request = HttpRequest("POST", "/", "", {"x-amz-target": "Nobody_2020.Do"}, b"{}")
    parsed = client_parse("json", None, unroutable(json_request, MODELS, "r"), None)
    assert parsed["Error"]["Code"] == "UnknownOperationException" and "Nobody_2020.Do" in parsed["Error"]["Message"]
    no_target = HttpRequest("POST", "/", "", {"content-type": "application/x-amz-json-1.0"}, b"{}")
    response = unroutable(no_target, MODELS, "r")
    assert response.status == 400 and b"UnknownOperationException" in response.body
    form = HttpRequest("POST", "/", "", {"content-type": "application/x-www-form-urlencoded"}, b"Action=Nothing&Version=1")
    parsed = client_parse("query", None, unroutable(form, MODELS, "r"), None)
    assert parsed["Error"]["Code"] == "InvalidAction" and "Nothing" in parsed["Error"]["Message"]
    cbor = HttpRequest("POST", "/service/X/operation/Y", "", {"smithy-protocol": "rpc-v2-cbor"}, b"")
    parsed = client_parse("smithy-rpc-v2-cbor", None, unroutable(cbor, MODELS, "r"), None)
    assert parsed["Error"]["Code"] == "UnknownOperationException"
    rest = unroutable(HttpRequest("GET", "/nothing/here"), MODELS, "r")
    assert rest.status == 404
    assert client_parse("rest-json", None, rest, None)["Error"]["Code"] == "UnknownOperationException"


def test_sigv4a_scopes_take_the_region_from_the_region_set():
    header = ("AWS4-ECDSA-P256-SHA256 Credential=AKIDA/20261130/s3/aws4_request, "
              "SignedHeaders=host;x-amz-region-set, Signature=abc")
    signed = HttpRequest("GET", "/b/k", "", {"authorization": header, "x-amz-region-set": "eu-west-1,us-east-1"})
    scope = credential_scope(signed)
    assert scope is not None and (scope.access_key, scope.service, scope.region) == ("AKIDA", "s3", "eu-west-1")
    route = identify(signed, MODELS, REST, "us-east-1")
    assert route is not None and (route.service, route.region) == ("s3", "eu-west-1")
    anywhere = HttpRequest("GET", "/b/k", "", {"authorization": header, "x-amz-region-set": "*"})
    route = identify(anywhere, MODELS, REST, "ap-northeast-1")
    assert route is not None and (route.service, route.region) == ("s3", "ap-northeast-1")


def test_the_route_cache_answers_as_identify_does():
    from statewright.protocols.routing import RouteCache

    cache = RouteCache(MODELS)
    requests = [request_for("stepfunctions", "ListStateMachines", region=region, access_key=key)
                for region in ("eu-west-1", "us-west-2") for key in ("AKIDONE", "AKIDTWO")]
    requests += [request_for("dynamodb", "ListTables", region="eu-west-1"), request_for("dynamodb", "ListTables"),
                 request_for("sts", "GetCallerIdentity", region="eu-west-3", presign=True),
                 request_for("sns", "ListTopics", region="ap-south-1")]
    for _ in range(2):  # the second time from the cache, where it keeps them
        for request in requests:
            assert cache.identify(request, REGISTERED, "us-east-1") == identify(request, MODELS, REGISTERED, "us-east-1")
    # A route names the services registered when it was found: fewer services, another answer.
    without = REGISTERED - {"stepfunctions"}
    assert cache.identify(requests[0], without, "us-east-1") is None
    assert cache.identify(requests[0], REGISTERED, "us-east-1") is not None


def test_the_route_cache_starts_over_past_its_limit():
    from statewright.protocols.routing import RouteCache

    cache = RouteCache(MODELS)
    for i in range(RouteCache.LIMIT + 5):
        request = request_for("stepfunctions", "ListStateMachines", region="eu-west-1", access_key=f"AKID{i}")
        route = cache.identify(request, REGISTERED, "us-east-1")
        assert route is not None and route.access_key == f"AKID{i}"
    assert len(cache._routes) <= RouteCache.LIMIT
