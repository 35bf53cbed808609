"""S3's XML, driven by the shapes of botocore's `s3` model: request payloads read into member
dicts, outputs and errors written as S3 writes them."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from statewright.services.common import AwsError

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def malformed() -> AwsError:
    return AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                    "published schema", 400)


# Characters XML 1.0 cannot carry at all (not even as references). S3 keys may contain them;
# listings then need encoding-type=url (which boto3 always asks for); elsewhere they are
# shown as U+FFFD rather than producing a document no parser accepts.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(shape: Any, body: bytes) -> Any:
    """A request payload (the root element is the payload member) as the shape's value."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise malformed() from error
    try:
        return _read(shape, root)
    except (ValueError, TypeError) as error:
        raise malformed() from error


def _read(shape: Any, node: ElementTree.Element) -> Any:
    kind = shape.type_name
    if kind == "structure":
        children: dict[str, list[ElementTree.Element]] = {}
        for child in node:
            children.setdefault(_local(child.tag), []).append(child)
        value: dict[str, Any] = {}
        for name, member in shape.members.items():
            tag = member.serialization.get("name", name)
            if member.serialization.get("xmlAttribute"):
                wanted = tag.split(":")[-1]
                for key, text in node.attrib.items():
                    if _local(key) == wanted:
                        value[name] = text
                continue
            found = children.get(tag)
            if not found:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                value[name] = [_read(member.member, item) for item in found]
            else:
                value[name] = _read(member, found[0])
        return value
    if kind == "list":
        return [_read(shape.member, child) for child in node]
    if kind == "map":
        entries = {}
        for entry in node:
            parts = {_local(c.tag): c for c in entry}
            entries[(parts["key"].text or "")] = _read(shape.value, parts["value"])
        return entries
    return scalar(shape, node.text or "")


def scalar(shape: Any, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text.strip())
    if kind == "boolean":
        return text.strip().lower() == "true"
    if kind in ("float", "double"):
        return float(text)
    if kind == "timestamp":
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if kind == "blob":
        return base64.b64decode(text)
    return text


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return iso(value) if isinstance(value, datetime) else str(value)
    if kind == "blob":
        return base64.b64encode(value).decode() if isinstance(value, bytes) else str(value)
    return str(value)


def _write(parent: ElementTree.Element, shape: Any, value: Any, tag: str) -> None:
    kind = shape.type_name
    if kind == "list":
        item_shape = shape.member
        if shape.serialization.get("flattened"):
            for item in value:
                _write(parent, item_shape, item, tag)
            return
        holder = ElementTree.SubElement(parent, tag)
        for item in value:
            _write(holder, item_shape, item, item_shape.serialization.get("name", "member"))
        return
    node = ElementTree.SubElement(parent, tag)
    if kind == "structure":
        structure_children(node, shape, value)
    elif kind == "map":
        for key, item in value.items():
            entry = ElementTree.SubElement(node, "entry")
            ElementTree.SubElement(entry, "key").text = clean(str(key))
            _write(entry, shape.value, item, "value")
    else:
        node.text = clean(_text(shape, value))


def structure_children(node: ElementTree.Element, shape: Any, value: dict[str, Any]) -> None:
    for name, member in shape.members.items():
        if name not in value or value[name] is None or member.serialization.get("location"):
            continue
        if member.serialization.get("xmlAttribute"):
            # e.g. Grantee's `xsi:type`, in the namespace the structure declares.
            namespace = (shape.serialization.get("xmlNamespace") or {}).get("uri", "")
            local = member.serialization.get("name", name).split(":")[-1]
            node.set(f"{{{namespace}}}{local}" if namespace else local, str(value[name]))
            continue
        _write(node, member, value[name], member.serialization.get("name", name))


def document(root_tag: str, shape: Any, value: dict[str, Any]) -> bytes:
    root = ElementTree.Element(root_tag, xmlns=NAMESPACE)
    structure_children(root, shape, value)
    return DECLARATION + bytes(ElementTree.tostring(root, encoding="utf-8"))


def text_document(root_tag: str, text: str | None) -> bytes:
    root = ElementTree.Element(root_tag, xmlns=NAMESPACE)
    root.text = None if text is None else clean(text)
    return DECLARATION + bytes(ElementTree.tostring(root, encoding="utf-8"))


def error_document(error: AwsError, request_id: str, header_fields: frozenset[str]) -> bytes:
    root = ElementTree.Element("Error")
    ElementTree.SubElement(root, "Code").text = error.code
    ElementTree.SubElement(root, "Message").text = clean(error.message)
    for name, value in error.fields.items():
        if name not in header_fields:
            ElementTree.SubElement(root, name).text = clean(str(value))
    ElementTree.SubElement(root, "RequestId").text = request_id
    ElementTree.SubElement(root, "HostId").text = request_id
    return DECLARATION + bytes(ElementTree.tostring(root, encoding="utf-8"))
