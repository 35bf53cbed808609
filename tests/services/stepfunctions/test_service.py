"""The Step Functions service answers some operations on the event loop (handle_async), exactly
as handle answers them on a worker thread."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import Future

import pytest
from tests.loops import run_coroutine

from statewright.services.common import AwsError
from statewright.services.stepfunctions.executions import awaited

ROLE = "arn:aws:iam::123456789012:role/r"
THREE_STATES = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.a", "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd(1, 2)"}, "ResultPath": "$.b", "Next": "C"},
    "C": {"Type": "Succeed"}}}
WAITS = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 0, "Next": "P"},
                                     "P": {"Type": "Pass", "Result": "waited", "End": True}}}


def _machine(service, name: str, kind: str, definition: dict = THREE_STATES) -> str:
    return service.handle("CreateStateMachine", {"name": name, "definition": json.dumps(definition),
                                                 "roleArn": ROLE, "type": kind})["stateMachineArn"]


def _on_loop(service, operation: str, request: dict):
    return run_coroutine(lambda: service.service.handle_async(operation, request, service.context))


def test_which_requests_are_answered_on_the_loop(service):
    answers = service.service.answers_on_loop
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    assert answers("StartExecution", {"stateMachineArn": machine})
    assert answers("StartSyncExecution", {"stateMachineArn": machine})
    assert answers("DescribeExecution", {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e"})
    # A mocked test case stores its binding and waits for the commit: a worker thread's job.
    assert not answers("StartExecution", {"stateMachineArn": machine + "#HappyPath"})
    assert not answers("DescribeExecution",
                       {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m/map:e"})
    assert not answers("ListExecutions", {"stateMachineArn": machine})


def test_a_standard_execution_started_on_the_loop_is_described_alike(service):
    machine = _machine(service, "std", "STANDARD")
    started = _on_loop(service, "StartExecution", {"stateMachineArn": machine, "name": "e1", "input": '{"x": 1}'})
    assert started["executionArn"].endswith(":execution:std:e1")
    request = {"executionArn": started["executionArn"]}
    on_loop = _on_loop(service, "DescribeExecution", request)
    assert on_loop == service.handle("DescribeExecution", request)
    assert (on_loop["status"], json.loads(on_loop["output"])) == (
        "SUCCEEDED", {"x": 1, "a": {"ok": True}, "b": {"sum": 3}})
    # The same name and input while it runs is the same request; once it ended it is taken.
    with pytest.raises(AwsError) as taken:
        _on_loop(service, "StartExecution", {"stateMachineArn": machine, "name": "e1", "input": '{"x": 1}'})
    assert taken.value.code == "ExecutionAlreadyExists"


@pytest.mark.parametrize("definition", [THREE_STATES, WAITS], ids=["inline", "through-the-loop"])
def test_start_sync_on_the_loop_answers_as_on_a_thread(service, definition):
    machine = _machine(service, "fast", "EXPRESS", definition)
    request = {"stateMachineArn": machine, "input": '{"x": 1}'}
    on_loop, on_thread = _on_loop(service, "StartSyncExecution", request), service.handle("StartSyncExecution", request)
    varying = ("executionArn", "name", "startDate", "stopDate", "billingDetails")
    assert {k: v for k, v in on_loop.items() if k not in varying} == {
        k: v for k, v in on_thread.items() if k not in varying}
    assert on_loop["status"] == "SUCCEEDED"


@pytest.mark.parametrize("operation, request_of", [
    ("DescribeExecution", lambda machines: {}),
    ("DescribeExecution", lambda machines: {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:x:y"}),
    ("DescribeExecution", lambda machines: {"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:x:y"}),
    ("StartSyncExecution", lambda machines: {"stateMachineArn": machines["STANDARD"]}),
    ("StartExecution", lambda machines: {"stateMachineArn": machines["STANDARD"], "input": "[" * 600 + "]" * 600}),
    ("StartExecution", lambda machines: {"stateMachineArn": machines["STANDARD"], "input": "not json"}),
], ids=["no-arn", "missing", "foreign-region", "standard-sync", "too-deep", "bad-input"])
def test_errors_on_the_loop_are_those_of_a_thread(service, operation, request_of):
    machines = {kind: _machine(service, kind.lower(), kind) for kind in ("STANDARD", "EXPRESS")}
    request = request_of(machines)
    with pytest.raises(AwsError) as on_thread:
        service.handle(operation, request)
    with pytest.raises(AwsError) as on_loop:
        _on_loop(service, operation, request)
    assert (on_loop.value.code, str(on_loop.value)) == (on_thread.value.code, str(on_thread.value))


def test_a_cancelled_request_leaves_the_engine_future_alone():
    future: Future[str] = Future()

    async def cancel_while_waiting() -> None:
        waiting = asyncio.ensure_future(awaited(future))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    run_coroutine(cancel_while_waiting)
    resolver = threading.Thread(target=future.set_result, args=("done",))  # the engine resolves it later
    resolver.start()
    resolver.join()
    assert future.result() == "done"


@pytest.mark.parametrize("outcome", ["value", "error"])
def test_an_engine_future_resolved_on_another_thread_answers_the_awaiting_request(outcome):
    future: Future[str] = Future()

    async def wait_for_it() -> str:
        waiting = asyncio.ensure_future(awaited(future))
        await asyncio.sleep(0)
        if outcome == "value":
            threading.Thread(target=future.set_result, args=("done",)).start()
        else:
            threading.Thread(target=future.set_exception, args=(KeyError("gone"),)).start()
        return await asyncio.wait_for(waiting, 5)

    if outcome == "value":
        assert run_coroutine(wait_for_it) == "done"
    else:
        with pytest.raises(KeyError, match="gone"):
            run_coroutine(wait_for_it)
