"""load_stack on realistic templates: resolved resources, outputs, warnings, and errors that stop start-up."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from statewright.template import (
    DEFAULT_ENDPOINT,
    Identity,
    TemplateError,
    default_providers,
    default_stack_name,
    load_stack,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def orders():
    return load_stack(FIXTURES / "orders-api" / "template.yaml")


@pytest.fixture(scope="module")
def workflow():
    return load_stack(FIXTURES / "workflow" / "template.yaml")


def test_orders_api_functions_get_globals_resolved_and_local_code(orders):
    table = orders.resource("OrdersTable")
    create = orders.resource("CreateOrderFunction")
    props = create.properties
    assert props["Code"] == str(FIXTURES / "orders-api" / "src")
    assert props["Environment"]["Variables"] == {"TABLE_NAME": table.physical_id, "STAGE": "dev"}
    assert props["Role"] == orders.resource("CreateOrderFunctionRole").attributes["Arn"]
    assert (props["Timeout"], orders.resource("GetOrderFunction").properties["Timeout"]) == (5, 3)
    assert re.fullmatch(r"orders-api-CreateOrderFunction-[A-Z0-9]{12}", create.physical_id)
    assert create.attributes["Arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{create.physical_id}"


def test_policy_templates_resolve_to_the_table_arn(orders):
    role = orders.resource("CreateOrderFunctionRole").properties
    resources = role["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"]
    table = orders.resource("OrdersTable").physical_id
    assert f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}" in resources


def test_resources_come_in_creation_order(orders):
    order = [resource.logical_id for resource in orders.resources]
    assert order.index("OrdersTable") < order.index("CreateOrderFunction")
    assert order.index("CreateOrderFunctionRole") < order.index("CreateOrderFunction") < order.index("CreateOrderLogs")
    assert "CreateOrderFunction" in orders.resource("CreateOrderLogs").depends_on


def test_parameters_and_conditions(orders):
    logs = orders.resource("CreateOrderLogs").properties
    assert logs["LogGroupName"] == f"/aws/lambda/{orders.resource('CreateOrderFunction').physical_id}"
    assert logs["RetentionInDays"] == "7"
    assert orders.conditions == {"IsProd": False}
    assert orders.parameters.values == {"Stage": "dev", "LogRetentionDays": "7"}
    prod = load_stack(FIXTURES / "orders-api" / "template.yaml", parameter_overrides={"Stage": "prod"})
    assert prod.resource("CreateOrderLogs").properties["RetentionInDays"] == 365
    assert prod.output_values()["ProdOnly"] == "production"
    assert "ProdOnly" not in orders.output_values()


def test_outputs_resolve_to_local_values(orders):
    api_id = orders.resource("ServerlessRestApi").physical_id
    outputs = {output.key: output for output in orders.outputs}
    assert outputs["OrdersApi"].value == f"{DEFAULT_ENDPOINT}/restapis/{api_id}/Prod/_user_request_/orders/"
    assert outputs["OrdersApi"].description == "API Gateway endpoint URL for the Prod stage"
    assert outputs["OrdersTableName"].export_name == "orders-api-OrdersTable"
    assert outputs["CreateOrderFunctionArn"].value == orders.resource("CreateOrderFunction").attributes["Arn"]


def test_the_endpoint_region_account_and_stack_name_are_parameters():
    stack = load_stack(FIXTURES / "orders-api" / "template.yaml", endpoint="http://localhost:9999", region="eu-central-1",
                       account="111122223333", stack_name="shop", run_lint=False)
    api_id = stack.resource("ServerlessRestApi").physical_id
    assert stack.output_values()["OrdersApi"] == f"http://localhost:9999/restapis/{api_id}/Prod/_user_request_/orders/"
    assert stack.resource("CreateOrderFunction").attributes["Arn"].startswith(
        "arn:aws:lambda:eu-central-1:111122223333:function:shop-CreateOrderFunction-")


def test_names_are_the_same_on_every_load(orders):
    again = load_stack(FIXTURES / "orders-api" / "template.yaml", run_lint=False)
    assert [(r.logical_id, r.physical_id) for r in again.resources] == \
        [(r.logical_id, r.physical_id) for r in orders.resources]


def test_types_not_emulated_are_warnings(orders):
    assert {r.logical_id for r in orders.not_emulated()} == {
        "OrdersTable", "ServerlessRestApi", "ServerlessRestApiProdStage",
        next(r.logical_id for r in orders.resources if r.type == "AWS::ApiGateway::Deployment")}
    assert any("OrdersTable (AWS::DynamoDB::Table) is not emulated locally" in w for w in orders.warnings)
    emulated = load_stack(FIXTURES / "orders-api" / "template.yaml", run_lint=False,
                          emulated_types={"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::DynamoDB::Table",
                                          "AWS::Lambda::Permission", "AWS::Logs::LogGroup"})
    assert emulated.resource("OrdersTable").emulated


def test_workflow_state_machine_definition_is_final(workflow):
    machine = workflow.resource("ApprovalStateMachine")
    definition = json.loads(machine.properties["DefinitionString"])
    assert definition["States"]["CheckRequest"]["Resource"] == workflow.resource("CheckRequestFunction").attributes["Arn"]
    assert definition["States"]["WaitForApproval"]["Result"] == {"timeoutSeconds": 60, "environment": "test"}
    assert machine.physical_id == "arn:aws:states:us-east-1:123456789012:stateMachine:approvals-test"
    assert machine.properties["StateMachineName"] == "approvals-test"
    assert machine.properties["StateMachineType"] == "STANDARD"
    assert machine.properties["DefinitionS3Location"] == str(FIXTURES / "workflow" / "statemachine" / "approval.asl.yaml")
    assert "DefinitionSubstitutions" not in machine.properties
    assert machine.properties["RoleArn"] == workflow.resource("ApprovalStateMachineRole").attributes["Arn"]
    logging = machine.properties["LoggingConfiguration"]
    assert logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"] == \
        workflow.resource("WorkflowLogs").attributes["Arn"]
    assert machine.properties["TracingConfiguration"] == {"Enabled": False}


def test_workflow_mappings_and_nested_conditions_follow_overrides():
    live = load_stack(FIXTURES / "workflow" / "template.yaml", run_lint=False,
                      parameter_overrides={"Environment": "live", "Tracing": "true"})
    machine = live.resource("ApprovalStateMachine")
    assert json.loads(machine.properties["DefinitionString"])["States"]["WaitForApproval"]["Result"][
        "timeoutSeconds"] == 86400
    assert machine.properties["TracingConfiguration"] == {"Enabled": True}
    assert live.conditions == {"IsLive": True, "WithTracing": True}


def test_workflow_layers_and_no_echo(workflow):
    layer = next(r for r in workflow.resources if r.type == "AWS::Lambda::LayerVersion")
    assert layer.properties["Content"] == str(FIXTURES / "workflow" / "layer")
    assert layer.physical_id == "arn:aws:lambda:us-east-1:123456789012:layer:workflow-shared:1"
    function = workflow.resource("CheckRequestFunction").properties
    assert function["Layers"] == [layer.physical_id]
    assert function["Environment"]["Variables"]["APPROVER"] == "approvals@example.com"
    assert workflow.parameters.masked()["ApproverEmail"] == "****"
    assert workflow.output_values()["LayerArn"] == layer.physical_id


def test_event_sources_http_api_and_explicit_names():
    stack = load_stack(FIXTURES / "events" / "template.yaml")
    worker = stack.resource("WorkerFunction")
    assert worker.physical_id == "jobs-worker"
    assert worker.properties["Role"] == stack.resource("WorkerRole").attributes["Arn"]
    assert "JobsQueue" in worker.depends_on
    mapping = stack.of_type("AWS::Lambda::EventSourceMapping")[0]
    assert mapping.properties["EventSourceArn"] == stack.resource("JobsQueue").attributes["Arn"]
    assert mapping.properties["FunctionName"] == "jobs-worker"
    api_id = stack.resource("ServerlessHttpApi").physical_id
    outputs = stack.output_values()
    assert outputs["StatusUrl"] == f"{DEFAULT_ENDPOINT}/restapis/{api_id}/$default/_user_request_/status"
    assert outputs["ApiEndpoint"] == f"{DEFAULT_ENDPOINT}/restapis/{api_id}/$default/_user_request_/"
    assert outputs["QueueUrl"] == stack.resource("JobsQueue").physical_id
    assert any(w.startswith("cfn-lint W3005 WorkerFunction.DependsOn") for w in stack.warnings)


def test_plain_cloudformation_json():
    stack = load_stack(FIXTURES / "plain" / "template.json")
    greeter = stack.resource("Greeter")
    assert greeter.physical_id == "plain-greeter"
    assert greeter.properties["Code"] == str(FIXTURES / "plain" / "code")
    assert stack.resource("GreeterRole").physical_id == "plain-greeter-us-east-1"
    flow = stack.resource("Flow").properties
    assert flow["StateMachineType"] == "EXPRESS"
    assert json.loads(flow["DefinitionString"])["States"]["Greet"]["Resource"] == greeter.attributes["Arn"]
    assert stack.output_values()["LogGroup"] == "/aws/lambda/plain-greeter"
    assert stack.warnings == ()
    assert stack.template["Resources"]["Greeter"]["Properties"]["Code"] == str(FIXTURES / "plain" / "code")


def test_callers_extend_the_identity_table():
    providers = default_providers()
    providers.register("AWS::DynamoDB::Table", lambda naming, logical_id, props: Identity("custom-table", {}))
    stack = load_stack(FIXTURES / "orders-api" / "template.yaml", run_lint=False, providers=providers)
    assert stack.resource("OrdersTable").physical_id == "custom-table"
    assert stack.resource("CreateOrderFunction").properties["Environment"]["Variables"]["TABLE_NAME"] == "custom-table"


# --- errors that stop start-up -----------------------------------------------------------------------
def write(tmp_path, body, name="template.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    (tmp_path / "src").mkdir(exist_ok=True)
    return path


FUNCTION = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: app.handler
      Runtime: python3.12
      {extra}
"""


@pytest.mark.parametrize("run_lint", [True, False])
def test_a_bad_reference_names_the_resource_and_field(tmp_path, run_lint):
    path = write(tmp_path, FUNCTION.format(code="src/", extra="Environment: {Variables: {X: !Ref Nope}}"))
    with pytest.raises(TemplateError, match="Nope") as caught:
        load_stack(path, run_lint=run_lint)
    assert caught.value.resource == "Fn"
    assert caught.value.field.startswith("Properties.Environment.Variables.X")


@pytest.mark.parametrize("run_lint", [True, False])
def test_a_cycle_names_the_resources(tmp_path, run_lint):
    path = write(tmp_path, """\
        Resources:
          A:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: !Ref B}
          B:
            Type: AWS::Logs::LogGroup
            Properties: {LogGroupName: !Ref A}
        """)
    with pytest.raises(TemplateError, match="[Cc]ircular") as caught:
        load_stack(path, run_lint=run_lint)
    assert caught.value.resource in ("A", "B")
    if not run_lint:
        assert "A -> B -> A" in str(caught.value)


def test_a_missing_code_path_names_the_resource_and_field(tmp_path):
    path = write(tmp_path, FUNCTION.format(code="nowhere/", extra=""))
    with pytest.raises(TemplateError, match="'nowhere/' does not exist") as caught:
        load_stack(path)
    assert (caught.value.resource, caught.value.field) == ("Fn", "Properties.CodeUri")


def test_an_invalid_definition_names_the_state_machine(tmp_path):
    path = write(tmp_path, """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Flow:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition:
                StartAt: Missing
                States:
                  A: {Type: Succeed}
        """)
    with pytest.raises(TemplateError, match="invalid definition") as caught:
        load_stack(path)
    assert (caught.value.resource, caught.value.field) == ("Flow", "Properties.Definition")


def test_a_cfn_lint_error_stops_with_resource_and_field(tmp_path):
    path = write(tmp_path, FUNCTION.format(code="src/", extra="MemorySize: lots"))
    with pytest.raises(TemplateError, match="cfn-lint E3012") as caught:
        load_stack(path)
    assert (caught.value.resource, caught.value.field) == ("Fn", "Properties.MemorySize")


def test_unknown_types_warn_and_their_attributes_are_placeholders(tmp_path):
    path = write(tmp_path, FUNCTION.format(
        code="src/", extra="Environment: {Variables: {STREAM: !GetAtt Clicks.Arn}}")
        + "  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties: {ShardCount: 1}\n")
    stack = load_stack(path)
    assert stack.resource("Fn").properties["Environment"]["Variables"]["STREAM"] == "statewright-unresolved:Clicks.Arn"
    assert any("Clicks (AWS::Kinesis::Stream) is not emulated" in w for w in stack.warnings)
    assert any("Clicks.Arn: attributes of AWS::Kinesis::Stream are not known" in w for w in stack.warnings)


def test_an_unknown_attribute_of_a_known_type_is_an_error(tmp_path):
    path = write(tmp_path, FUNCTION.format(code="src/", extra="Description: !GetAtt Logs.Nope")
                 + "  Logs:\n    Type: AWS::Logs::LogGroup\n")
    with pytest.raises(TemplateError, match="AWS::Logs::LogGroup has no attribute 'Nope'") as caught:
        load_stack(path, run_lint=False)
    assert (caught.value.resource, caught.value.field) == ("Fn", "Properties.Description.Fn::GetAtt")


def test_resources_whose_condition_is_false_are_not_created(tmp_path):
    body = """\
        Parameters:
          Stage: {Type: String, Default: dev}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
        Resources:
          Alarms:
            Type: AWS::Logs::LogGroup
            Condition: IsProd
          Main:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !If [IsProd, !Ref Alarms, main]
        """
    path = write(tmp_path, body)
    stack = load_stack(path)
    assert [r.logical_id for r in stack.resources] == ["Main"]
    assert stack.resource("Main").properties["LogGroupName"] == "main"
    prod = load_stack(path, parameter_overrides={"Stage": "prod"})
    assert prod.resource("Main").properties["LogGroupName"] == prod.resource("Alarms").physical_id


def test_a_reference_to_a_resource_that_is_not_created_is_an_error(tmp_path):
    path = write(tmp_path, """\
        Conditions:
          Never: !Equals [a, b]
        Resources:
          Alarms:
            Type: AWS::Logs::LogGroup
            Condition: Never
          Main:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Ref Alarms
        """)
    with pytest.raises(TemplateError, match="Alarms is not created: its Condition Never is false") as caught:
        load_stack(path, run_lint=False)
    assert (caught.value.resource, caught.value.field) == ("Main", "Properties.LogGroupName.Ref")


def test_parameter_errors_stop_start_up():
    with pytest.raises(TemplateError, match="AllowedValues") as caught:
        load_stack(FIXTURES / "orders-api" / "template.yaml", parameter_overrides={"Stage": "qa"})
    assert caught.value.resource == "Stage"


@pytest.mark.parametrize("folder,expected", [("my app", "my-app"), ("2024-app", "stack-2024-app"), ("__", "stack")])
def test_default_stack_name(tmp_path, folder, expected):
    assert default_stack_name(tmp_path / folder / "template.yaml") == expected


def test_less_common_sam_features():
    stack = load_stack(FIXTURES / "extras" / "template.yaml")
    assert stack.resource("Api").properties["BodyS3Location"] == str(FIXTURES / "extras" / "openapi.yaml")
    assert stack.resource("Fn").metadata == {"BuildMethod": "python3.12"}
    function_arn = stack.resource("Fn").attributes["Arn"]
    url_id = re.fullmatch(r"https://([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws/",
                          stack.resource("FnUrl").attributes["FunctionUrl"]).group(1)
    outputs = stack.output_values()
    assert outputs["FunctionUrl"] == f"{DEFAULT_ENDPOINT}/lambda-url/{url_id}/"
    assert outputs["LiveAlias"] == f"{function_arn}:live"
    assert outputs["ApiUrl"] == f"{DEFAULT_ENDPOINT}/restapis/{stack.resource('Api').physical_id}/v1/_user_request_/hi"
    assert stack.resource("Inline").properties["Code"] == {"ZipFile": "def handler(event, context):\n    return 2\n"}
    assert stack.of_type("AWS::IAM::ManagedPolicy")[0].logical_id == "InlineToTablePolicy"
    code_warnings = [w for w in stack.warnings if ".Code:" in w]
    assert code_warnings == ["Packaged.Code: code in S3 cannot be run locally; give a local path (CodeUri: src/)"]


def test_an_undefined_condition_names_the_resource(tmp_path):
    path = write(tmp_path, """\
        Resources:
          Logs:
            Type: AWS::Logs::LogGroup
            Condition: Missing
        """)
    with pytest.raises(TemplateError, match="condition 'Missing' is not defined") as caught:
        load_stack(path, run_lint=False)
    assert (caught.value.resource, caught.value.field) == ("Logs", "Condition")


def test_the_expanded_template_is_linted_too(tmp_path):
    # cfn-lint's SAM schema lets this through; the Lambda function SAM makes of it is invalid.
    path = write(tmp_path, FUNCTION.format(code="src/", extra="Architectures: [sparc]"))
    with pytest.raises(TemplateError, match="cfn-lint E3030 in the template after the SAM transform: 'sparc'") as caught:
        load_stack(path)
    assert (caught.value.resource, caught.value.field) == ("Fn", "Properties.Architectures.0")
    assert load_stack(path, run_lint=False).resource("Fn").properties["Architectures"] == ["sparc"]


def test_depends_on_a_resource_that_is_not_created(tmp_path):
    path = write(tmp_path, """\
        Conditions:
          Never: !Equals [a, b]
        Resources:
          Alarms:
            Type: AWS::Logs::LogGroup
            Condition: Never
          Main:
            Type: AWS::Logs::LogGroup
            DependsOn: Alarms
        """)
    with pytest.raises(TemplateError, match="DependsOn names Alarms, which is not created") as caught:
        load_stack(path, run_lint=False)
    assert (caught.value.resource, caught.value.field) == ("Main", "DependsOn")


def test_a_json_template_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "template.json"
    path.write_text('\ufeff{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}', encoding="utf-8")
    assert load_stack(path).resource("Logs").type == "AWS::Logs::LogGroup"


def test_each_warning_is_given_once(tmp_path):
    path = write(tmp_path, FUNCTION.format(
        code="src/", extra="Environment: {Variables: {AA: !GetAtt Clicks.Arn, BB: !GetAtt Clicks.Arn}}")
        + "  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties: {ShardCount: 1}\n")
    warnings = load_stack(path).warnings
    assert len(warnings) == len(set(warnings))
    assert sum("Clicks.Arn" in w for w in warnings) == 1
