"""loader: YAML short-form tags in their long form, JSON, and errors with file and line."""

from __future__ import annotations

import pytest

from statewright.template.errors import TemplateError
from statewright.template.loader import load_template, parse_template


def _value(yaml_value: str):
    return parse_template(f"Resources:\n  R:\n    Type: T\n    Properties:\n      P: {yaml_value}\n")[
        "Resources"]["R"]["Properties"]["P"]


@pytest.mark.parametrize("source,expected", [
    ("!Ref Table", {"Ref": "Table"}),
    ("!GetAtt Table.Arn", {"Fn::GetAtt": ["Table", "Arn"]}),
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!GetAtt [Table, StreamArn]", {"Fn::GetAtt": ["Table", "StreamArn"]}),
    ("!Sub 'arn:${AWS::Partition}:s3:::${Bucket}'", {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}),
    ("!Sub ['${A}-x', {A: !Ref B}]", {"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}),
    ("!Join ['-', [a, !Ref B]]", {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}),
    ("!Select [0, !Split [',', 'a,b']]", {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}),
    ("!If [IsProd, 1, 2]", {"Fn::If": ["IsProd", 1, 2]}),
    ("!Equals [!Ref Stage, prod]", {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}),
    ("!And [!Condition A, !Not [!Condition B]]",
     {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}),
    ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!FindInMap [M, !Ref AWS::Region, K]", {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "K"]}),
    ("!Base64 hello", {"Fn::Base64": "hello"}),
    ("!ImportValue shared-vpc", {"Fn::ImportValue": "shared-vpc"}),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("!Base64 {'Fn::Sub': x}", {"Fn::Base64": {"Fn::Sub": "x"}}),
])
def test_short_form_tags_become_their_long_form(source, expected):
    assert _value(source) == expected


def test_dates_and_versions_stay_strings():
    template = parse_template("AWSTemplateFormatVersion: 2010-09-09\nResources:\n  R: {Type: T}\n")
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"


def test_json_templates_are_read_as_they_are():
    template = parse_template('{"Resources": {"R": {"Type": "T", "Properties": {"P": {"Ref": "X"}}}}}')
    assert template["Resources"]["R"]["Properties"]["P"] == {"Ref": "X"}


@pytest.mark.parametrize("text,fragment", [
    ("Resources:\n  R:\n    Type: T\n    Properties:\n      P: !Bogus x\n", "t.yaml:5:"),
    ("Resources:\n  R:\n    Type: [unclosed\n", "t.yaml:"),
    ("Resources:\n  R: {Type: T}\n  R: {Type: U}\n", "duplicate key 'R'"),
    ("Resources:\n  R:\n    Properties:\n      P: !GetAtt NoDot\n", "LogicalId.Attribute"),
    ('{"Resources": {"R": }', "t.yaml:1:21: invalid JSON"),
    ("- a list\n", "a mapping with a Resources section"),
    ("Description: nothing\n", "no Resources"),
])
def test_bad_files_say_where(text, fragment):
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "t.yaml")
    assert fragment in str(caught.value)


def test_unknown_tag_names_its_line(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text("Resources:\n  R:\n    Type: T\n    Properties:\n      P: !Bogus x\n")
    with pytest.raises(TemplateError, match=r"template.yaml:5:\d+: invalid YAML: .*!Bogus"):
        load_template(path)


def test_a_missing_file_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match="cannot read template"):
        load_template(tmp_path / "nope.yaml")
