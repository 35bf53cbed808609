"""Request ↔ operation members for S3, from botocore's `s3` model: URI, header, header-prefix
(`x-amz-meta-`) and query bindings; the XML payload; output members back into headers and XML."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from statewright.services.common import AwsError

from . import xml

# Output root elements where S3's name differs from the output shape's (documented responses).
ROOTS = {
    "ListObjectsV2": "ListBucketResult", "ListObjects": "ListBucketResult", "ListBuckets": "ListAllMyBucketsResult",
    "ListObjectVersions": "ListVersionsResult", "ListParts": "ListPartsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult", "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult", "DeleteObjects": "DeleteResult",
    "GetBucketCors": "CORSConfiguration", "GetBucketTagging": "Tagging", "GetObjectTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}


class ServiceModel:
    """The `s3` model, loaded once per wire front."""

    def __init__(self) -> None:
        import botocore.session

        self.model = botocore.session.get_session().get_service_model("s3")

    def operation(self, name: str) -> Any:
        return self.model.operation_model(name)


def _invalid(name: str, value: str) -> AwsError:
    return AwsError("InvalidArgument", f"Invalid value for {name}", 400,
                    fields={"ArgumentName": name, "ArgumentValue": value[:256]})


def _http_date(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None


def convert(shape: Any, name: str, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError as error:
            raise _invalid(name, text) from error
    if kind == "boolean":
        return text.strip().lower() == "true"
    if kind == "timestamp":
        return _http_date(text)  # AWS ignores a conditional date it cannot parse
    if kind == "list":
        return [item.strip() for item in text.split(",") if item.strip()]
    if shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(text))
        except ValueError as error:
            raise _invalid(name, text) from error
    return text


def request_input(op: Any, bucket: str | None, key: str | None, headers: dict[str, str],
                  query: dict[str, str], body: bytes | None) -> dict[str, Any]:
    """The operation's input members from the request (the streaming `Body` is added by the
    caller)."""
    shape = op.input_shape
    result: dict[str, Any] = {}
    if shape is None:
        return result
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if where == "uri":
            value = bucket if wire_name == "Bucket" else key
            if value is not None:
                result[name] = value
        elif where == "header":
            text = headers.get(wire_name.lower())
            if text is not None:
                converted = convert(member, wire_name, text)
                if converted is not None:
                    result[name] = converted
        elif where == "headers":
            prefix = wire_name.lower()
            found = {h[len(prefix):]: v for h, v in headers.items() if h.startswith(prefix)}
            if found:
                result[name] = found
        elif where == "querystring":
            if wire_name in query:
                result[name] = convert(member, wire_name, query[wire_name])
    payload = shape.serialization.get("payload")
    if payload and body is not None:
        member = shape.members[payload]
        if member.type_name == "structure":
            if body.strip():
                result[payload] = xml.parse(member, body)
        elif not member.serialization.get("streaming") and member.type_name in ("string", "blob"):
            result[payload] = body.decode("utf-8", "replace") if member.type_name == "string" else body
    return result


def header_text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp" and isinstance(value, datetime):
        if shape.serialization.get("timestampFormat") == "iso8601":
            return xml.iso(value)
        return format_datetime(value.astimezone(UTC), usegmt=True)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "list":
        return ",".join(str(v) for v in value)
    return str(value)


def response_parts(name: str, op: Any, output: dict[str, Any]) -> tuple[list[tuple[str, str]], Any]:
    """Headers and body (bytes, or an iterator of chunks for a streamed object) for an output."""
    shape = op.output_shape
    headers: list[tuple[str, str]] = []
    if shape is None:
        return headers, b""
    for member_name, member in shape.members.items():
        value = output.get(member_name)
        if value is None:
            continue
        where = member.serialization.get("location")
        wire_name = member.serialization.get("name", member_name)
        if where == "header":
            headers.append((wire_name, header_text(member, value)))
        elif where == "headers":
            headers.extend((f"{wire_name}{k}", str(v)) for k, v in value.items())
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        value = output.get(payload)
        if member.serialization.get("streaming") or member.type_name == "blob":
            return headers, value if value is not None else b""
        if member.type_name == "string":
            return headers, (value or "").encode()
        if value is None:
            return headers, b""
        return headers, xml.document(member.serialization.get("name", payload), member, value)
    if name == "GetBucketLocation":
        return headers, xml.text_document("LocationConstraint", output.get("LocationConstraint"))
    if not any(not m.serialization.get("location") for m in shape.members.values()):
        return headers, b""
    root = ROOTS.get(name) or shape.serialization.get("name") or name + "Result"
    return headers, xml.document(root, shape, output)
