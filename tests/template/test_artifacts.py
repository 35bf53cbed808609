"""artifacts: local paths carried through as placeholder S3 locations and restored."""

from __future__ import annotations

import pytest

from statewright.template.artifacts import PLACEHOLDER_BUCKET, LocalArtifacts
from statewright.template.errors import TemplateError


@pytest.fixture
def project(tmp_path):
    for name in ("src", "layer", "other"):
        (tmp_path / name).mkdir()
    (tmp_path / "machine.asl.json").write_text("{}")
    (tmp_path / "api.yaml").write_text("openapi: 3.0.1")
    return tmp_path


def test_carry_and_restore_every_kind_of_local_path(project):
    template = {
        "Globals": {"Function": {"CodeUri": "src"}},
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "other/"}},
            "Remote": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "s3://bucket/key.zip"}},
            "Layer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "layer"}},
            "Machine": {"Type": "AWS::Serverless::StateMachine", "Properties": {"DefinitionUri": "machine.asl.json"}},
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"DefinitionUri": "api.yaml"}},
            "Plain": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "src"}},
            "PlainMachine": {"Type": "AWS::StepFunctions::StateMachine",
                             "Properties": {"DefinitionS3Location": "machine.asl.json"}},
        },
    }
    artifacts = LocalArtifacts(project)
    carried = artifacts.carry(template)
    assert carried["Globals"]["Function"]["CodeUri"].startswith(f"s3://{PLACEHOLDER_BUCKET}/")
    resources = carried["Resources"]
    assert resources["Fn"]["Properties"]["CodeUri"].startswith(f"s3://{PLACEHOLDER_BUCKET}/")
    assert resources["Remote"]["Properties"]["CodeUri"] == "s3://bucket/key.zip"
    assert resources["Plain"]["Properties"]["Code"]["S3Bucket"] == PLACEHOLDER_BUCKET
    assert resources["PlainMachine"]["Properties"]["DefinitionS3Location"]["Bucket"] == PLACEHOLDER_BUCKET
    assert template["Resources"]["Fn"]["Properties"]["CodeUri"] == "other/"  # the input is left alone
    assert ("Fn", "CodeUri") in artifacts.carried and ("Remote", "CodeUri") not in artifacts.carried

    # After the transform the placeholders come back in the shapes CloudFormation resources use.
    transformed = {
        "Code": {"S3Bucket": PLACEHOLDER_BUCKET, "S3Key": resources["Fn"]["Properties"]["CodeUri"].rsplit("/", 1)[1]},
        "Body": {"Bucket": PLACEHOLDER_BUCKET, "Key": resources["Api"]["Properties"]["DefinitionUri"].rsplit("/", 1)[1]},
        "Uri": resources["Layer"]["Properties"]["ContentUri"],
        "Other": {"S3Bucket": "real", "S3Key": "k"},
    }
    assert artifacts.restore(transformed) == {"Code": str(project / "other"), "Body": str(project / "api.yaml"),
                                              "Uri": str(project / "layer"),
                                              "Other": {"S3Bucket": "real", "S3Key": "k"}}


@pytest.mark.parametrize("resource,field", [
    ({"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "missing/"}}, "Properties.CodeUri"),
    ({"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": "nolayer"}}, "Properties.Content"),
])
def test_a_missing_local_path_names_the_resource_and_field(project, resource, field):
    with pytest.raises(TemplateError, match="does not exist") as caught:
        LocalArtifacts(project).carry({"Resources": {"R": resource}})
    assert (caught.value.resource, caught.value.field) == ("R", field)


def test_a_missing_globals_path_names_globals(project):
    with pytest.raises(TemplateError) as caught:
        LocalArtifacts(project).carry({"Globals": {"Function": {"CodeUri": "gone"}}, "Resources": {}})
    assert (caught.value.resource, caught.value.field) == ("Globals", "Function.CodeUri")
