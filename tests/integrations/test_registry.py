"""integrations.registry: resolution order and how an integration's outcome becomes the step's input."""

from __future__ import annotations

from typing import Any

from statewright.asl.types import StepInput, TaskFailed, TaskSucceeded
from statewright.engine.types import TaskRequest
from statewright.integrations.registry import Registry
from statewright.integrations.types import Pending, TaskContext, TaskError

EXECUTION = "arn:aws-cn:states:cn-north-1:210987654321:execution:m:e"


def _request(resource: str, parameters: Any = None, task_id: str = "k1") -> TaskRequest:
    return TaskRequest(EXECUTION, "State", task_id, resource, parameters, "token-1")


def _run(registry: Registry, resource: str, parameters: Any = None) -> tuple[StepInput | None, list[StepInput]]:
    later: list[StepInput] = []
    return registry.run_task(_request(resource, parameters), later.append), later


def test_exact_then_prefix_then_service() -> None:
    registry = Registry()
    registry.register_service("dynamodb", lambda p, c: "service")
    registry.register("arn:aws:states:::dynamodb:*", lambda p, c: "prefix")
    registry.register("arn:aws:states:::dynamodb:putItem", lambda p, c: "exact")
    assert _run(registry, "arn:aws:states:::dynamodb:putItem")[0] == TaskSucceeded("k1", "exact")
    assert _run(registry, "arn:aws:states:::dynamodb:getItem")[0] == TaskSucceeded("k1", "prefix")
    assert _run(registry, "arn:aws:states:::aws-sdk:dynamodb:query")[0] == TaskSucceeded("k1", "service")


def test_longer_prefixes_win() -> None:
    registry = Registry()
    registry.register("arn:test:*", lambda p, c: "short")
    registry.register("arn:test:long:*", lambda p, c: "long")
    assert _run(registry, "arn:test:long:x")[0] == TaskSucceeded("k1", "long")
    assert _run(registry, "arn:test:x")[0] == TaskSucceeded("k1", "short")


def test_exact_registration_serves_every_pattern_of_its_resource() -> None:
    registry = Registry()
    registry.register("arn:aws:states:::ecs:runTask", lambda p, c: c.resource.pattern)
    assert _run(registry, "arn:aws:states:::ecs:runTask.sync")[0] == TaskSucceeded("k1", "SYNC")


def test_unknown_resource_fails_naming_it() -> None:
    answer, _ = _run(Registry(), "arn:aws:states:::glue:startJobRun")
    assert answer == TaskFailed("k1", "States.TaskFailed",
                                "Statewright has no integration for the resource 'arn:aws:states:::glue:startJobRun'.")


def test_task_error_and_other_exceptions() -> None:
    registry = Registry()

    def chosen(parameters: Any, context: TaskContext) -> Any:
        raise TaskError("My.Error", "why")

    registry.register("arn:test:chosen", chosen)
    registry.register("arn:test:bug", lambda p, c: {}["missing"])
    assert _run(registry, "arn:test:chosen")[0] == TaskFailed("k1", "My.Error", "why")
    assert _run(registry, "arn:test:bug")[0] == TaskFailed("k1", "KeyError", "'missing'")


def test_context_carries_the_task_and_its_execution() -> None:
    seen: list[TaskContext] = []
    registry = Registry()
    registry.register("arn:test:look", lambda p, c: seen.append(c))
    _run(registry, "arn:test:look")
    _run(registry, "arn:test:look.waitForTaskToken")
    plain, callback = seen
    assert (plain.execution_arn, plain.state_name, plain.task_id, plain.task_key) == (EXECUTION, "State", "k1",
                                                                                      "token-1")
    assert plain.token is None and callback.token == "token-1"
    assert (plain.partition, plain.region, plain.account) == ("aws-cn", "cn-north-1", "210987654321")


def test_wait_for_task_token_ignores_the_return_value_but_not_a_failure() -> None:
    registry = Registry()
    registry.register("arn:test:send", lambda p, c: {"MessageId": "1"})
    registry.register("arn:test:refuse", lambda p, c: 1 / 0)
    assert _run(registry, "arn:test:send.waitForTaskToken") == (None, [])
    assert _run(registry, "arn:test:refuse.waitForTaskToken")[0].error == "ZeroDivisionError"


def test_pending_answers_later_through_the_context() -> None:
    waiting: list[TaskContext] = []
    registry = Registry()
    registry.register("arn:test:job", lambda p, c: (waiting.append(c), Pending())[1])
    answer, later = _run(registry, "arn:test:job.sync")
    assert answer is None and later == []
    waiting[0].complete({"done": True})
    assert later == [TaskSucceeded("k1", {"done": True})]
    waiting.clear()
    answer, later = _run(registry, "arn:test:job.sync")
    waiting[0].fail("Job.Failed", "it broke")
    assert later == [TaskFailed("k1", "Job.Failed", "it broke")]


def test_cancel_stops_pending_work_once_and_not_after_it_answered() -> None:
    cancelled: list[str] = []
    waiting: list[TaskContext] = []
    registry = Registry()

    def job(parameters: Any, context: TaskContext) -> Pending:
        waiting.append(context)
        return Pending(cancel=lambda: cancelled.append(context.task_id))

    registry.register("arn:test:job", job)
    registry.run_task(_request("arn:test:job", task_id="a"), lambda event: None)
    registry.run_task(_request("arn:test:job", task_id="b"), lambda event: None)
    registry.cancel_task(EXECUTION, "a")
    registry.cancel_task(EXECUTION, "a")
    waiting[1].complete(1)
    registry.cancel_task(EXECUTION, "b")
    registry.cancel_task(EXECUTION, "never-ran")
    assert cancelled == ["a"]


def test_an_answer_before_pending_is_returned_leaves_nothing_to_cancel() -> None:
    cancelled: list[str] = []
    registry = Registry()

    def quick(parameters: Any, context: TaskContext) -> Pending:
        context.complete("already")  # the job ended before the integration returned
        return Pending(cancel=lambda: cancelled.append("x"))

    registry.register("arn:test:quick", quick)
    answer, later = _run(registry, "arn:test:quick")
    assert answer is None and later == [TaskSucceeded("k1", "already")]
    registry.cancel_task(EXECUTION, "k1")
    assert cancelled == []
