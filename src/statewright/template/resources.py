"""What `Ref` and `Fn::GetAtt` give for each resource type: a registry of per-type identity providers.

The table follows CloudFormation's documentation of each type's return values. Services that emulate
more types register their own providers on the `ResourceProviders` they are handed (no global table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from statewright.template.naming import MIXED, Naming


@dataclass(frozen=True)
class Identity:
    """A resource's physical id (what `Ref` gives) and attributes (what `Fn::GetAtt` gives)."""

    physical_id: Any
    attributes: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[Naming, str, Mapping[str, Any]], Identity]
"""(naming, logical id, resolved properties) -> identity."""


class ResourceProviders:
    """Identity providers by resource type; unknown types get a generated name and no attributes."""

    def __init__(self, providers: Mapping[str, Provider] | None = None) -> None:
        self._providers: dict[str, Provider] = dict(providers or {})

    def register(self, resource_type: str, provider: Provider) -> None:
        self._providers[resource_type] = provider

    def __contains__(self, resource_type: object) -> bool:
        return resource_type in self._providers

    def types(self) -> Iterable[str]:
        return sorted(self._providers)

    def identify(self, naming: Naming, logical_id: str, resource_type: str,
                 properties: Mapping[str, Any]) -> Identity:
        provider = self._providers.get(resource_type)
        if provider is None:
            return Identity(naming.name(logical_id))
        return provider(naming, logical_id, properties)

    def copy(self) -> ResourceProviders:
        return ResourceProviders(self._providers)


def _given(properties: Mapping[str, Any], key: str, default: str) -> str:
    value = properties.get(key)
    return value if isinstance(value, str) and value else default


# --- Lambda -----------------------------------------------------------------------------------------
def lambda_function(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "FunctionName", naming.name(logical_id, max_length=64))
    return Identity(name, {"Arn": naming.arn("lambda", f"function:{name}")})


def _function_arn(naming: Naming, function: Any) -> str:
    text = str(function)
    return text if text.startswith("arn:") else naming.arn("lambda", f"function:{text}")


def lambda_version(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    function_arn = _function_arn(naming, props.get("FunctionName", ""))
    return Identity(f"{function_arn}:1", {"Version": "1", "FunctionArn": function_arn})


def lambda_alias(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    arn = f"{_function_arn(naming, props.get('FunctionName', ''))}:{props.get('Name', logical_id)}"
    return Identity(arn, {"AliasArn": arn})


def lambda_layer_version(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "LayerName", naming.name(logical_id, max_length=140))
    arn = naming.arn("lambda", f"layer:{name}:1")
    return Identity(arn, {"LayerVersionArn": arn})


def lambda_url(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    url = f"https://{naming.token(logical_id, 'url', 32)}.lambda-url.{naming.region}.on.aws/"
    function_arn = _function_arn(naming, props.get("TargetFunctionArn", ""))
    return Identity(function_arn, {"FunctionArn": function_arn, "FunctionUrl": url})


def lambda_event_source_mapping(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    mapping_id = naming.uuid(logical_id)
    return Identity(mapping_id, {"Id": mapping_id, "EventSourceMappingArn":
                                 naming.arn("lambda", f"event-source-mapping:{mapping_id}")})


# --- IAM --------------------------------------------------------------------------------------------
def iam_role(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "RoleName", naming.name(logical_id, max_length=64))
    path = _given(props, "Path", "/")
    role_id = "AROA" + naming.b32(logical_id, "role-id", 17)
    return Identity(name, {"Arn": naming.arn("iam", f"role{path}{name}", region=False), "RoleId": role_id})


def iam_managed_policy(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "ManagedPolicyName", naming.name(logical_id, max_length=128))
    arn = naming.arn("iam", f"policy{_given(props, 'Path', '/')}{name}", region=False)
    return Identity(arn, {"PolicyArn": arn, "PolicyId": "ANPA" + naming.b32(logical_id, "policy-id", 17)})


def iam_policy(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    return Identity(naming.name(logical_id, max_length=128, with_stack=True, suffix_length=12))


# --- Step Functions, Logs ---------------------------------------------------------------------------
def state_machine(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    # CloudFormation names a state machine `<LogicalId>-<12 characters>`, without the stack name.
    name = _given(props, "StateMachineName",
                  f"{logical_id[:67]}-{naming.token(logical_id, 'name', 12, MIXED)}")
    arn = naming.arn("states", f"stateMachine:{name}")
    return Identity(arn, {"Arn": arn, "Name": name, "StateMachineRevisionId": arn})


def activity(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "Name", logical_id)
    arn = naming.arn("states", f"activity:{name}")
    return Identity(arn, {"Arn": arn, "Name": name})


def log_group(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "LogGroupName", naming.name(logical_id, max_length=512))
    return Identity(name, {"Arn": naming.arn("logs", f"log-group:{name}:*")})


# --- API Gateway ------------------------------------------------------------------------------------
def rest_api(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    api_id = naming.token(logical_id, "api-id", 10)
    return Identity(api_id, {"RestApiId": api_id, "RootResourceId": naming.token(logical_id, "root", 10)})


def _ref_id(length: int) -> Provider:
    def provide(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
        return Identity(naming.token(logical_id, "id", length))
    return provide


def api_resource(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    resource_id = naming.token(logical_id, "id", 6)
    return Identity(resource_id, {"ResourceId": resource_id})


def api_stage(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    return Identity(_given(props, "StageName", logical_id))


def http_api(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    api_id = naming.token(logical_id, "api-id", 10)
    endpoint = f"https://{api_id}.execute-api.{naming.region}.{naming.url_suffix}"
    return Identity(api_id, {"ApiId": api_id, "ApiEndpoint": endpoint})


# --- data: DynamoDB, S3, SQS, SNS, EventBridge -------------------------------------------------------
def dynamodb_table(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "TableName", naming.name(logical_id, max_length=255))
    arn = naming.arn("dynamodb", f"table/{name}")
    attributes = {"Arn": arn}
    if props.get("StreamSpecification"):
        # The stream label is a creation timestamp on AWS; a fixed one keeps restarts stable.
        attributes["StreamArn"] = f"{arn}/stream/2020-01-01T00:00:00.000"
    return Identity(name, attributes)


_DASH_WEBSITE_REGIONS = {"us-east-1", "us-west-1", "us-west-2", "ap-southeast-1", "ap-southeast-2",
                         "ap-northeast-1", "eu-west-1", "sa-east-1", "us-gov-west-1"}


def s3_bucket(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "BucketName", naming.name(logical_id, max_length=63, lowercase=True))
    region, suffix = naming.region, naming.url_suffix
    website = f"s3-website-{region}" if region in _DASH_WEBSITE_REGIONS else f"s3-website.{region}"
    return Identity(name, {
        "Arn": naming.arn("s3", name, region=False, account=False),
        "DomainName": f"{name}.s3.{suffix}",
        "RegionalDomainName": f"{name}.s3.{region}.{suffix}",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.{suffix}",
        "WebsiteURL": f"http://{name}.{website}.{suffix}",
    })


def _fifo(props: Mapping[str, Any], key: str) -> bool:
    return str(props.get(key, "false")).lower() == "true"


def sqs_queue(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    end = ".fifo" if _fifo(props, "FifoQueue") else ""
    name = _given(props, "QueueName", naming.name(logical_id, max_length=80, end=end))
    url = f"https://sqs.{naming.region}.{naming.url_suffix}/{naming.account}/{name}"
    return Identity(url, {"Arn": naming.arn("sqs", name), "QueueName": name, "QueueUrl": url})


def sns_topic(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    end = ".fifo" if _fifo(props, "FifoTopic") else ""
    name = _given(props, "TopicName", naming.name(logical_id, max_length=256, end=end))
    arn = naming.arn("sns", name)
    return Identity(arn, {"TopicArn": arn, "TopicName": name})


def events_rule(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "Name", naming.name(logical_id, max_length=64))
    bus = props.get("EventBusName")
    path = f"rule/{name}" if not isinstance(bus, str) or bus in ("", "default") else f"rule/{bus}/{name}"
    return Identity(name, {"Arn": naming.arn("events", path)})


def event_bus(naming: Naming, logical_id: str, props: Mapping[str, Any]) -> Identity:
    name = _given(props, "Name", logical_id)
    return Identity(name, {"Arn": naming.arn("events", f"event-bus/{name}"), "Name": name})



def default_providers() -> ResourceProviders:
    """A fresh registry with the types CloudFormation documents that the local runtime knows about."""
    return ResourceProviders({
        "AWS::Lambda::Function": lambda_function,
        "AWS::Lambda::Version": lambda_version,
        "AWS::Lambda::Alias": lambda_alias,
        "AWS::Lambda::LayerVersion": lambda_layer_version,
        "AWS::Lambda::Permission": _ref_id(12),
        "AWS::Lambda::Url": lambda_url,
        "AWS::Lambda::EventSourceMapping": lambda_event_source_mapping,
        "AWS::IAM::Role": iam_role,
        "AWS::IAM::Policy": iam_policy,
        "AWS::IAM::ManagedPolicy": iam_managed_policy,
        "AWS::StepFunctions::StateMachine": state_machine,
        "AWS::StepFunctions::Activity": activity,
        "AWS::Logs::LogGroup": log_group,
        "AWS::ApiGateway::RestApi": rest_api,
        "AWS::ApiGateway::Deployment": _ref_id(6),
        "AWS::ApiGateway::Stage": api_stage,
        "AWS::ApiGateway::Resource": api_resource,
        "AWS::ApiGateway::Method": _ref_id(6),
        "AWS::ApiGateway::Authorizer": _ref_id(6),
        "AWS::ApiGatewayV2::Api": http_api,
        "AWS::ApiGatewayV2::Stage": api_stage,
        "AWS::ApiGatewayV2::Integration": _ref_id(7),
        "AWS::ApiGatewayV2::Route": _ref_id(7),
        "AWS::DynamoDB::Table": dynamodb_table,
        "AWS::S3::Bucket": s3_bucket,
        "AWS::SQS::Queue": sqs_queue,
        "AWS::SNS::Topic": sns_topic,
        "AWS::Events::Rule": events_rule,
        "AWS::Events::EventBus": event_bus,
    })
