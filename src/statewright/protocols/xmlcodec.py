"""XML values walked along a botocore shape: the body codec of restXml and the result codec of
awsQuery. Element names come from `locationName`, lists are wrapped in `<member>` (or the
member's `locationName`) unless `flattened`, maps are `<entry><key/><value/></entry>`,
`xmlAttribute` members are attributes, `xmlNamespace` becomes an `xmlns` attribute."""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from .values import format_text, parse_text

_NAMESPACE = re.compile(r"^{.*?}")
# Members bound to other parts of an HTTP message, never to the XML body.
HTTP_LOCATIONS = ("header", "headers", "statusCode", "uri", "querystring")


# What XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text any XML parser reads: a character XML cannot carry is written as `\\uXXXX` (an
    answer echoing a client's value must still be readable)."""
    return _NOT_XML.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def to_bytes(root: Element, declaration: bool) -> bytes:
    """The document as UTF-8 bytes, with every text and attribute made `xml_safe` first."""
    for node in root.iter():
        if node.text:
            node.text = xml_safe(node.text)
        if node.tail:
            node.tail = xml_safe(node.tail)
        for key, value in node.attrib.items():
            node.attrib[key] = xml_safe(value)
    return bytes(tostring(root, encoding="utf-8", xml_declaration=declaration))


def local_name(element: Element) -> str:
    return _NAMESPACE.sub("", element.tag)


def wire_name(member: Any, name: str) -> str:
    """A member's element name (a flattened list's elements take the list member's name)."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        inner = member.member.serialization.get("name")
        if inner:
            return str(inner)
    return str(member.serialization.get("name", name))


def add_namespace(shape: Any, node: Element) -> None:
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, dict):
        attribute = f"xmlns:{namespace['prefix']}" if namespace.get("prefix") else "xmlns"
        node.set(attribute, namespace["uri"])
    elif isinstance(namespace, str):
        node.set("xmlns", namespace)


def write_members(node: Element, shape: Any, value: dict[str, Any], timestamps: str) -> None:
    """The body members of a structure value as children (and attributes) of `node`."""
    for name, item in value.items():
        member = shape.members.get(name)
        if item is None or member is None or member.serialization.get("location") in HTTP_LOCATIONS:
            continue
        if member.serialization.get("xmlAttribute"):
            node.set(member.serialization["name"], format_text(member, item, timestamps))
        else:
            write_value(node, member, item, wire_name(member, name), timestamps)


def write_value(parent: Element, shape: Any, value: Any, name: str, timestamps: str) -> None:
    """One value of `shape` as the element `name` under `parent` (several for flattened lists)."""
    kind = shape.type_name
    if kind == "structure":
        node = SubElement(parent, name)
        add_namespace(shape, node)
        write_members(node, shape, value, timestamps)
    elif kind == "list":
        if shape.serialization.get("flattened"):
            holder, element = parent, name
        else:
            holder = SubElement(parent, name)
            add_namespace(shape, holder)
            element = shape.member.serialization.get("name", "member")
        for item in value:
            write_value(holder, shape.member, item, element, timestamps)
    elif kind == "map":
        flat = bool(shape.serialization.get("flattened"))
        holder = parent if flat else SubElement(parent, name)
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        for key, item in value.items():
            entry = SubElement(holder, name if flat else "entry")
            write_value(entry, shape.key, key, key_name, timestamps)
            write_value(entry, shape.value, item, value_name, timestamps)
    else:
        node = SubElement(parent, name)
        add_namespace(shape, node)
        node.text = format_text(shape, value, timestamps)


def _children(node: Element) -> dict[str, list[Element]]:
    grouped: dict[str, list[Element]] = {}
    for child in node:
        grouped.setdefault(local_name(child), []).append(child)
    return grouped


def read_members(shape: Any, node: Element, path: str, code: str) -> dict[str, Any]:
    """A structure's body members from the children and attributes of `node`."""
    children = _children(node)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if member.serialization.get("location") in HTTP_LOCATIONS:
            continue
        field = f"{path}.{name}" if path else name
        if member.serialization.get("xmlAttribute"):
            text = _attribute(node, member.serialization["name"])
            if text is not None:
                out[name] = parse_text(member, text, field, code)
            continue
        found = children.get(wire_name(member, name))
        if found:
            out[name] = read_value(member, found, field, code)
    return out


def _attribute(node: Element, name: str) -> str | None:
    if name in node.attrib:
        return node.attrib[name]
    local = name.split(":")[-1]
    for key, text in node.attrib.items():
        if _NAMESPACE.sub("", key) == local:
            return text
    return None


def read_value(shape: Any, nodes: list[Element], path: str, code: str) -> Any:
    """The value of `shape` from its element(s): several only for flattened lists and maps."""
    kind = shape.type_name
    if kind == "list":
        if not shape.serialization.get("flattened"):
            nodes = list(nodes[0])
        return [read_value(shape.member, [item], f"{path}.{i + 1}", code) for i, item in enumerate(nodes)]
    if kind == "map":
        entries = nodes if shape.serialization.get("flattened") else list(nodes[0])
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out = {}
        for entry in entries:
            parts = _children(entry)
            key = read_value(shape.key, parts[key_name], path, code) if key_name in parts else ""
            out[key] = read_value(shape.value, parts[value_name], f"{path}.{key}", code) \
                if value_name in parts else None
        return out
    if kind == "structure":
        return read_members(shape, nodes[0], path, code)
    return parse_text(shape, nodes[0].text or "", path, code)
