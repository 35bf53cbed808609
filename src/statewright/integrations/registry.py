"""The one place a Task resource is resolved to an integration and called.

Both the durable engine and the in-memory runner hand their tasks to `Registry.run_task`, which
turns what the integration did (a result, `Pending`, TaskError, any other exception) into the
step's TaskSucceeded/TaskFailed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from statewright.asl.drive import NO_INTEGRATION
from statewright.asl.types import StepInput, TaskFailed, TaskSucceeded
from statewright.engine.types import TaskRequest

from .mocks import TaskMocks
from .resource import read_resource
from .types import WAIT_FOR_TOKEN, Integration, Pending, TaskContext, TaskError, TaskResource


class Registry:
    """Integrations by exact resource text, by text prefix, or by the AWS service a resource names.

    `register("arn:test:echo", integration)` serves that resource with any pattern suffix;
    `register("arn:test:*", integration)` serves every resource starting with `arn:test:`;
    `register_service("lambda", integration)` serves function ARNs, `states:::lambda:*` and
    `states:::aws-sdk:lambda:*`. An exact or prefix registration wins over a service.
    """

    def __init__(self) -> None:
        self._exact: dict[str, Integration] = {}
        self._prefixes: list[tuple[str, Integration]] = []
        self._services: dict[str, Integration] = {}
        # How to stop the work of tasks whose integration returned Pending, until they answer.
        self._cancels: dict[tuple[str, str], Callable[[], None]] = {}
        self._lock = threading.Lock()
        # Mocked responses of executions started with a test case (mocks.py); None: no mocks.
        self.mocks: TaskMocks | None = None

    def register(self, resource: str, integration: Integration) -> None:
        if resource.endswith("*"):
            self._prefixes.append((resource[:-1], integration))
            self._prefixes.sort(key=lambda entry: -len(entry[0]))
        else:
            self._exact[resource] = integration

    def register_service(self, service: str, integration: Integration) -> None:
        self._services[service] = integration

    def resolve(self, resource: TaskResource) -> Integration | None:
        found = self._exact.get(resource.base) or self._exact.get(resource.text)
        if found is not None:
            return found
        for prefix, integration in self._prefixes:
            if resource.base.startswith(prefix):
                return integration
        return self._services.get(resource.service) if resource.service else None

    def run_task(self, request: TaskRequest, deliver: Callable[[StepInput], None]) -> StepInput | None:
        """Call the task's integration; see engine.types.TaskRunner."""
        if self.mocks is not None:
            mocked = self.mocks.answer(request.execution_arn, request.state_name, request.token)
            if mocked is not None:
                # A mocked task answers at once, whatever its pattern (.sync, .waitForTaskToken).
                if mocked.error is not None:
                    return TaskFailed(request.task_id, mocked.error, mocked.cause or "")
                return TaskSucceeded(request.task_id, mocked.output)
        resource = read_resource(request.resource)
        integration = self.resolve(resource)
        if integration is None:
            return TaskFailed(request.task_id, "States.TaskFailed", NO_INTEGRATION.format(resource=request.resource))
        task_id, key = request.task_id, (request.execution_arn, request.task_id)
        answered = threading.Event()

        def answer(event: StepInput) -> None:
            answered.set()
            with self._lock:
                self._cancels.pop(key, None)
            deliver(event)

        def complete(output: Any) -> None:
            answer(TaskSucceeded(task_id, output))

        def fail(error: str, cause: str) -> None:
            answer(TaskFailed(task_id, error, cause))

        waits_for_token = resource.pattern == WAIT_FOR_TOKEN
        context = TaskContext(request.execution_arn, request.state_name, task_id, resource, request.token,
                              request.token if waits_for_token else None, complete, fail, request.credentials)
        try:
            output = integration(request.parameters, context)
        except TaskError as error:
            return TaskFailed(task_id, error.error, error.cause)
        except Exception as error:  # noqa: BLE001 - an integration's bug is its task's failure
            return TaskFailed(task_id, type(error).__name__, str(error))
        if isinstance(output, Pending):
            if output.cancel is not None:
                with self._lock:
                    if not answered.is_set():
                        self._cancels[key] = output.cancel
            return None  # the integration's own callback completes it
        if waits_for_token:
            return None  # SendTaskSuccess/Failure with the token completes it
        return TaskSucceeded(task_id, output)

    def cancel_task(self, execution_arn: str, task_id: str) -> None:
        """The task is no longer wanted: stop what its integration started, if it said how.
        Called on the engine's loop thread, so a `cancel` must not block."""
        with self._lock:
            cancel = self._cancels.pop((execution_arn, task_id), None)
        if cancel is not None:
            cancel()
