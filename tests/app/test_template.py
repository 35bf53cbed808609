"""app/template.yaml: cfn-lint clean, loads with Statewright's template reader, designed as documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from statewright.cli import main

from .conftest import APP, template

TEMPLATE = APP / "template.yaml"


def test_cfn_lint_passes():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_reader_resolves_the_outputs():
    result = CliRunner().invoke(main, ["outputs", "--template", str(TEMPLATE), "--json",
                                       "--parameter-overrides", "JwtSecret=" + "x" * 32, "ApprovalTimeoutSeconds=5"])
    assert result.exit_code == 0, result.output
    outputs = {o["OutputKey"]: o["OutputValue"] for o in json.loads(result.stdout)["Outputs"]}
    assert set(outputs) == {"ApiUrl", "TasksTableName", "AttachmentsBucketName", "TransactionsStateMachineArn",
                            "WebUrl", "WebBucketName"}
    assert outputs["ApiUrl"].startswith("http://127.0.0.1:4590/")
    # The web bucket's website URL, served locally path-style by the local S3 (docs/webapp.md).
    assert outputs["WebUrl"] == f"http://127.0.0.1:4590/{outputs['WebBucketName']}/index.html"
    assert ":stateMachine:TransactionsStateMachine-" in outputs["TransactionsStateMachineArn"]


def test_a_short_secret_is_refused():
    result = CliRunner().invoke(main, ["outputs", "--template", str(TEMPLATE), "--no-lint",
                                       "--parameter-overrides", "JwtSecret=short"])
    assert result.exit_code == 1 and "JwtSecret" in result.output


def test_functions_use_python_3_12_and_scoped_policies_only():
    resources = template()["Resources"]
    assert template()["Globals"]["Function"]["Runtime"] == "python3.12"
    text = TEMPLATE.read_text()
    assert "FullAccess" not in text
    functions = [r for r in resources.values() if r["Type"] == "AWS::Serverless::Function"]
    assert len(functions) == 4
    for function in functions:
        for policy in function["Properties"].get("Policies", []) or []:
            if isinstance(policy, dict) and "Statement" in policy:
                for statement in policy["Statement"]:
                    # "*" only where IAM has no resource-level permission for the action.
                    if statement["Resource"] == "*":
                        assert set(statement["Action"]) <= {"states:SendTaskSuccess", "states:SendTaskFailure"}


def test_the_table_serves_the_three_queries():
    table = template()["Resources"]["TasksTable"]["Properties"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {"byOwner": ["owner", "taskId"], "byOwnerStatus": ["ownerStatus", "taskId"],
                       "byStatus": ["status", "taskId"]}
    assert table["SSESpecification"]["SSEEnabled"] is True


def test_the_bucket_is_private_encrypted_and_cleans_up():
    bucket = template()["Resources"]["AttachmentsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["LifecycleConfiguration"]["Rules"][0]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"] == ["GET", "PUT"]


def test_every_function_has_a_log_group_with_retention_and_the_alarms_exist():
    resources = template()["Resources"]
    groups = [r for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == 5 and all("RetentionInDays" in g["Properties"] for g in groups)
    alarms = {k for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms == {"FailedExecutionsAlarm", "FunctionErrorsAlarm", "ApprovalBacklogAlarm"}


def test_the_api_routes_match_the_router():
    from taskapp.api.router import ROUTES

    events = template()["Resources"]["ApiFunction"]["Properties"]["Events"]
    declared = {(e["Properties"]["Method"].upper(), e["Properties"]["Path"]) for e in events.values()}
    assert declared == set(ROUTES)


def test_the_openapi_document_describes_every_route():
    import yaml
    from taskapp import validation
    from taskapp.api.router import ROUTES

    document = yaml.safe_load((APP / "openapi.yaml").read_text())
    described = {(method.upper(), path) for path, item in document["paths"].items()
                 for method in item if method in ("get", "post", "put", "delete", "patch")}
    assert described == set(ROUTES)
    schema = document["paths"]["/tasks/{taskId}/attachments"]["post"]["requestBody"]["content"]["application/json"]
    assert set(schema["schema"]["properties"]["contentType"]["enum"]) == validation.CONTENT_TYPES
    assert schema["schema"]["properties"]["size"]["maximum"] == validation.MAX_ATTACHMENT_BYTES
