"""TestState's mocks and state configuration (the request's `mock` and `stateConfiguration`):
what they are, which requests AWS refuses, and how a mocked Map or Parallel state is tested
(its mock stands for the whole state's result, so it is tested as a Task with that answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .drive import TaskCaller
from .errors import EXCEED_TOLERATED_FAILURE_THRESHOLD
from .model import ABSENT
from .types import RunTask, StepInput, TaskFailed, TaskSucceeded

MOCKABLE = ("Task", "Map", "Parallel")
# The fields a Map or Parallel state shares with a Task state (what stays when it is mocked).
_SHARED = ("Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "ResultPath", "ResultSelector",
           "Retry", "Catch", "Next", "End", "Assign", "Output")
MOCK_RESOURCE = "arn:aws:states:::statewright:testStateMock"


@dataclass(frozen=True)
class TestMock:
    """`mock`: a result (a JSON value), or an error with its cause."""

    __test__ = False  # not a pytest test class

    result: Any = ABSENT
    error: str | None = None
    cause: str | None = None

    def caller(self) -> TaskCaller:
        """Answers every task with the mock, whatever its resource and pattern."""

        def call(command: RunTask, deliver: Any) -> StepInput:
            if self.error is not None:
                return TaskFailed(command.task_id, self.error, self.cause or "")
            return TaskSucceeded(command.task_id, self.result)

        return call


@dataclass(frozen=True)
class TestConfiguration:
    """`stateConfiguration`."""

    __test__ = False

    retrier_retry_count: int | None = None
    error_caused_by_state: str | None = None
    map_iteration_failure_count: int | None = None
    map_item_reader_data: Any = ABSENT


def check_request(state: dict[str, Any], mock: TestMock | None, configuration: TestConfiguration) -> None:
    """ValueError (the service's ValidationException) for combinations TestState refuses."""
    kind = state.get("Type")
    if mock is not None and kind not in MOCKABLE:
        raise ValueError(f"A mock can only be given for a Task, Map or Parallel state, not a {kind} state")
    if configuration.error_caused_by_state is not None:
        if kind not in ("Map", "Parallel") or mock is None or mock.error is None:
            raise ValueError("stateConfiguration.errorCausedByState needs a Map or Parallel state and a mocked "
                             "errorOutput")
        if configuration.error_caused_by_state not in _inner_states(state):
            raise ValueError(f"stateConfiguration.errorCausedByState: the state "
                             f"'{configuration.error_caused_by_state}' is not inside the tested {kind} state")
    if configuration.map_iteration_failure_count is not None and kind != "Map":
        raise ValueError("stateConfiguration.mapIterationFailureCount is only for a Map state")
    if configuration.map_item_reader_data is not ABSENT and not (kind == "Map" and "ItemReader" in state):
        raise ValueError("stateConfiguration.mapItemReaderData is only for a Map state with an ItemReader")
    if configuration.retrier_retry_count is not None and not state.get("Retry"):
        raise ValueError("stateConfiguration.retrierRetryCount needs a state with Retry")


def _inner_states(state: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    machines = list(state.get("Branches") or [])
    for key in ("ItemProcessor", "Iterator"):
        if isinstance(state.get(key), dict):
            machines.append(state[key])
    for machine in machines:
        for name, body in (machine.get("States") or {}).items():
            names.add(name)
            if isinstance(body, dict):
                names |= _inner_states(body)
    return names


def as_task(state: dict[str, Any]) -> dict[str, Any]:
    """A mocked Map or Parallel state, as the Task state whose answer is the mock."""
    task = {key: value for key, value in state.items() if key in _SHARED}
    task.update(Type="Task", Resource=MOCK_RESOURCE)
    return task


def map_failures(state: dict[str, Any], mock: TestMock, configuration: TestConfiguration) -> TestMock | None:
    """The Map's failure when `mapIterationFailureCount` exceeds its tolerated failures
    (ToleratedFailureCount, default 0; ToleratedFailurePercentage of the mocked items)."""
    failed = configuration.map_iteration_failure_count
    if not failed or state.get("Type") != "Map":
        return None
    count, percentage = state.get("ToleratedFailureCount"), state.get("ToleratedFailurePercentage")
    total = len(mock.result) if isinstance(mock.result, list) else 0
    tolerated = count is not None or percentage is not None
    exceeded = (not tolerated or (isinstance(count, int) and failed > count)
                or (isinstance(percentage, int | float) and total > 0 and failed * 100.0 / total > percentage))
    if not exceeded:
        return None
    return TestMock(error=EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    cause="The specified tolerated failure threshold was exceeded")
