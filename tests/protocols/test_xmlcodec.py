"""XML along a shape: names, wrapped and flattened lists and maps, attributes, namespaces."""

from __future__ import annotations

from xml.etree.ElementTree import Element, fromstring, tostring

from botocore.model import ShapeResolver

from statewright.protocols.xmlcodec import read_members, write_members

SHAPES = ShapeResolver({
    "Thing": {"type": "structure", "members": {
        "Name": {"shape": "Str", "locationName": "name"},
        "Kind": {"shape": "Str", "xmlAttribute": True, "locationName": "xsi:type"},
        "Tags": {"shape": "TagList"},
        "Flat": {"shape": "FlatList", "locationName": "Item"},
        "Attrs": {"shape": "AttrMap"},
        "FlatAttrs": {"shape": "FlatMap"},
        "When": {"shape": "Time"},
        "Count": {"shape": "Int"},
        "Header": {"shape": "Str", "location": "header", "locationName": "x-h"},
    }, "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"}},
    "TagList": {"type": "list", "member": {"shape": "Str", "locationName": "Tag"}},
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
    "AttrMap": {"type": "map", "key": {"shape": "Str", "locationName": "K"}, "value": {"shape": "Str", "locationName": "V"}},
    "FlatMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Int"}, "flattened": True},
    "Str": {"type": "string"}, "Int": {"type": "integer"}, "Time": {"type": "timestamp"},
})
THING = SHAPES.get_shape_by_name("Thing")
VALUE = {"Name": "n", "Kind": "CanonicalUser", "Tags": ["a", "b"], "Flat": ["x", "y"], "Attrs": {"k": "v"},
         "FlatAttrs": {"one": 1, "two": 2}, "Count": 3, "Header": "not in the body"}


def test_writes_aws_xml_forms():
    root = Element("Thing")
    write_members(root, THING, VALUE, "iso8601")
    text = tostring(root, encoding="unicode")
    assert '<name>n</name>' in text
    assert 'xsi:type="CanonicalUser"' in text
    assert '<Tags><Tag>a</Tag><Tag>b</Tag></Tags>' in text
    assert '<Item>x</Item><Item>y</Item>' in text
    assert '<Attrs><entry><K>k</K><V>v</V></entry></Attrs>' in text
    assert '<FlatAttrs><key>one</key><value>1</value></FlatAttrs><FlatAttrs><key>two</key>' in text
    assert "not in the body" not in text


def test_reads_what_it_writes_even_with_namespaces():
    root = Element("Thing", {"xmlns": "urn:x", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    write_members(root, THING, VALUE, "iso8601")
    parsed = read_members(THING, fromstring(tostring(root)), "", "MalformedXML")
    assert parsed == {k: v for k, v in VALUE.items() if k != "Header"}


def test_characters_xml_cannot_carry_are_written_as_escapes_so_answers_stay_well_formed():
    from xml.etree.ElementTree import Element, SubElement, fromstring

    from statewright.protocols.xmlcodec import to_bytes, xml_safe

    assert xml_safe("a\x00b\ud800c\ufffe\t😀") == "a\\u0000b\\ud800c\\ufffe\t😀"
    root = Element("Error")
    SubElement(root, "Message").text = "Value '\x01\uffff\udc00' is not valid"
    root.set("note", "\x02")
    parsed = fromstring(to_bytes(root, True))
    assert parsed.find("Message").text == "Value '\\u0001\\uffff\\udc00' is not valid"
