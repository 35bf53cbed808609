"""restXml (botocore's `rest-xml`: S3, Route 53, CloudFront): HTTP bindings as in restJson1, XML
bodies walked along the shape, raw (streamable) blob payloads. S3 writes errors as
`<Error><Code/><Message/><RequestId/><HostId/></Error>`; the others as
`<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.

S3's virtual-hosted style (`bucket.s3.localhost`) is the S3 service's or the edge's concern:
`with_bucket` turns such a request into the path style the model describes."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, fromstring

from .errors import ProtocolError, error_shape, error_status
from .rest import RestRequestReader, write_bindings
from .rest_json import raw_payload
from .types import ErrorLike, HttpRequest, HttpResponse
from .xmlcodec import add_namespace, read_members, to_bytes, write_members

CODE = "MalformedXML"
CONTENT_TYPE = "application/xml"
# The root element of S3 results that have no payload member: AWS's names (S3 API reference),
# which botocore's models do not carry (clients ignore the root's name). Others: "<Op>Result".
S3_ROOTS = {
    "ListBuckets": "ListAllMyBucketsResult", "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult", "ListObjectVersions": "ListVersionsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult", "ListParts": "ListPartsResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult", "DeleteObjects": "DeleteResult",
    "GetBucketLocation": "LocationConstraint", "GetBucketTagging": "Tagging", "GetObjectTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration", "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy", "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration", "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}


def with_bucket(request: HttpRequest, bucket: str) -> HttpRequest:
    """A virtual-hosted S3 request (`Host: <bucket>.s3…`) in path style (`/<bucket>/<key>`)."""
    return HttpRequest(request.method, f"/{bucket}{request.path}", request.query, request.headers, request.body)


class RestXmlProtocol(RestRequestReader):
    name = "rest-xml"
    code = CODE

    def __init__(self) -> None:
        super().__init__()
        self._namespaces: dict[str, str | None] = {}

    def unknown_code(self, service: Any) -> str:
        return "MethodNotAllowed" if service.service_name == "s3" else "UnknownOperation"

    def has_body(self, body: bytes) -> bool:
        return bool(body.strip())

    def read_body(self, shape: Any, body: bytes, path: str) -> Any:
        return read_members(shape, _xml_body(body), path, CODE)

    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse:
        service = operation.service_model
        shape = operation.output_shape
        headers = self._request_headers(service, request_id)
        default = int(operation.http.get("responseCode", 200))
        if shape is None:
            return HttpResponse(default, headers, b"")
        status, bound = write_bindings(shape, output, default)
        headers = bound + headers
        payload = shape.serialization.get("payload")
        body: Any = b""
        if payload is not None:
            member, value = shape.members[payload], output.get(payload)
            if member.type_name in ("blob", "string"):
                body = raw_payload(value)
            elif value is not None:
                root = Element(member.serialization.get("name", payload))
                add_namespace(member, root)
                write_members(root, member, value, "iso8601")
                body = to_bytes(root, True)
        elif any(output.get(n) is not None and m.serialization.get("location") is None
                 for n, m in shape.members.items()):
            root = Element(self._root_name(service, operation, shape))
            namespace = self.namespace(service)
            if namespace:
                root.set("xmlns", namespace)
            write_members(root, shape, output, "iso8601")
            body = to_bytes(root, True)
        if body and not any(name.lower() == "content-type" for name, _ in headers) \
                and not (payload is not None and shape.members[payload].type_name in ("blob", "string")):
            headers.append(("content-type", CONTENT_TYPE))
        return HttpResponse(status, headers, body)

    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse:
        shape = error_shape(service, error.code) if service is not None else None
        code = str(shape.error_code) if shape is not None else error.code
        s3 = service is None or service.service_name == "s3"
        root = Element("Error") if s3 else Element("ErrorResponse")
        if not s3 and self.namespace(service):
            root.set("xmlns", str(self.namespace(service)))
        detail = root if s3 else SubElement(root, "Error")
        if not s3:
            SubElement(detail, "Type").text = "Sender" if error.sender_fault else "Receiver"
        SubElement(detail, "Code").text = code
        SubElement(detail, "Message").text = error.message
        _write_fields(detail, shape, error.fields)
        SubElement(root, "RequestId").text = request_id
        if s3:
            SubElement(root, "HostId").text = request_id
        headers = self._request_headers(service, request_id) + [("content-type", CONTENT_TYPE)]
        return HttpResponse(error_status(service, error), headers,
                            to_bytes(root, True))

    def namespace(self, service: Any) -> str | None:
        """The model's XML namespace: its metadata's, else the one its request payloads declare
        (S3's models carry it only there)."""
        name = service.service_name
        if name not in self._namespaces:
            found = service.metadata.get("xmlNamespace")
            for operation in service.operation_names if not found else ():
                shape = service.operation_model(operation).input_shape
                payload = shape.serialization.get("payload") if shape is not None else None
                namespace = shape.members[payload].serialization.get("xmlNamespace") if payload else None
                if namespace:
                    found = namespace["uri"] if isinstance(namespace, dict) else namespace
                    break
            self._namespaces[name] = found
        return self._namespaces[name]

    @staticmethod
    def _root_name(service: Any, operation: Any, shape: Any) -> str:
        if service.service_name == "s3" and operation.name in S3_ROOTS:
            return S3_ROOTS[operation.name]
        return str(shape.serialization.get("name") or f"{operation.name}Result")

    @staticmethod
    def _request_headers(service: Any, request_id: str) -> list[tuple[str, str]]:
        if service is not None and service.service_name == "s3":
            return [("x-amz-request-id", request_id), ("x-amz-id-2", request_id)]
        return [("x-amzn-requestid", request_id)]


def _write_fields(node: Element, shape: Any, fields: dict[str, Any]) -> None:
    modeled = {k: v for k, v in fields.items() if shape is not None and k in shape.members}
    if shape is not None:
        write_members(node, shape, modeled, "iso8601")
    for key, value in fields.items():
        if key not in modeled and value is not None:
            SubElement(node, key).text = str(value)


def _xml_body(body: bytes) -> Element:
    try:
        return fromstring(body)
    except ParseError as error:
        raise ProtocolError(CODE, "The XML you provided was not well-formed or did not validate against "
                                  f"our published schema ({error})") from None
