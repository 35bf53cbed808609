"""Execution actions: start (async and sync), stop, describe, list, history, redrive, TestState."""

from __future__ import annotations

import asyncio
import json
import math
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from statewright.asl.definition import DefinitionError
from statewright.asl.history import dumps
from statewright.asl.model import ABSENT
from statewright.asl.teststate import test_state as run_test_state
from statewright.asl.teststate import tested_state
from statewright.asl.teststate_mocks import TestConfiguration, TestMock
from statewright.asl.validate import format_invalid_definition
from statewright.engine import RunOutcome, StartSpec
from statewright.engine.runs import NotRedrivable
from statewright.services.common import AwsError, validation_error
from statewright.store import AlreadyExists, ExecutionRecord, Resource

from . import mapchildren
from .arns import parse
from .context import ActionContext
from .errors import execution_missing
from .mockshapes import MODES, check_mock_result
from .testcases import bind, split_test_case
from .validation import (
    MAX_DEFINITION,
    STATUSES,
    name,
    next_token,
    one_of,
    page_size,
    page_start,
    payload,
    required_str,
    string,
)

T = TypeVar("T")
# Express executions run for at most five minutes on AWS.
SYNC_LIMIT_SECONDS = 300.0
_PAYLOAD_KEYS = ("input", "output")
# How long a StartExecution that lost a race waits for the winner's execution to be stored.
STORED_WAIT_SECONDS = 5.0
# inspectionData members that are structures or numbers on the wire (the rest are JSON text).
_INSPECTION_AS_IS = frozenset({"request", "response", "errorDetails", "toleratedFailureCount",
                               "toleratedFailurePercentage", "maxConcurrency"})


def _target(ctx: ActionContext, request: dict[str, Any]) -> tuple[Resource, Resource, Resource | None]:
    """(what to run: machine or version, the machine, the alias used) for a StartExecution ARN."""
    resource = ctx.machine_or_qualified(split_test_case(request.get("stateMachineArn"))[0])
    machine = ctx.machine_of(resource)
    if resource.kind != "alias":
        return resource, machine, None
    routes = resource.body["routingConfiguration"]
    chosen = ctx.random.choices(routes, weights=[route["weight"] for route in routes])[0]
    version = ctx.store.get_resource(chosen["stateMachineVersionArn"])
    if version is None:
        raise AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{chosen['stateMachineVersionArn']}'")
    return version, machine, resource


def start_spec(ctx: ActionContext, request: dict[str, Any], express_arn: bool) -> StartSpec:
    runnable, machine, alias = _target(ctx, request)
    _, test_case = split_test_case(request.get("stateMachineArn"))
    execution_name = name(request, required=False) or ctx.new_id()
    input_text = payload(request, "input", "InvalidExecutionInput") or "{}"
    trace_header = string(request, "traceHeader", 256)
    express = machine.body["type"] == "EXPRESS"
    if express_arn or express:
        arn = ctx.arns.express_execution(machine.name, execution_name, ctx.new_id())
    else:
        arn = ctx.arns.execution(machine.name, execution_name)
    if test_case is not None:
        _bind_test_case(ctx, arn, machine.name, test_case)
    return StartSpec(arn=arn, state_machine_arn=machine.arn, state_machine_name=machine.name,
                     name=execution_name, input_text=input_text,
                     definition_text=runnable.body["definition"], role_arn=runnable.body["roleArn"],
                     express=express, version_arn=runnable.arn if runnable.kind == "version" else None,
                     alias_arn=alias.arn if alias else None, logging=_logging(machine),
                     trace_header=trace_header or None)


def _logging(machine: Resource) -> dict[str, Any] | None:
    """The machine's loggingConfiguration as it is now (an update applies to the executions
    started after it, whichever version they run), or None when it logs nothing."""
    logging = machine.body.get("loggingConfiguration") or {}
    if logging.get("level", "OFF") == "OFF" or not logging.get("destinations"):
        return None
    return dict(logging)


def _bind_test_case(ctx: ActionContext, arn: str, machine_name: str, test_case: str) -> None:
    """An execution of `<machine ARN>#<test case>` (Step Functions Local's mocked test cases)
    belongs to the machine and runs its tasks against that case's mocks (integrations/mocks.py).
    The binding is stored before the execution starts, so its first task finds it; an existing
    execution of that name keeps the binding it has."""
    if not test_case:
        raise AwsError("InvalidArn", "Invalid Arn: 'Test case name after # must not be empty'")
    if ctx.store.get_execution(arn) is None:
        now = ctx.now()
        ctx.store.write(lambda tx: bind(tx, arn, machine_name, test_case, now)).result()
        # Tell the mocks a binding exists: with none, they skip the per-task lookup.
        note_binding = getattr(getattr(ctx.engine.tasks, "mocks", None), "note_binding", None)
        if callable(note_binding):
            note_binding()


def start_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    spec = start_spec(ctx, request, express_arn=False)
    try:
        record = ctx.engine.start_execution(spec).result()
    except AlreadyExists:
        return _start_again(ctx, spec)
    return _started(ctx, spec, record)


async def start_execution_async(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    """StartExecution on the event loop: the loop awaits the engine's commit."""
    spec = start_spec(ctx, request, express_arn=False)
    try:
        record = await awaited(ctx.engine.start_execution(spec))
    except AlreadyExists:  # rare, and it may wait for a racing start's row: on a worker thread
        return await asyncio.to_thread(_start_again, ctx, spec)
    return _started(ctx, spec, record)


def _started(ctx: ActionContext, spec: StartSpec, record: ExecutionRecord | None) -> dict[str, Any]:
    start_date = record.start_date if record is not None else ctx.now()
    return {"executionArn": spec.arn, "startDate": start_date}


def _start_again(ctx: ActionContext, spec: StartSpec) -> dict[str, Any]:
    """After AlreadyExists: AWS answers the same name and input while it runs as the same
    request; a start it raced that failed before storing anything left the name free (one more
    try); anything else is ExecutionAlreadyExists."""
    existing = stored_execution(ctx, spec.arn)
    if existing is None:
        try:
            record = ctx.engine.start_execution(spec).result()
        except AlreadyExists:
            existing = stored_execution(ctx, spec.arn)
        else:
            return _started(ctx, spec, record)
    if existing is not None and existing.status == "RUNNING" and existing.body["input"] == spec.input_text:
        return {"executionArn": existing.arn, "startDate": existing.start_date}
    raise AwsError("ExecutionAlreadyExists", f"Execution Already Exists: '{spec.arn}'")


async def awaited(future: Future[T]) -> T:
    """The result of an engine future, awaited on the event loop. A cancelled request (the client
    went away) cancels only its own waiter, never the engine's future, which the engine resolves
    later. A future resolved already (an Express execution run inline) is read at once. Cheaper
    than `asyncio.shield(asyncio.wrap_future(future))`: one loop future, one thread-safe call."""
    if future.done():
        return future.result()
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[T] = loop.create_future()

    def resolved(done: Future[T]) -> None:  # on the thread that resolved the engine's future
        try:
            loop.call_soon_threadsafe(_copy_outcome, done, waiter)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    future.add_done_callback(resolved)
    return await waiter


def _copy_outcome(done: Future[T], waiter: asyncio.Future[T]) -> None:
    if waiter.done():  # cancelled: the request went away
        return
    if done.cancelled():
        waiter.cancel()
        return
    error = done.exception()
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(done.result())


def stored_execution(ctx: ActionContext, arn: str) -> ExecutionRecord | None:
    """The execution an identical racing StartExecution is storing: the engine refuses the second
    start as soon as the first one is running, before its row is committed, so wait for the row
    (a commit takes milliseconds; None if it never comes: that start failed)."""
    deadline = time.monotonic() + STORED_WAIT_SECONDS
    while True:
        existing = ctx.store.get_execution(arn)
        if existing is not None or time.monotonic() > deadline:
            return existing
        time.sleep(0.002)


def start_sync_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    spec = _sync_spec(ctx, request)
    try:
        outcome = ctx.engine.run_sync(spec).result(SYNC_LIMIT_SECONDS)
    except FutureTimeout:
        raise _sync_timed_out() from None
    return _sync_answer(spec, outcome)


async def start_sync_execution_async(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    """StartSyncExecution on the event loop: no thread waits while the engine runs it."""
    spec = _sync_spec(ctx, request)
    try:
        running = ctx.engine.run_sync(spec)
        outcome = running.result() if running.done() else await asyncio.wait_for(awaited(running), SYNC_LIMIT_SECONDS)
    except TimeoutError:
        raise _sync_timed_out() from None
    return _sync_answer(spec, outcome)


def _sync_spec(ctx: ActionContext, request: dict[str, Any]) -> StartSpec:
    spec = start_spec(ctx, request, express_arn=True)
    if not spec.express:
        raise AwsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
    return spec


def _sync_timed_out() -> AwsError:
    return AwsError("ExecutionTimedOut", "The express execution did not end within five minutes")


def _sync_answer(spec: StartSpec, outcome: RunOutcome) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "executionArn": spec.arn, "stateMachineArn": spec.version_arn or spec.state_machine_arn,
        "name": spec.name, "startDate": outcome.start_date, "stopDate": outcome.stop_date,
        "status": outcome.status, "input": spec.input_text, "inputDetails": {"included": True},
        "billingDetails": {"billedMemoryUsedInMB": 64,
                           "billedDurationInMilliseconds": _billed_ms(outcome.stop_date - outcome.start_date)},
    }
    if spec.trace_header:
        answer["traceHeader"] = spec.trace_header
    if outcome.output is not None:
        answer.update(output=outcome.output, outputDetails={"included": True})
    if outcome.error is not None:
        answer["error"] = outcome.error
    if outcome.cause is not None:
        answer["cause"] = outcome.cause
    return answer


def _billed_ms(seconds: float) -> int:
    return max(100, math.ceil(seconds * 10) * 100)  # AWS bills Express in 100 ms steps


def _execution(ctx: ActionContext, request: dict[str, Any]) -> ExecutionRecord:
    arn = required_str(request, "executionArn")
    parse(arn, "execution")
    record = ctx.store.get_execution(arn)
    if record is None:
        raise execution_missing(arn)
    return record


def stop_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    record = _execution(ctx, request)
    error = string(request, "error", 256)
    cause = string(request, "cause", 32768)
    if record.status == "RUNNING":
        ctx.engine.stop_execution(record.arn, error, cause).result()
        record = ctx.store.get_execution(record.arn) or record
    return {"stopDate": record.stop_date or ctx.now()}


def _redrive_status(record: ExecutionRecord) -> tuple[str, str | None]:
    if record.status in ("RUNNING", "SUCCEEDED"):
        return "NOT_REDRIVABLE", f"Execution is {record.status} and cannot be redriven"
    return "REDRIVABLE", None


def describe_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = request.get("executionArn")
    if isinstance(arn, str) and mapchildren.is_child(arn):
        return mapchildren.describe_child(ctx, arn)
    record = _execution(ctx, request)
    body = record.body
    answer: dict[str, Any] = {
        "executionArn": record.arn, "stateMachineArn": record.state_machine, "name": record.name,
        "status": record.status, "startDate": record.start_date, "input": body["input"],
        "inputDetails": {"included": True}, "redriveCount": int(body.get("redriveCount", 0)),
    }
    answer["redriveStatus"], reason = _redrive_status(record)
    if reason is not None:
        answer["redriveStatusReason"] = reason
    if body.get("redriveDate") is not None:
        answer["redriveDate"] = body["redriveDate"]
    if record.stop_date is not None:
        answer["stopDate"] = record.stop_date
    if body.get("output") is not None:
        answer.update(output=body["output"], outputDetails={"included": True})
    for key in ("error", "cause"):
        if body.get(key) is not None:
            answer[key] = body[key]
    if body.get("versionArn"):
        answer["stateMachineVersionArn"] = body["versionArn"]
    if body.get("aliasArn"):
        answer["stateMachineAliasArn"] = body["aliasArn"]
    if body.get("traceHeader"):
        answer["traceHeader"] = body["traceHeader"]
    return answer


async def describe_execution_async(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    """DescribeExecution on the event loop: one store read (SQLite's WAL readers never wait for
    the writer), cheaper than the hand-off to a worker thread and back."""
    return describe_execution(ctx, request)


def _list_item(record: ExecutionRecord) -> dict[str, Any]:
    item: dict[str, Any] = {"executionArn": record.arn, "stateMachineArn": record.state_machine,
                            "name": record.name, "status": record.status, "startDate": record.start_date,
                            "redriveCount": int(record.body.get("redriveCount", 0))}
    if record.stop_date is not None:
        item["stopDate"] = record.stop_date
    if record.body.get("versionArn"):
        item["stateMachineVersionArn"] = record.body["versionArn"]
    if record.body.get("aliasArn"):
        item["stateMachineAliasArn"] = record.body["aliasArn"]
    return item


def list_executions(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("mapRunArn") is not None:
        return mapchildren.list_children(ctx, request)
    if request.get("stateMachineArn") is None:
        raise validation_error("stateMachineArn", None, "Must provide a StateMachine ARN or MapRun ARN")
    resource = ctx.machine_or_qualified(request["stateMachineArn"])
    machine = ctx.machine_of(resource)
    if machine.body["type"] == "EXPRESS":
        raise AwsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
    status = one_of(request, "statusFilter", STATUSES)
    scope = f"ListExecutions:{resource.arn}:{status}"
    start, size = page_start(request, scope), page_size(request)
    if resource.kind == "stateMachine":
        page = ctx.store.list_executions(machine.arn, status, start, size + 1)
    else:  # a version or an alias: filter the machine's executions by the ARN they were started with
        key = "versionArn" if resource.kind == "version" else "aliasArn"
        every = ctx.store.list_executions(machine.arn, status, 0, -1)
        page = [record for record in every if record.body.get(key) == resource.arn][start:start + size + 1]
    answer: dict[str, Any] = {"executions": [_list_item(record) for record in page[:size]]}
    if len(page) > size:
        answer["nextToken"] = next_token(scope, start + size)
    return answer


def _without_payloads(event: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(event)
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            trimmed[key] = {k: v for k, v in value.items() if k not in _PAYLOAD_KEYS}
    return trimmed


def get_execution_history(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    record = _execution(ctx, request)
    reverse = bool(request.get("reverseOrder"))
    include_data = request.get("includeExecutionData", True) is not False
    scope = f"GetExecutionHistory:{record.arn}:{reverse}"
    start, size = page_start(request, scope), page_size(request)
    events = ctx.store.history(record.arn, start, size + 1, reverse)
    page = events[:size] if include_data else [_without_payloads(event) for event in events[:size]]
    answer: dict[str, Any] = {"events": page}
    if len(events) > size:
        answer["nextToken"] = next_token(scope, start + size)
    return answer


def redrive_execution(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    record = _execution(ctx, request)
    string(request, "clientToken", 64)
    if record.arn.split(":")[5] == "express":
        raise AwsError("ExecutionNotRedrivable", "Express executions cannot be redriven")
    try:
        reopened = ctx.engine.redrive_execution(record.arn).result()
    except NotRedrivable as refused:
        raise AwsError("ExecutionNotRedrivable", str(refused)) from None
    return {"redriveDate": reopened.body.get("redriveDate", ctx.now())}


def test_state(ctx: ActionContext, request: dict[str, Any]) -> dict[str, Any]:
    definition = required_str(request, "definition", MAX_DEFINITION)
    ctx.check_role(request, required=False)
    input_text = payload(request, "input", "InvalidExecutionInput") or "{}"
    level = one_of(request, "inspectionLevel", ("INFO", "DEBUG", "TRACE"), "INFO") or "INFO"
    variables = _json_object(request, "variables")
    context = _json_object(request, "context")
    mock, mode = _mock(request)
    configuration = _state_configuration(request)
    state_name = string(request, "stateName")
    try:
        if mock is not None and mock.result is not ABSENT:
            check_mock_result(_resource_of(definition, state_name), mock.result, mode)
        answer = run_test_state(definition, json.loads(input_text), state_name=state_name,
                                inspection_level=level, variables=variables, role_arn=string(request, "roleArn"),
                                context=context, mock=mock, configuration=configuration)
    except DefinitionError as error:
        raise AwsError("InvalidDefinition", format_invalid_definition(error.diagnostics)) from None
    except ValueError as error:
        raise AwsError("ValidationException", str(error)) from None
    return _test_state_wire(answer)


def _json_object(request: dict[str, Any], field: str) -> dict[str, Any] | None:
    text = payload(request, field, "InvalidExecutionInput", None)
    value = json.loads(text) if text is not None else None
    if value is not None and not isinstance(value, dict):
        raise validation_error(field, text, "Member must be a JSON object")
    return value


def _mock(request: dict[str, Any]) -> tuple[TestMock | None, str]:
    """TestState's `mock`: `result` (JSON text) or `errorOutput`, and `fieldValidationMode`."""
    mock = request.get("mock")
    if mock is None:
        return None, "NONE"
    if not isinstance(mock, dict):
        raise validation_error("mock", mock, "Member must be a structure")
    mode = one_of(mock, "fieldValidationMode", MODES, "STRICT") or "STRICT"
    result_text = payload(mock, "result", "ValidationException", None)
    error_output = mock.get("errorOutput")
    if (result_text is None) == (error_output is None):
        raise AwsError("ValidationException", "A mock must have exactly one of result and errorOutput")
    if result_text is not None:
        return TestMock(result=json.loads(result_text)), mode
    if not isinstance(error_output, dict):
        raise validation_error("mock.errorOutput", error_output, "Member must be a structure")
    error, cause = string(error_output, "error", 256), string(error_output, "cause", 32768)
    if error is None:
        raise validation_error("mock.errorOutput.error", None, "Member must not be null")
    return TestMock(error=error, cause=cause or ""), mode


def _state_configuration(request: dict[str, Any]) -> TestConfiguration:
    raw = request.get("stateConfiguration")
    if raw is None:
        return TestConfiguration()
    if not isinstance(raw, dict):
        raise validation_error("stateConfiguration", raw, "Member must be a structure")
    counts = {}
    for field in ("retrierRetryCount", "mapIterationFailureCount"):
        value = raw.get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise validation_error(f"stateConfiguration.{field}", value,
                                   "Member must have value greater than or equal to 0")
        counts[field] = value
    caused_by = string(raw, "errorCausedByState", 80)
    reader_text = payload(raw, "mapItemReaderData", "ValidationException", None)
    return TestConfiguration(retrier_retry_count=counts["retrierRetryCount"], error_caused_by_state=caused_by,
                             map_iteration_failure_count=counts["mapIterationFailureCount"],
                             map_item_reader_data=json.loads(reader_text) if reader_text is not None else ABSENT)


def _resource_of(definition: str, state_name: str | None) -> str:
    """The tested state's Resource ("" when it has none), for the mock's field validation."""
    try:
        state = tested_state(definition, state_name)
    except (DefinitionError, ValueError):
        return ""  # test_state reports it
    resource = state.get("Resource") if isinstance(state, dict) else None
    return resource if isinstance(resource, str) else ""


def _test_state_wire(answer: dict[str, Any]) -> dict[str, Any]:
    """Payloads travel as JSON text on the wire (output, and each inspectionData stage)."""
    wire = dict(answer)
    if "output" in wire:
        wire["output"] = dumps(wire["output"])
    inspection = wire.get("inspectionData")
    if isinstance(inspection, dict):
        wire["inspectionData"] = {key: value if key in _INSPECTION_AS_IS else dumps(value)
                                  for key, value in inspection.items()}
    return wire


ACTIONS = {
    "StartExecution": start_execution,
    "StartSyncExecution": start_sync_execution,
    "StopExecution": stop_execution,
    "DescribeExecution": describe_execution,
    "ListExecutions": list_executions,
    "GetExecutionHistory": get_execution_history,
    "RedriveExecution": redrive_execution,
    "TestState": test_state,
}
