"""Applying a loaded template (a `Stack`) to the running services: Lambda functions defined,
state machines created or updated (and those the template dropped removed), every resource
recorded as the stack's for CloudFormation's API. Called by the composition root (runtime.py)
and by `statewright run --template`; see docs/sam.md."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statewright.services.cloudformation import ResourceState, StackState, save_stack, stack_resources
from statewright.services.common import AwsError, RequestContext, Service
from statewright.services.stepfunctions.declared import api_logging, api_tracing
from statewright.template import Stack, StackResource

log = logging.getLogger(__name__)

FUNCTION = "AWS::Lambda::Function"
LAYER = "AWS::Lambda::LayerVersion"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"
TABLE = "AWS::DynamoDB::Table"
LOG_GROUP = "AWS::Logs::LogGroup"
EVENT_SOURCE_MAPPING = "AWS::Lambda::EventSourceMapping"
BUCKET = "AWS::S3::Bucket"
# Types created by a service of their own beyond what the template reader runs (tables, buckets,
# APIs); with template.LOCALLY_RUN_TYPES they are what `serve --template` emulates.
SERVICE_TYPES = frozenset({TABLE, BUCKET, EVENT_SOURCE_MAPPING})


DEFAULT_ROLE = "arn:{partition}:iam::{account}:role/statewright-local"


@dataclass(frozen=True)
class AppliedResource:
    """What the runtime made of one resource: `status` is a short local word (`running`,
    `created`, `updated`, `unchanged`, `kept`, `layer`, `not emulated`, `failed`); `detail` says more."""

    logical_id: str
    type: str
    physical_id: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class DebugFunction:
    """`serve --debug-function NAME [--debug-port P]`: the function (logical id or name) whose
    worker runs under debugpy on the loopback port."""

    name: str
    port: int = 5678


@dataclass(frozen=True)
class StackReport:
    """The outcome of applying a stack, for the start-up listing and for tests."""

    stack: Stack
    status: str  # CloudFormation's: CREATE_COMPLETE or UPDATE_COMPLETE
    resources: tuple[AppliedResource, ...]
    removed: tuple[str, ...] = ()  # physical ids of state machines the template no longer declares
    warnings: tuple[str, ...] = field(default_factory=tuple)
    api_urls: tuple[str, ...] = ()  # "<name> <stage>: <path-style URL>  (<host-style URL>)"


def apply_stack(stack: Stack, services: Mapping[str, Service], store: Any, now: float,
                endpoint: str = "", debug: DebugFunction | None = None) -> StackReport:
    """Reconcile the services with the stack and record it; service errors become a resource's
    `failed` status and a warning (a template the loader accepted must not stop the server)."""
    context = RequestContext(region=stack.region, account=stack.account, partition=stack.partition)
    layers = layer_dirs(stack)
    warnings: list[str] = []
    applied: list[AppliedResource] = []
    for resource in stack.resources:
        try:
            applied.append(_apply_one(resource, stack, services, context, layers, warnings, debug))
        except AwsError as error:
            warnings.append(f"{resource.logical_id} ({resource.type}): {error.code}: {error.message}")
            applied.append(_entry(resource, "failed", f"{error.code}: {error.message}"))
        except (KeyError, TypeError, ValueError) as error:
            # Only reachable with --no-lint (cfn-lint rejects such properties): say which one.
            problem = f"a property has a value Statewright cannot use ({type(error).__name__}: {error})"
            warnings.append(f"{resource.logical_id} ({resource.type}): {problem}")
            applied.append(_entry(resource, "failed", problem))
    applied = _apply_apis(stack, services, applied, warnings)
    removed = _remove_dropped(stack, services, store, context)
    status = save_stack(store, stack_state(stack, applied), now)
    return StackReport(stack, status, tuple(applied), tuple(removed), tuple(warnings), _api_urls(services, endpoint))


def _api_urls(services: Mapping[str, Service], endpoint: str) -> tuple[str, ...]:
    gateway = services.get("apigateway")
    if gateway is None or not endpoint:
        return ()
    return tuple(f"{url.name} ({url.protocol}, stage {url.stage}): {url.url}" + (f"  or {url.host_url}" if url.host_url else "")
                 for url in gateway.urls(endpoint))  # type: ignore[attr-defined]


def _apply_one(resource: StackResource, stack: Stack, services: Mapping[str, Service], context: RequestContext,
               layers: Mapping[str, str], warnings: list[str], debug: DebugFunction | None = None) -> AppliedResource:
    if not resource.emulated:
        return _entry(resource, "not emulated", not_emulated_reason(resource.type))
    if resource.type == FUNCTION:
        lambda_service = services.get("lambda")
        code = resource.properties.get("Code")
        if lambda_service is None or not isinstance(code, str):
            reason = "the Lambda service is not running" if lambda_service is None else "its code is not local"
            return _entry(resource, "not emulated", reason)
        config = function_config(resource, layers, warnings)
        if debug is not None and debug.name in (resource.logical_id, str(resource.physical_id)):
            # One worker, listening for a debugger; Lambda's longest timeout, so a paused
            # breakpoint does not end the invocation.
            config = dataclasses.replace(config, debug_port=debug.port, timeout=900, reserved_concurrency=1)
        lambda_service.put_function(config)  # type: ignore[attr-defined]
        return _entry(resource, "running", f"{config.runtime} {config.handler} in {config.code_dir}")
    if resource.type == STATE_MACHINE:
        sfn = services.get("stepfunctions")
        if sfn is None:
            return _entry(resource, "not emulated", "the Step Functions service is not running")
        _, outcome = sfn.put_state_machine(context, **state_machine_settings(resource, stack))  # type: ignore[attr-defined]
        return _entry(resource, outcome, str(resource.physical_id))
    if resource.type == LAYER:
        return _entry(resource, "layer", str(resource.properties.get("Content", "")))
    if resource.type == LOG_GROUP and "logs" in services:
        retention = resource.properties.get("RetentionInDays")
        services["logs"].put_group(str(resource.physical_id),  # type: ignore[attr-defined]
                                   retention_days=int(retention) if retention is not None else None, scope=context)
        return _entry(resource, "running", f"log group {resource.physical_id}")
    if resource.type == EVENT_SOURCE_MAPPING:
        return _apply_event_source(resource, services, context)
    if resource.type == TABLE and "dynamodb" in services:
        properties = {**resource.properties, "TableName": str(resource.physical_id)}
        services["dynamodb"].create_table_from_template(properties, context, resource.logical_id)  # type: ignore[attr-defined]
        return _entry(resource, "running", f"DynamoDB table {resource.physical_id}")
    if resource.type == BUCKET and "s3" in services:
        from statewright.services.s3.template import create_bucket_from_template

        create_bucket_from_template(services["s3"], str(resource.physical_id), dict(resource.properties),  # type: ignore[arg-type]
                                    context)
        return _entry(resource, "running", f"S3 bucket {resource.physical_id}")
    # IAM roles, permissions, log groups and any type a caller added to the emulated set
    # (its own service creates it) are recorded as the stack's.
    return _entry(resource, "kept", "")


def _apply_event_source(resource: StackResource, services: Mapping[str, Service],
                        context: RequestContext) -> AppliedResource:
    """A DynamoDB stream → Lambda mapping (a function's `Type: DynamoDB` event): the table's stream
    ARN is looked up by its table (the template's StreamArn names a stream label the local table
    did not choose), and the DynamoDB service delivers batches to the function."""
    props = resource.properties
    source = str(props.get("EventSourceArn", ""))
    if ":dynamodb:" not in source or "/stream/" not in source:
        return _entry(resource, "not emulated", "only DynamoDB stream event sources are delivered locally")
    dynamodb, functions = services.get("dynamodb"), services.get("lambda")
    if dynamodb is None or functions is None:
        return _entry(resource, "not emulated", "the DynamoDB or the Lambda service is not running")
    table = source.split(":table/", 1)[1].split("/stream/", 1)[0]
    described = dynamodb.handle("DescribeTable", {"TableName": table}, context)["Table"]
    stream_arn = described.get("LatestStreamArn")
    if not stream_arn:
        return _entry(resource, "failed", f"the table {table} has no stream (StreamSpecification)")
    delivery = dynamodb.deliver_streams(functions)  # type: ignore[attr-defined]
    delivery.add_mapping(str(resource.physical_id), stream_arn, str(props["FunctionName"]), context,
                         starting_position=str(props.get("StartingPosition", "LATEST")),
                         batch_size=int(props.get("BatchSize", 100)),
                         maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                         report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []))
    return _entry(resource, "running", f"{table} stream → {props['FunctionName']}")


def _apply_apis(stack: Stack, services: Mapping[str, Service], applied: list[AppliedResource],
                warnings: list[str]) -> list[AppliedResource]:
    """API Gateway builds every REST and HTTP API of the stack at once (an API is several
    resources: the API, its stages, deployments, routes); their entries then say "serving"."""
    gateway = services.get("apigateway")
    if gateway is None:
        return applied
    from statewright.services.apigateway import API_TYPES

    if not any(entry.type in API_TYPES for entry in applied):
        return applied
    try:
        gateway.apply_stack(stack)  # type: ignore[attr-defined]
    except AwsError as error:
        warnings.append(f"API Gateway: {error.code}: {error.message}")
        return applied
    return [AppliedResource(entry.logical_id, entry.type, entry.physical_id, "serving", entry.detail)
            if entry.type in API_TYPES and entry.status == "kept" else entry for entry in applied]


def _entry(resource: StackResource, status: str, detail: str) -> AppliedResource:
    return AppliedResource(resource.logical_id, resource.type, str(resource.physical_id), status, detail)


def not_emulated_reason(resource_type: str) -> str:
    return (f"Statewright does not emulate {resource_type}: its name and ARN resolve for the other "
            "resources, but nothing is created")


# --- Lambda ---------------------------------------------------------------------------------------

def layer_dirs(stack: Stack) -> dict[str, str]:
    """Layer version ARN → its local content folder, for the stack's `AWS::Lambda::LayerVersion`s."""
    found: dict[str, str] = {}
    for layer in stack.of_type(LAYER):
        content = layer.properties.get("Content")
        if isinstance(content, str):
            found[str(layer.physical_id)] = content
            arn = layer.attributes.get("LayerVersionArn")
            if isinstance(arn, str):
                found[arn] = content
    return found


def function_config(resource: StackResource, layers: Mapping[str, str], warnings: list[str]) -> Any:
    """The Lambda service's `FunctionConfig` for a template's `AWS::Lambda::Function`."""
    from statewright.services.awslambda import FunctionConfig

    props = resource.properties
    variables = (props.get("Environment") or {}).get("Variables") or {}
    layer_paths = []
    for arn in props.get("Layers") or []:
        if str(arn) in layers:
            layer_paths.append(layers[str(arn)])
        else:
            warnings.append(f"{resource.logical_id}.Properties.Layers: {arn} is not a layer of this template; "
                            "the function runs without it")
    reserved = props.get("ReservedConcurrentExecutions")
    return FunctionConfig(
        name=str(resource.physical_id), handler=str(props.get("Handler", "")),
        runtime=str(props.get("Runtime", "")), code_dir=str(props["Code"]), layers=tuple(layer_paths),
        environment={str(key): _text(value) for key, value in variables.items()},
        timeout=int(props.get("Timeout", 3)), memory_size=int(props.get("MemorySize", 128)),
        reserved_concurrency=None if reserved is None else int(reserved), role=str(props.get("Role", "")),
        tags=_tags(props.get("Tags")), architectures=tuple(props.get("Architectures") or ("x86_64",)),
        logging_config=dict(props.get("LoggingConfig") or {}), description=str(props.get("Description", "")),
        # A LayerVersion's Ref is its version ARN, which is what GetFunction lists.
        layer_arns=tuple(str(arn) for arn in props.get("Layers") or []))


def _text(value: Any) -> str:
    # Environment values are strings on Lambda; a template number or boolean arrives as its text.
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _tags(value: Any) -> dict[str, str]:
    """Tags as CloudFormation lists them ([{Key, Value}]) or as SAM's map."""
    if isinstance(value, dict):
        return {str(key): str(item) for key, item in value.items()}
    if isinstance(value, list):
        return {str(tag.get("Key")): str(tag.get("Value")) for tag in value if isinstance(tag, dict)}
    return {}


# --- Step Functions -------------------------------------------------------------------------------

def state_machine_settings(resource: StackResource, stack: Stack) -> dict[str, Any]:
    """`put_state_machine`'s arguments for a template's `AWS::StepFunctions::StateMachine`."""
    props = resource.properties
    role = props.get("RoleArn") or DEFAULT_ROLE.format(partition=stack.partition, account=stack.account)
    return {"name": str(resource.attributes.get("Name") or str(resource.physical_id).rsplit(":", 1)[-1]),
            "definition": str(props["DefinitionString"]), "role_arn": str(role),
            "machine_type": str(props.get("StateMachineType") or "STANDARD"),
            "logging": api_logging(props.get("LoggingConfiguration")),
            "tracing": api_tracing(props.get("TracingConfiguration")), "tags": _tags(props.get("Tags"))}


def _remove_dropped(stack: Stack, services: Mapping[str, Service], store: Any, context: RequestContext) -> list[str]:
    """Delete the state machines a previous run of this stack created that it no longer declares
    (or declares under another name). Only the stack's own records are consulted, so a state
    machine made through the API is never touched."""
    sfn = services.get("stepfunctions")
    if sfn is None:
        return []
    current = {str(resource.physical_id) for resource in stack.of_type(STATE_MACHINE)}
    removed = []
    for old in stack_resources(store, stack_id(stack)):
        physical = str(old.body.get("physicalId"))
        if old.body.get("type") == STATE_MACHINE and old.body.get("emulated", True) and physical not in current:
            if sfn.remove_state_machine(context, physical):  # type: ignore[attr-defined]
                removed.append(physical)
    return removed


# --- the stack's record ---------------------------------------------------------------------------

def stack_id(stack: Stack) -> str:
    from statewright.template.parameters import stack_id_of

    return stack_id_of(region=stack.region, account=stack.account, stack_name=stack.name)


def stack_state(stack: Stack, applied: list[AppliedResource]) -> StackState:
    """The stack as CloudFormation's API reports it."""
    by_id = {entry.logical_id: entry for entry in applied}
    resources = tuple(
        ResourceState(logical_id=resource.logical_id, type=resource.type, physical_id=str(resource.physical_id),
                      fingerprint=_digest(resource.properties),
                      reason=_reason(by_id.get(resource.logical_id)), emulated=resource.emulated)
        for resource in stack.resources)
    masked = stack.parameters.masked()
    parameters = [{"ParameterKey": key, "ParameterValue": _joined(value)} for key, value in masked.items()]
    outputs = []
    for output in stack.outputs:
        item: dict[str, Any] = {"OutputKey": output.key, "OutputValue": _joined(output.value)}
        if output.description:
            item["Description"] = output.description
        if output.export_name:
            item["ExportName"] = output.export_name
        outputs.append(item)
    body = _template_text(stack.template_path)
    description = stack.template.get("Description")
    return StackState(stack_id=stack_id(stack), name=stack.name,
                      description=description.strip() if isinstance(description, str) else None,
                      parameters=parameters, outputs=outputs, template_body=body,
                      processed_template=stack.template,
                      fingerprint=_digest([body, stack.parameters.values]), resources=resources,
                      template_path=str(stack.template_path))


def _reason(entry: AppliedResource | None) -> str | None:
    if entry is None or entry.status not in ("not emulated", "failed"):
        return None
    return entry.detail or None


def _joined(value: Any) -> str:
    # CloudFormation parameters and outputs are strings; lists show comma-joined.
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _template_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError:
        return ""


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def default_emulated_types() -> frozenset[str]:
    """What `serve --template` creates locally: the template reader's types, tables, buckets, APIs."""
    from statewright.services.apigateway import API_TYPES
    from statewright.template import LOCALLY_RUN_TYPES

    return LOCALLY_RUN_TYPES | SERVICE_TYPES | frozenset(API_TYPES)


def load_template(path: Path | str, settings: Any, *, parameter_overrides: Mapping[str, str] | None = None,
                  stack_name: str | None = None, emulated_types: Any = None, run_lint: bool = True) -> Stack:
    """Read the template for a server with these settings (its region, account and endpoint; cfn-lint's
    findings cached under the data directory). Raises TemplateError."""
    from statewright.template import load_stack

    # The SAM translator logs its feature-toggle lookups as warnings; they say nothing about the template.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return load_stack(path, parameter_overrides=dict(parameter_overrides or {}), region=settings.region,
                      account=settings.account_id, stack_name=stack_name, endpoint=f"http://{host}:{settings.port}",
                      emulated_types=default_emulated_types() if emulated_types is None else emulated_types,
                      run_lint=run_lint, lint_cache_dir=Path(settings.data_dir) / "cache" / "cfn-lint")
