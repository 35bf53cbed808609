"""Browser uploads with an HTML form (`POST /<bucket>` as multipart/form-data): the form's
fields, its signed POST policy and the policy's conditions, as S3 checks them."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from statewright.services.common import AwsError

from .sigv4 import Secrets, verify_policy_signature, verify_policy_signature_v2

# Form bodies are read whole (a browser form upload); objects larger than this go through
# presigned PUTs or multipart uploads, as on AWS where a POST upload is limited to 5 GB.
MAX_FORM_BYTES = 256 * 1024 * 1024
# With SigV2 forms, `AWSAccessKeyId` and `signature` stand beside the policy too.
_NOT_CONDITIONED = {"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"}


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)  # lower-cased names
    filename: str = ""
    file_type: str | None = None
    data: bytes = b""


def _denied(message: str) -> AwsError:
    return AwsError("AccessDenied", f"Invalid according to Policy: {message}", 403)


def _params(header: str) -> tuple[str, dict[str, str]]:
    value, *rest = header.split(";")
    params = {}
    for item in rest:
        name, _, text = item.strip().partition("=")
        params[name.lower()] = text.strip().strip('"')
    return value.strip().lower(), params


def parse_form(content_type: str, body: bytes) -> Form:
    kind, params = _params(content_type)
    boundary = params.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                       fields={"Condition": "Bucket POST must be of the enclosure-type multipart/form-data"})
    form = Form()
    sections = (b"\r\n" + body).split(b"\r\n--" + boundary.encode())
    for section in sections[1:]:
        if section.startswith(b"--"):
            break
        head, _, content = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        _, disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get("name", "").lower()
        if name == "file":
            form.filename = disposition.get("filename", "")
            form.file_type = headers.get("content-type")
            form.data = content
            break  # AWS: "The file or text content must be the last field in the form"
        form.fields[name] = content.decode("utf-8", "replace")
    if "key" not in form.fields:
        raise AwsError("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, "
                       "please check the order of the fields.", 400,
                       fields={"ArgumentName": "key", "ArgumentValue": ""})
    return form


def check_policy(form: Form, bucket: str, secrets: Secrets, now: float) -> None:
    """AWS: "The POST policy ... specifies conditions that the request must meet"; "Each form
    field that you specify in a form (except x-amz-signature, file, policy, and field names that
    have an x-ignore- prefix) must appear in the list of conditions"."""
    encoded = form.fields.get("policy")
    if encoded is None:
        return  # an anonymous form upload; no policy to check
    signature = form.fields.get("x-amz-signature")
    credential = form.fields.get("x-amz-credential")
    if signature and credential:
        verify_policy_signature(encoded, credential, signature, secrets)
    elif form.fields.get("signature") and form.fields.get("awsaccesskeyid"):
        verify_policy_signature_v2(encoded, form.fields["awsaccesskeyid"], form.fields["signature"], secrets)
    else:
        raise AwsError("InvalidArgument", "Bucket POST must contain a field named 'X-Amz-Signature'.", 400)
    try:
        policy = json.loads(base64.b64decode(encoded))
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError) as error:
        raise AwsError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400) from error
    if now > expiration.timestamp():
        raise _denied("Policy expired.")
    values = {**form.fields, "bucket": bucket}
    covered: set[str] = set()
    for condition in policy.get("conditions") or []:
        covered |= _check_condition(condition, values, len(form.data))
    extra = [n for n in form.fields if n not in covered and n not in _NOT_CONDITIONED
             and not n.startswith("x-ignore-")]
    if extra:
        raise _denied(f"Extra input fields: {extra[0]}")


def _check_condition(condition: Any, values: dict[str, str], size: int) -> set[str]:
    if isinstance(condition, dict):
        for name, expected in condition.items():
            if values.get(name.lower()) != expected:
                raise _denied(f'Policy Condition failed: ["eq", "${name}", "{expected}"]')
        return {n.lower() for n in condition}
    if not isinstance(condition, list) or not condition:
        raise AwsError("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition.", 400)
    op = str(condition[0]).lower()
    if op == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if size < low:
            raise AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400)
        if size > high:
            raise AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
        return set()
    name = str(condition[1]).lstrip("$").lower()
    actual, expected = values.get(name, ""), str(condition[2])
    ok = actual == expected if op == "eq" else actual.startswith(expected) if op == "starts-with" else False
    if op == "starts-with" and name == "content-type":
        ok = all(part.strip().startswith(expected) for part in actual.split(","))
    if not ok:
        raise _denied(f'Policy Condition failed: ["{op}", "${name}", "{expected}"]')
    return {name}


def put_input(form: Form, bucket: str) -> dict[str, Any]:
    """PutObject's input for a checked form."""
    fields = form.fields
    key = fields["key"].replace("${filename}", form.filename)
    input: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": form.data}
    for member, name in (("ContentType", "content-type"), ("CacheControl", "cache-control"),
                         ("ContentDisposition", "content-disposition"), ("ContentEncoding", "content-encoding"),
                         ("Expires", "expires"), ("StorageClass", "x-amz-storage-class")):
        if name in fields:
            input[member] = fields[name]
    if "ContentType" not in input and form.file_type:
        input["ContentType"] = form.file_type
    input.pop("Expires", None)  # kept simple: an Expires form field is not stored
    meta = {n[len("x-amz-meta-"):]: v for n, v in fields.items() if n.startswith("x-amz-meta-")}
    if meta:
        input["Metadata"] = meta
    for name in ("crc32", "crc32c", "sha1", "sha256", "crc64nvme"):
        if f"x-amz-checksum-{name}" in fields:
            input[f"Checksum{name.upper()}"] = fields[f"x-amz-checksum-{name}"]
    return input
