"""asl.fanout: Parallel and Map — concurrency, failure, tolerance, selectors, batching, scale."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statewright.asl.definition import parse_definition
from statewright.asl.step import Execution, step
from statewright.asl.types import (
    CancelTask,
    ExecutionStart,
    Finished,
    RunTask,
    StepResult,
    TaskFailed,
    TaskSucceeded,
)
from statewright.integrations.runner import RunResult, run
from statewright.integrations.types import TaskError

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Work"
T0 = 500.0


def _task(**fields: Any) -> dict[str, Any]:
    body = {"Type": "Task", "Resource": LAMBDA, **fields}
    if "Next" not in body:
        body["End"] = True
    return body


def _one(name: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: body}}


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def _runs(result: StepResult) -> list[RunTask]:
    return [c for c in result.commands if isinstance(c, RunTask)]


def _map(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


# --- Parallel -------------------------------------------------------------------------------


def _parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), "End": True, **fields}


def test_parallel_branches_run_concurrently_in_one_step() -> None:
    definition = parse_definition(_one("P", _parallel(
        _one("A", _task(Parameters={"b": "A"})), _one("B", _task(Parameters={"b": "B"})),
        _one("C", _task(Parameters={"b": "C"})))))
    execution = Execution()
    first = step(definition, execution, ExecutionStart({"x": 1}, {}), T0)
    runs = _runs(first)
    assert sorted(r.parameters["b"] for r in runs) == ["A", "B", "C"]
    assert len({r.task_id for r in runs}) == 3
    # Answer out of order: results keep branch order.
    for run_task in reversed(runs):
        last = step(definition, execution, TaskSucceeded(run_task.task_id, run_task.parameters["b"]), T0 + 1)
    assert execution.status == "SUCCEEDED"
    assert execution.output == ["A", "B", "C"]
    assert _types(last.events)[-5:] == ["LambdaFunctionSucceeded", "TaskStateExited", "ParallelStateSucceeded", "ParallelStateExited",
                                        "ExecutionSucceeded"]


def test_parallel_events_and_input_to_each_branch() -> None:
    definition = _one("P", _parallel(_one("A", {"Type": "Pass", "End": True}),
                                      _one("B", {"Type": "Pass", "Result": 2, "End": True}),
                                      Parameters={"v.$": "$.v"}, ResultPath="$.out"))
    result = run(definition, {"v": 1}, now=T0)
    assert result.output == {"v": 1, "out": [{"v": 1}, 2]}
    types = _types(result.events)
    assert types[:3] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
    assert types[-3:] == ["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]


def test_branch_failure_fails_parallel_with_the_branch_error_and_cancels_others() -> None:
    definition = parse_definition(_one("P", _parallel(_one("A", _task()), _one("B", _task()))))
    execution = Execution()
    first = step(definition, execution, ExecutionStart({}, {}), T0)
    a, b = _runs(first)
    result = step(definition, execution, TaskFailed(a.task_id, "BranchBoom", "a broke"), T0 + 1)
    assert CancelTask(b.task_id) in result.commands
    finished = [c for c in result.commands if isinstance(c, Finished)]
    assert finished == [Finished("FAILED", None, "BranchBoom", "a broke")]
    assert "ParallelStateFailed" in _types(result.events)
    assert step(definition, execution, TaskSucceeded(b.task_id, 1), T0 + 2).events == []


def test_branch_failure_caught_on_the_parallel() -> None:
    definition = {"StartAt": "P", "States": {
        "P": _parallel(_one("A", {"Type": "Fail", "Error": "Mine", "Cause": "c"}),
                       _one("B", {"Type": "Pass", "End": True}),
                       Catch=[{"ErrorEquals": ["Mine"], "Next": "H", "ResultPath": "$.err"}]),
        "H": {"Type": "Pass", "End": True}}}
    definition["States"]["P"].pop("End")
    definition["States"]["P"]["Next"] = "H"
    result = run(definition, {"k": 1}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == {"k": 1, "err": {"Error": "Mine", "Cause": "c"}}


def test_parallel_retry_reruns_every_branch() -> None:
    calls: list[Any] = []

    def handler(payload: Any) -> Any:
        calls.append(payload)
        if len(calls) == 1:
            raise TaskError("Flaky", "")
        return payload
    definition = _one("P", _parallel(_one("A", _task(Parameters={"b": 1})),
                                      _one("B", {"Type": "Pass", "Result": 2, "End": True}),
                                      Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1}]))
    result = run(definition, {}, tasks={"Work": handler}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == [{"b": 1}, 2]
    assert len(calls) == 2


def test_nested_parallel_branches_fan_out_in_one_step() -> None:
    inner = _parallel(_one("X", _task(Parameters={"b": "X"})), _one("Y", _task(Parameters={"b": "Y"})))
    definition = parse_definition(_one("Outer", _parallel(_one("Inner", inner), _one("Z", _task(Parameters={"b": "Z"})))))
    execution = Execution()
    first = step(definition, execution, ExecutionStart({}, {}), T0)
    assert sorted(r.parameters["b"] for r in _runs(first)) == ["X", "Y", "Z"]


# --- Map: concurrency -----------------------------------------------------------------------


def _drive_map(max_concurrency: int | None, items: int) -> tuple[int, Execution]:
    fields = {"ItemsPath": "$.items"}
    if max_concurrency is not None:
        fields["MaxConcurrency"] = max_concurrency
    definition = parse_definition(_one("M", _map(_one("W", _task()), **fields)))
    execution = Execution()
    result = step(definition, execution, ExecutionStart({"items": list(range(items))}, {}), T0)
    in_flight = {r.task_id: r for r in _runs(result)}
    peak = len(in_flight)
    clock = T0
    while in_flight:
        task_id = sorted(in_flight)[0]  # finish the oldest
        run_task = in_flight.pop(task_id)
        clock += 1
        result = step(definition, execution, TaskSucceeded(task_id, run_task.parameters * 10), clock)
        in_flight.update({r.task_id: r for r in _runs(result)})
        peak = max(peak, len(in_flight))
    return peak, execution


@pytest.mark.parametrize(("limit", "expected_peak"), [(1, 1), (3, 3), (0, 7), (None, 7), (50, 7)])
def test_map_max_concurrency_limits_tasks_in_flight(limit: int | None, expected_peak: int) -> None:
    peak, execution = _drive_map(limit, 7)
    assert peak == expected_peak
    assert execution.status == "SUCCEEDED"
    assert execution.output == [i * 10 for i in range(7)]


def test_map_max_concurrency_path() -> None:
    definition = parse_definition(_one("M", _map(_one("W", _task()), MaxConcurrencyPath="$.limit")))
    execution = Execution()
    result = step(definition, execution, ExecutionStart([1, 2, 3, 4], {}), T0)
    assert execution.status == "FAILED"  # the input is a list: $.limit is not there
    execution = Execution()
    definition = parse_definition(_one("M", _map(_one("W", _task()), ItemsPath="$.items",
                                                 MaxConcurrencyPath="$.limit")))
    result = step(definition, execution, ExecutionStart({"items": [1, 2, 3, 4], "limit": 2}, {}), T0)
    assert len(_runs(result)) == 2


def test_map_events() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True})))
    result = run(definition, ["a", "b"], now=T0)
    assert result.output == ["a", "b"]
    types = _types(result.events)
    assert types[:3] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted"]
    assert types[-3:] == ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    assert sorted(types[3:-3]) == sorted(["MapIterationStarted", "PassStateEntered", "PassStateExited",
                                          "MapIterationSucceeded"] * 2)
    # Each iteration's own events come in order.
    for index in (0, 1):
        started = next(i for i, e in enumerate(result.events) if e["type"] == "MapIterationStarted"
                       and e["mapIterationStartedEventDetails"]["index"] == index)
        succeeded = next(i for i, e in enumerate(result.events) if e["type"] == "MapIterationSucceeded"
                         and e["mapIterationSucceededEventDetails"]["index"] == index)
        assert started < succeeded
    started = result.events[2]["mapStateStartedEventDetails"]
    assert started == {"length": 2}
    iteration = result.events[3]["mapIterationStartedEventDetails"]
    assert iteration == {"name": "M", "index": 0}


def test_map_over_an_empty_array() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), ResultPath="$.r", ItemsPath="$.xs"))
    result = run(definition, {"xs": []}, now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output == {"xs": [], "r": []}


def test_map_items_path_not_an_array_is_runtime() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), ItemsPath="$.xs"))
    result = run(definition, {"xs": {"a": 1}}, now=T0)
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert "Map state input must be an array" in (result.cause or "")


def test_map_iteration_failure_fails_the_map_and_aborts_the_rest() -> None:
    definition = parse_definition(_one("M", _map(_one("W", _task()))))
    execution = Execution()
    first = step(definition, execution, ExecutionStart([1, 2, 3], {}), T0)
    runs = _runs(first)
    result = step(definition, execution, TaskFailed(runs[1].task_id, "ItemBoom", "i"), T0 + 1)
    types = _types(result.events)
    assert "MapIterationFailed" in types
    assert types.count("MapIterationAborted") == 2
    assert {CancelTask(runs[0].task_id), CancelTask(runs[2].task_id)} <= set(result.commands)
    assert execution.status == "FAILED"
    assert execution.error == "ItemBoom"


# --- Map: tolerated failures ------------------------------------------------------------------


def _flaky_map(failing: set[int], count: int = 10, **fields: Any) -> RunResult:
    def handler(item: Any) -> Any:
        if item in failing:
            raise TaskError("ItemFailed", f"item {item}")
        return item
    definition = _one("M", _map(_one("W", _task()), **fields))
    return run(definition, list(range(count)), tasks={"Work": handler}, now=T0)


def test_tolerated_failure_count_allows_up_to_the_count() -> None:
    result = _flaky_map({1, 2}, ToleratedFailureCount=2)
    assert result.status == "SUCCEEDED"
    assert result.output[0] == 0 and result.output[3] == 3
    assert result.output[1]["Error"] == "ItemFailed"


def test_tolerated_failure_count_exceeded() -> None:
    result = _flaky_map({1, 2, 3}, ToleratedFailureCount=2)
    assert result.status == "FAILED"
    assert result.error == "States.ExceedToleratedFailureThreshold"


def test_tolerated_failure_percentage() -> None:
    assert _flaky_map({1, 2, 3}, ToleratedFailurePercentage=30).status == "SUCCEEDED"
    failed = _flaky_map({1, 2, 3, 4}, ToleratedFailurePercentage=30)
    assert failed.status == "FAILED"
    assert failed.error == "States.ExceedToleratedFailureThreshold"


def test_tolerated_failure_count_path() -> None:
    definition = _one("M", _map(_one("W", _task()), ItemsPath="$.xs", ToleratedFailureCountPath="$.ok"))

    def handler(item: Any) -> Any:
        raise TaskError("E", "")
    assert run(definition, {"xs": [1, 2], "ok": 2}, tasks={"Work": handler}, now=T0).status == "SUCCEEDED"
    assert run(definition, {"xs": [1, 2], "ok": 1}, tasks={"Work": handler}, now=T0).status == "FAILED"


def test_either_tolerance_threshold_exceeded_fails_the_map() -> None:
    # 3 of 10 failed: the count (2) is exceeded, the percentage (50) is not.
    result = _flaky_map({1, 2, 3}, ToleratedFailureCount=2, ToleratedFailurePercentage=50)
    assert result.status == "FAILED"
    assert result.error == "States.ExceedToleratedFailureThreshold"


def test_negative_tolerated_count_path_is_runtime() -> None:
    definition = _one("M", _map(_one("W", _task()), ItemsPath="$.xs", ToleratedFailureCountPath="$.ok"))
    result = run(definition, {"xs": [1], "ok": -1}, tasks={"Work": lambda p: p}, now=T0)
    assert result.error == "States.Runtime"


# --- Map: ItemSelector, ItemBatcher, DISTRIBUTED ------------------------------------------------


def test_item_selector_with_map_item_index_and_value() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), ItemsPath="$.xs",
                                ItemSelector={"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value",
                                              "shared.$": "$.shared", "fixed": True}))
    result = run(definition, {"xs": ["a", "b"], "shared": 9}, now=T0)
    assert result.output == [{"i": 0, "v": "a", "shared": 9, "fixed": True},
                             {"i": 1, "v": "b", "shared": 9, "fixed": True}]


def test_legacy_iterator_and_parameters() -> None:
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "Iterator": _one("P", {"Type": "Pass", "End": True}), "End": True,
        "Parameters": {"v.$": "$$.Map.Item.Value"}}}}
    assert run(definition, [1, 2], now=T0).output == [{"v": 1}, {"v": 2}]


def test_jsonata_map_items_and_item_selector() -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Items": "{% $states.input.xs %}", "End": True,
        "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}", "v": "{% $states.context.Map.Item.Value %}"},
        "ItemProcessor": _one("P", {"Type": "Pass", "End": True})}}}
    assert run(definition, {"xs": ["a", "b"]}, now=T0).output == [{"i": 0, "v": "a"}, {"i": 1, "v": "b"}]


def test_jsonata_items_not_an_array_is_query_evaluation_error() -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {
        "Type": "Map", "Items": "{% $states.input.xs %}", "End": True,
        "ItemProcessor": _one("P", {"Type": "Pass", "End": True})}}}
    result = run(definition, {"xs": 5}, now=T0)
    assert result.error == "States.QueryEvaluationError"
    assert "Expected 'array', but was 'number'" in (result.cause or "")


def test_item_batcher() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}),
                                ItemProcessor={**_one("P", {"Type": "Pass", "End": True}),
                                               "ProcessorConfig": {"Mode": "DISTRIBUTED",
                                                                   "ExecutionType": "STANDARD"}},
                                ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"b": 1}}))
    result = run(definition, [1, 2, 3, 4, 5], now=T0)
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == [{"Items": [1, 2], "BatchInput": {"b": 1}}, {"Items": [3, 4], "BatchInput": {"b": 1}},
                             {"Items": [5], "BatchInput": {"b": 1}}]


def test_distributed_map_events() -> None:
    processor = {**_one("P", {"Type": "Pass", "End": True}),
                 "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
    definition = _one("M", _map(processor))
    result = run(definition, [1, 2, 3], now=T0)
    assert result.output == [1, 2, 3]
    types = _types(result.events)
    assert "MapRunStarted" in types and "MapRunSucceeded" in types
    # Child executions keep their own histories: no iteration or child-state events in the parent's.
    assert not [t for t in types if t.startswith("MapIteration") or t.startswith("Pass")]
    run_arn = next(e for e in result.events if e["type"] == "MapRunStarted")["mapRunStartedEventDetails"]["mapRunArn"]
    assert ":mapRun:" in run_arn and "/M:" in run_arn


def test_distributed_map_failure_emits_map_run_failed() -> None:
    processor = {**_one("F", {"Type": "Fail", "Error": "X"}),
                 "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
    result = run(_one("M", _map(processor)), [1], now=T0)
    assert result.status == "FAILED"
    assert "MapRunFailed" in _types(result.events)


def test_map_result_selector_and_result_path() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), ItemsPath="$.xs",
                                ResultSelector={"n.$": "States.ArrayLength($)"}, ResultPath="$.r"))
    assert run(definition, {"xs": [1, 2, 3]}, now=T0).output == {"xs": [1, 2, 3], "r": {"n": 3}}


# --- scale ----------------------------------------------------------------------------------


def test_map_of_ten_thousand_items_completes() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True})))
    result = run(definition, list(range(10_000)), now=T0, record=False)
    assert result.status == "SUCCEEDED"
    assert len(result.output) == 10_000
    assert result.output[9_999] == {"v": 9_999}


def test_map_of_five_thousand_items_with_concurrency_and_history() -> None:
    # 5,000 iterations × 4 events stay under AWS's 25,000-event history quota.
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), MaxConcurrency=10))
    result = run(definition, list(range(5_000)), now=T0)
    assert result.status == "SUCCEEDED"
    assert result.output[-1] == 4_999
    ids = [e["id"] for e in result.events]
    assert ids == list(range(1, len(ids) + 1))
    assert _types(result.events).count("MapIterationSucceeded") == 5_000


def test_map_of_ten_thousand_items_with_history_fails_at_the_history_quota() -> None:
    definition = _one("M", _map(_one("P", {"Type": "Pass", "End": True}), MaxConcurrency=10))
    result = run(definition, list(range(10_000)), now=T0)
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert [e["id"] for e in result.events] == list(range(1, 25_001))
    assert result.events[-1]["type"] == "ExecutionFailed"


def test_map_of_ten_thousand_tasks() -> None:
    definition = _one("M", _map(_one("W", _task()), MaxConcurrency=100))
    result = run(definition, list(range(10_000)), tasks={"Work": lambda x: x + 1}, now=T0, record=False)
    assert result.status == "SUCCEEDED"
    assert result.output[:3] == [1, 2, 3] and len(result.output) == 10_000


def test_map_results_are_json() -> None:
    result = run(_one("M", _map(_one("P", {"Type": "Pass", "End": True}))), [{"a": [1]}], now=T0)
    assert json.loads(json.dumps(result.output)) == [{"a": [1]}]
