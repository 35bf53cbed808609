"""restXml against botocore's own serializer and parser, over every operation of real models."""

from __future__ import annotations

import base64
import io
import zlib
from urllib.parse import urlsplit
from xml.etree import ElementTree

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from statewright.protocols.errors import ProtocolError
from statewright.protocols.models import ServiceModels
from statewright.protocols.rest_xml import RestXmlProtocol, with_bucket
from statewright.protocols.types import HttpRequest
from statewright.services.common import AwsError

from .wire import Examples, client_parse, client_request

MODELS = ServiceModels()
PROTOCOL = RestXmlProtocol()
SERVICES = ["s3", "route53", "cloudfront"]


def operations(name):
    service = MODELS.get(name)
    return [service.operation_model(op) for op in service.operation_names]


@pytest.mark.parametrize("name", SERVICES)
def test_every_request_reads_as_the_client_wrote_it(name):
    for operation in operations(name):
        if operation.has_event_stream_input:
            continue
        params = Examples().structure(operation.input_shape) if operation.input_shape else {}
        parsed = PROTOCOL.parse(operation.service_model, client_request("rest-xml", operation, params))
        if operation.deprecated and parsed.operation != operation.name:
            # a deprecated operation sent exactly like its successor is read as the successor
            assert operation.service_model.operation_model(parsed.operation).http == operation.http
            continue
        assert parsed.operation == operation.name
        assert parsed.input == params, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_output_reads_back_in_botocore(name):
    for operation in operations(name):
        if operation.output_shape is None or operation.has_event_stream_output:
            continue
        if operation.deprecated:
            continue  # GetBucketNotification's `Event` and flattened `Events` share one element name
        output = Examples().structure(operation.output_shape)
        response = PROTOCOL.serialize(operation, output, "req-1")
        assert client_parse("rest-xml", operation, response) == output, operation.name


@pytest.mark.parametrize("name", SERVICES)
def test_every_modeled_error_reads_back_in_botocore(name):
    service = MODELS.get(name)
    operation = operations(name)[0]
    for shape in service.error_shapes:
        fields = {k: v for k, v in Examples().structure(shape).items() if k.lower() != "message"}
        response = PROTOCOL.serialize_error(service, operation, AwsError(shape.name, "it broke", fields=fields), "r")
        assert response.status == shape.metadata.get("error", {}).get("httpStatusCode", 400)
        parsed = client_parse("rest-xml", operation, response)
        assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (shape.error_code, "it broke")
        modeled = client_parse("rest-xml", operation, response, shape)
        assert {k: v for k, v in modeled.items() if k.lower() != "message"} == fields


def test_s3_errors_are_bare_error_elements_with_request_ids():
    response = PROTOCOL.serialize_error(MODELS.get("s3"), None, AwsError("NoSuchKey", "The specified key does not exist.", 404), "rid")
    root = ElementTree.fromstring(response.body)
    assert root.tag == "Error"
    assert [child.tag for child in root] == ["Code", "Message", "RequestId", "HostId"]
    assert response.status == 404
    assert ("x-amz-request-id", "rid") in response.headers


def test_object_keys_with_slashes_and_special_characters():
    operation = MODELS.get("s3").operation_model("PutObject")
    request = client_request("rest-xml", operation, {"Bucket": "b", "Key": "a/b c/ü+%.txt", "Body": b"data",
                                                     "Metadata": {"owner": "me"}})
    parsed = PROTOCOL.parse(MODELS.get("s3"), request)
    assert parsed.operation == "PutObject"
    assert parsed.input == {"Bucket": "b", "Key": "a/b c/ü+%.txt", "Body": b"data", "Metadata": {"owner": "me"},
                            "ContentLength": 4}  # the Content-Length header is a member of PutObject


@pytest.mark.parametrize(("method", "path", "query", "operation"), [
    ("GET", "/b", "list-type=2&prefix=x", "ListObjectsV2"), ("GET", "/b", "", "ListObjects"),
    ("GET", "/b/", "", "ListObjects"), ("GET", "/b", "tagging", "GetBucketTagging"),
    ("GET", "/b/k", "", "GetObject"), ("GET", "/b/k", "x-id=GetObject", "GetObject"),
    ("POST", "/b/k", "uploads", "CreateMultipartUpload"), ("HEAD", "/b/k", "", "HeadObject"),
    ("GET", "/", "", "ListBuckets"), ("DELETE", "/b", "", "DeleteBucket"),
])
def test_s3_operations_are_told_apart_by_method_path_and_query(method, path, query, operation):
    assert PROTOCOL.parse(MODELS.get("s3"), HttpRequest(method, path, query)).operation == operation


def test_virtual_hosted_requests_are_read_in_path_style():
    request = with_bucket(HttpRequest("GET", "/dir/file.txt", "", {"range": "bytes=0-1"}), "my-bucket")
    parsed = PROTOCOL.parse(MODELS.get("s3"), request)
    assert (parsed.operation, parsed.input) == ("GetObject", {"Bucket": "my-bucket", "Key": "dir/file.txt",
                                                              "Range": "bytes=0-1"})
    assert PROTOCOL.parse(MODELS.get("s3"), with_bucket(HttpRequest("GET", "/"), "my-bucket")).operation == "ListObjects"


def test_object_bodies_stream_through():
    operation = MODELS.get("s3").operation_model("GetObject")
    chunks = iter([b"one", b"two"])
    response = PROTOCOL.serialize(operation, {"Body": chunks, "ContentLength": 6, "ETag": '"e"'}, "r")
    assert response.body is chunks
    assert ("Content-Length", "6") in response.headers


def test_results_have_aws_root_elements_and_namespace():
    operation = MODELS.get("s3").operation_model("ListObjectsV2")
    response = PROTOCOL.serialize(operation, {"Name": "b", "KeyCount": 0}, "r")
    assert ElementTree.fromstring(response.body).tag == "{http://s3.amazonaws.com/doc/2006-03-01/}ListBucketResult"


def test_malformed_xml_is_malformed_xml():
    request = HttpRequest("PUT", "/b", "tagging", {}, b"<Tagging><TagSet>")
    with pytest.raises(ProtocolError) as caught:
        PROTOCOL.parse(MODELS.get("s3"), request)
    assert caught.value.code == "MalformedXML"


class _EmptyRaw:
    def stream(self, **kwargs):
        yield b""


def sent_by_boto3(call) -> HttpRequest:
    """The request a real boto3 S3 client sends to an HTTPS endpoint (where botocore streams
    uploads in aws-chunked encoding with a trailing checksum), caught before it leaves."""
    caught = []

    def catch(request, **kwargs):
        body = request.body.read() if hasattr(request.body, "read") else (request.body or b"")
        url = urlsplit(request.url)
        headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        caught.append(HttpRequest(request.method, url.path, url.query, headers, body))
        return AWSResponse(request.url, 200, {}, _EmptyRaw())

    s3 = boto3.session.Session().client("s3", endpoint_url="https://s3.example.test", region_name="us-east-1",
                                        aws_access_key_id="a", aws_secret_access_key="b",
                                        config=Config(s3={"addressing_style": "path"}))
    s3.meta.events.register("before-send", catch)
    call(s3)
    return caught[0]


def test_aws_chunked_uploads_arrive_as_plain_bodies_with_their_trailing_checksums():
    body = io.BytesIO(b"payload " * 1000)
    request = sent_by_boto3(lambda s3: s3.put_object(Bucket="b", Key="k", Body=body, ContentEncoding="gzip"))
    assert "aws-chunked" in request.headers["content-encoding"]
    assert request.body != b"payload " * 1000
    parsed = PROTOCOL.parse(MODELS.get("s3"), request)
    assert parsed.operation == "PutObject"
    assert parsed.input["Body"] == b"payload " * 1000
    assert parsed.input["ContentEncoding"] == "gzip"
    assert parsed.input["ChecksumCRC32"] == base64.b64encode(zlib.crc32(b"payload " * 1000).to_bytes(4, "big")).decode()


def test_broken_aws_chunked_bodies_are_refused():
    request = HttpRequest("PUT", "/b/k", "", {"content-encoding": "aws-chunked"}, b"zz\r\nabc")
    with pytest.raises(ProtocolError, match="IncompleteBody"):
        PROTOCOL.parse(MODELS.get("s3"), request)
    request = HttpRequest("PUT", "/b/k", "", {"content-encoding": "aws-chunked"}, b"10\r\nabc")
    with pytest.raises(ProtocolError, match="IncompleteBody"):
        PROTOCOL.parse(MODELS.get("s3"), request)


def test_string_payloads_must_be_text():
    assert PROTOCOL.parse(MODELS.get("s3"), HttpRequest("PUT", "/b", "policy", {}, b'{"Version": "2012-10-17"}')).input == \
        {"Bucket": "b", "Policy": '{"Version": "2012-10-17"}'}
    with pytest.raises(ProtocolError, match="UTF-8"):
        PROTOCOL.parse(MODELS.get("s3"), HttpRequest("PUT", "/b", "policy", {}, b"\xff\xfe"))
