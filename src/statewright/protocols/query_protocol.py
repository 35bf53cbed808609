"""AWS Query (botocore's `query`: STS, IAM, CloudFormation, SNS, …): a form body (or query string)
with `Action`, `Version` and the input flattened into dotted keys (`Tags.member.1.Key`,
`Attributes.entry.1.key`); results in `<OpResponse><OpResult>…</OpResult><ResponseMetadata>`;
errors in `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, SubElement

from .errors import ProtocolError, error_shape, error_status
from .types import ErrorLike, HttpRequest, HttpResponse, ParsedRequest
from .values import parse_text
from .xmlcodec import to_bytes, write_members

CONTENT_TYPE = "text/xml"
VALUE_ERROR = "InvalidParameterValue"
_MISSING = object()


def form_params(request: HttpRequest) -> dict[str, str]:
    """The request's parameters: the query string, then the form body (which wins)."""
    params = dict(parse_qsl(request.query, keep_blank_values=True))
    kind = request.headers.get("content-type", "")
    if request.body and (not kind or kind.startswith("application/x-www-form-urlencoded")):
        try:
            params.update(parse_qsl(request.body.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            raise ProtocolError("MalformedQueryString", "The request body is not UTF-8 form data", 404) from None
    return params


class _Form:
    """The flat `a.b.1.c` parameters, with every dotted prefix indexed so that 'is anything
    under this key?' is one lookup."""

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        self.prefixes = set()
        for key in params:
            parts = key.split(".")
            for end in range(1, len(parts)):
                self.prefixes.add(".".join(parts[:end]))

    def has(self, key: str) -> bool:
        return key in self.params or key in self.prefixes


def _read(form: _Form, shape: Any, key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _read_structure(form, shape, key) if key in form.prefixes else _MISSING
    if kind == "list":
        return _read_list(form, shape, key)
    if kind == "map":
        return _read_map(form, shape, key)
    if key not in form.params:
        return _MISSING
    return parse_text(shape, form.params[key], key, VALUE_ERROR)


def _read_structure(form: _Form, shape: Any, prefix: str) -> dict[str, Any]:
    out = {}
    for name, member in shape.members.items():
        wire = member.serialization.get("name", name)
        value = _read(form, member, f"{prefix}.{wire}" if prefix else wire)
        if value is not _MISSING:
            out[name] = value
    return out


def _read_list(form: _Form, shape: Any, key: str) -> Any:
    if form.params.get(key) == "" and key not in form.prefixes:
        return []  # how the Query protocol sends an empty list
    inner = shape.member.serialization.get("name")
    if shape.serialization.get("flattened"):
        base = ".".join([*key.split(".")[:-1], inner]) if inner else key
    else:
        base = f"{key}.{inner or 'member'}"
    items, index = [], 1
    while form.has(f"{base}.{index}"):
        items.append(_read(form, shape.member, f"{base}.{index}"))
        index += 1
    return items if items else _MISSING


def _read_map(form: _Form, shape: Any, key: str) -> Any:
    base = key if shape.serialization.get("flattened") else f"{key}.entry"
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out, index = {}, 1
    while form.has(f"{base}.{index}"):
        entry = f"{base}.{index}"
        map_key = _read(form, shape.key, f"{entry}.{key_name}")
        item = _read(form, shape.value, f"{entry}.{value_name}")
        out[map_key if map_key is not _MISSING else ""] = None if item is _MISSING else item
        index += 1
    return out if out else _MISSING


def wire_code(service: Any, code: str) -> str:
    """The code a Query service writes: a modeled error's `error.code` (IAM's
    `NoSuchEntityException` shape is `NoSuchEntity` on the wire)."""
    shape = error_shape(service, code) if service is not None else None
    return str(shape.error_code) if shape is not None else code


class QueryProtocol:
    name = "query"

    def parse(self, service: Any, request: HttpRequest) -> ParsedRequest:
        params = form_params(request)
        action = params.pop("Action", "")
        version = params.pop("Version", "")
        if not action:
            raise ProtocolError("MissingAction", "The request must contain the parameter Action")
        if action not in service.operation_names:
            raise ProtocolError("InvalidAction",
                                f"Could not find operation {action} for version {version or '(none)'}")
        shape = service.operation_model(action).input_shape
        data = _read_structure(_Form(params), shape, "") if shape is not None else {}
        return ParsedRequest(action, data)

    def serialize(self, operation: Any, output: dict[str, Any], request_id: str) -> HttpResponse:
        root = _root(f"{operation.name}Response", operation.service_model)
        shape = operation.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper")
            holder = SubElement(root, wrapper) if wrapper else root
            write_members(holder, shape, output, "iso8601")
        metadata = SubElement(root, "ResponseMetadata")
        SubElement(metadata, "RequestId").text = request_id
        return HttpResponse(200, _headers(request_id), to_bytes(root, False))

    def serialize_error(self, service: Any, operation: Any | None, error: ErrorLike,
                        request_id: str) -> HttpResponse:
        root = _root("ErrorResponse", service)
        detail = SubElement(root, "Error")
        SubElement(detail, "Type").text = "Sender" if error.sender_fault else "Receiver"
        SubElement(detail, "Code").text = wire_code(service, error.code)
        SubElement(detail, "Message").text = error.message
        write_error_fields(detail, service, error)
        SubElement(root, "RequestId").text = request_id
        return HttpResponse(error_status(service, error), _headers(request_id),
                            to_bytes(root, False))


def write_error_fields(node: Element, service: Any, error: ErrorLike) -> None:
    """An error's extra members: typed by the model's error shape where it has them."""
    shape = error_shape(service, error.code) if service is not None else None
    modeled = {k: v for k, v in error.fields.items() if shape is not None and k in shape.members}
    if shape is not None:
        write_members(node, shape, modeled, "iso8601")
    for key, value in error.fields.items():
        if key not in modeled and value is not None:
            SubElement(node, key).text = str(value)


def _root(tag: str, service: Any) -> Element:
    root = Element(tag)
    namespace = service.metadata.get("xmlNamespace") if service is not None else None
    if namespace:
        root.set("xmlns", str(namespace))
    return root


def _headers(request_id: str) -> list[tuple[str, str]]:
    return [("content-type", CONTENT_TYPE), ("x-amzn-requestid", request_id)]
