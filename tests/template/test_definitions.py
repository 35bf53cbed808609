"""definitions: a state machine's final definition, substitutions applied, validated."""

from __future__ import annotations

import json

import pytest

from statewright.template.definitions import final_definition
from statewright.template.errors import TemplateError

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
TASK = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${FnArn}", "End": True}}}


def test_definition_object_with_substitutions():
    text = final_definition("M", {"Definition": TASK, "DefinitionSubstitutions": {"FnArn": ARN}})
    assert json.loads(text)["States"]["A"]["Resource"] == ARN


def test_definition_string():
    text = final_definition("M", {"DefinitionString": json.dumps(TASK), "DefinitionSubstitutions": {"FnArn": ARN}})
    assert json.loads(text)["States"]["A"]["Resource"] == ARN


def test_json_file_with_unquoted_number_substitution(tmp_path):
    # A JSON definition may hold `${...}` where a number goes; it is only JSON after substitution.
    path = tmp_path / "m.asl.json"
    path.write_text('{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${Delay}, "End": true}}}')
    text = final_definition("M", {"DefinitionS3Location": str(path), "DefinitionSubstitutions": {"Delay": 30}})
    assert json.loads(text)["States"]["W"]["Seconds"] == 30


def test_yaml_file_is_turned_into_json(tmp_path):
    path = tmp_path / "m.asl.yaml"
    path.write_text("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {enabled: ${Flag}, n: ${N}}\n"
                    "    End: true\n")
    text = final_definition("M", {"DefinitionS3Location": str(path),
                                  "DefinitionSubstitutions": {"Flag": True, "N": "5"}})
    assert json.loads(text)["States"]["A"]["Result"] == {"enabled": True, "n": 5}


def test_invalid_yaml_file_says_where(tmp_path):
    path = tmp_path / "m.asl.yml"
    path.write_text("StartAt: A\nStates: [\n")
    with pytest.raises(TemplateError, match=r"m.asl.yml:\d+: invalid YAML") as caught:
        final_definition("M", {"DefinitionS3Location": str(path)})
    assert caught.value.field == "Properties.DefinitionS3Location"


@pytest.mark.parametrize("properties,field,message", [
    ({}, "Properties", "exactly one of Definition, DefinitionString and DefinitionS3Location"),
    ({"Definition": TASK, "DefinitionString": "{}"}, "Properties", "exactly one of"),
    ({"Definition": "text"}, "Properties.Definition", "Definition must be a mapping"),
    ({"DefinitionS3Location": {"Bucket": "b", "Key": "k"}}, "Properties.DefinitionS3Location",
     "in S3 cannot be read locally"),
    ({"DefinitionS3Location": "/no/such/file.json"}, "Properties.DefinitionS3Location", "cannot read definition"),
    ({"Definition": TASK}, "Properties.Definition", r"invalid definition: .*not a valid ARN.*/States/A/Resource"),
    ({"DefinitionString": "{not json"}, "Properties.DefinitionString", "invalid definition"),
    ({"Definition": TASK, "DefinitionSubstitutions": ["FnArn"]}, "Properties.DefinitionSubstitutions",
     "must be a mapping"),
])
def test_errors_name_the_state_machine_and_field(properties, field, message):
    with pytest.raises(TemplateError, match=message) as caught:
        final_definition("Machine", properties)
    assert (caught.value.resource, caught.value.field) == ("Machine", field)
