"""Mocked service integrations, in the mock configuration format of AWS's Step Functions Local.

A mock configuration names, per state machine, test cases; a test case maps state names to
mocked responses; a mocked response maps invocation numbers ("0", or ranges "1-2") to a
`Return` (the task's output) or a `Throw` (`Error`, `Cause`). An execution runs a test case when
it was started with `<state machine ARN>#<test case>`: the Step Functions service records that
binding (`bind`) before the execution starts, and `Registry.run_task` asks `MockedTasks.answer`
before it calls a real integration. States the test case does not name call their integration.

Everything a mocked answer depends on is in the store, so a restart answers the same: the
binding, and the invocation number each task got (keyed by the task's stable key, so a task
dispatched again after a restart gets the same number, and a retry - a new task - the next one).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from statewright.services.stepfunctions.testcases import BINDING_KIND, binding_arn
from statewright.store import Store, Transaction

# The environment variable Step Functions Local reads (and existing test suites set).
MOCK_CONFIG_ENV = "SFN_MOCK_CONFIG"
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


class MockConfigError(Exception):
    """A mock configuration file that cannot be used: the message names the file, the path in it
    and what is wrong."""


@dataclass(frozen=True)
class MockedAnswer:
    """One invocation's mocked response: an output, or an error."""

    output: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class MockConfig:
    """A checked mock configuration: test cases by machine name, responses by name."""

    source: str
    test_cases: Mapping[str, Mapping[str, Mapping[str, str]]]  # machine → case → state → response
    responses: Mapping[str, tuple[tuple[int, int, MockedAnswer], ...]]  # name → (first, last, answer)

    def response_for(self, name: str, invocation: int) -> MockedAnswer | None:
        for first, last, answer in self.responses.get(name, ()):
            if first <= invocation <= last:
                return answer
        return None


def load_mock_config(path: str | Path) -> MockConfig:
    """Read and check a mock configuration file; MockConfigError says what is wrong and where."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise MockConfigError(f"{source}: cannot read the mock configuration: {error.strerror or error}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise MockConfigError(f"{source}: not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    return parse_mock_config(raw, source)


def mock_config_from_env(environ: Mapping[str, str] | None = None) -> MockConfig | None:
    """The configuration `SFN_MOCK_CONFIG` names, or None when it is not set."""
    path = (os.environ if environ is None else environ).get(MOCK_CONFIG_ENV, "").strip()
    return load_mock_config(path) if path else None


def parse_mock_config(raw: Any, source: str = "<mock configuration>") -> MockConfig:
    """Check a mock configuration given as JSON (a test's `dict`); see `load_mock_config`."""
    where = _Where(source)
    where.require(isinstance(raw, dict), "$", "must be a JSON object")
    unknown = set(raw) - {"StateMachines", "MockedResponses"}
    where.require(not unknown, "$", f"unknown field(s) {sorted(unknown)}; expected StateMachines, MockedResponses")
    responses = {name: _responses(where, f"$.MockedResponses.{name}", body)
                 for name, body in _object(where, raw.get("MockedResponses", {}), "$.MockedResponses").items()}
    machines: dict[str, dict[str, dict[str, str]]] = {}
    for machine, body in _object(where, raw.get("StateMachines", {}), "$.StateMachines").items():
        path = f"$.StateMachines.{machine}"
        body = _object(where, body, path)
        where.require(set(body) <= {"TestCases"}, path, "only TestCases is allowed here")
        cases = machines[machine] = {}
        for case, states in _object(where, body.get("TestCases", {}), f"{path}.TestCases").items():
            case_path = f"{path}.TestCases.{case}"
            cases[case] = {}
            for state, response in _object(where, states, case_path).items():
                where.require(isinstance(response, str), f"{case_path}.{state}", "must name a mocked response")
                where.require(response in responses, f"{case_path}.{state}",
                              f"names the mocked response '{response}', which MockedResponses does not define")
                cases[case][state] = response
    return MockConfig(source, machines, responses)


class _Where:
    """Raises MockConfigError naming the file and the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def require(self, condition: bool, path: str, problem: str) -> None:
        if not condition:
            raise MockConfigError(f"{self.source}: {path}: {problem}")


def _object(where: _Where, value: Any, path: str) -> dict[str, Any]:
    where.require(isinstance(value, dict), path, "must be a JSON object")
    return dict(value)


def _responses(where: _Where, path: str, body: Any) -> tuple[tuple[int, int, MockedAnswer], ...]:
    entries: list[tuple[int, int, MockedAnswer]] = []
    for key, value in _object(where, body, path).items():
        entry_path = f"{path}.{key}"
        match = _RANGE.match(key)
        if match is None:
            raise MockConfigError(f"{where.source}: {entry_path}: the key must be an invocation number "
                                  f"(\"0\") or a range (\"1-2\")")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        where.require(first <= last, entry_path, "the range's end is before its start")
        for other_first, other_last, _ in entries:
            where.require(last < other_first or first > other_last, entry_path,
                          f"overlaps invocations {other_first}-{other_last}")
        entries.append((first, last, _answer(where, entry_path, value)))
    where.require(bool(entries), path, "defines no invocation")
    return tuple(sorted(entries, key=lambda entry: entry[0]))


def _answer(where: _Where, path: str, value: Any) -> MockedAnswer:
    value = _object(where, value, path)
    where.require(len(value) == 1 and next(iter(value)) in ("Return", "Throw"), path,
                  "must hold exactly one of Return or Throw")
    if "Return" in value:
        return MockedAnswer(output=value["Return"])
    thrown = _object(where, value["Throw"], f"{path}.Throw")
    where.require(set(thrown) <= {"Error", "Cause"}, f"{path}.Throw", "only Error and Cause are allowed")
    error, cause = thrown.get("Error"), thrown.get("Cause", "")
    where.require(isinstance(error, str) and bool(error), f"{path}.Throw.Error", "must be a non-empty string")
    where.require(isinstance(cause, str), f"{path}.Throw.Cause", "must be a string")
    return MockedAnswer(error=error, cause=cause)


# --- executions bound to a test case (services/stepfunctions/testcases.py) ------------------


class TaskMocks(Protocol):
    """What `Registry.run_task` asks before it calls an integration."""

    def answer(self, execution_arn: str, state_name: str, task_key: str) -> MockedAnswer | None: ...


class MemoryMocks:
    """Mocks for the in-memory runner: every execution runs `test_case` of `machine`, and the
    invocation numbers are counted in memory (nothing survives the process, as nothing else does)."""

    def __init__(self, config: MockConfig, machine: str, test_case: str) -> None:
        self.config, self.machine, self.test_case = config, machine, test_case
        self._invocations: dict[tuple[str, str], int] = {}
        self._tasks: dict[str, int] = {}

    def answer(self, execution_arn: str, state_name: str, task_key: str) -> MockedAnswer | None:
        cases = self.config.test_cases.get(self.machine, {})
        if self.test_case not in cases:
            return _missing(f"The mock configuration {self.config.source} has no test case '{self.test_case}' "
                            f"for the state machine '{self.machine}'.")
        response = cases[self.test_case].get(state_name)
        if response is None:
            return None
        if task_key not in self._tasks:
            key = (execution_arn, state_name)
            self._tasks[task_key] = self._invocations.get(key, 0)
            self._invocations[key] = self._tasks[task_key] + 1
        invocation = self._tasks[task_key]
        found = self.config.response_for(response, invocation)
        if found is None:
            return _missing(f"The mocked response '{response}' (test case '{self.test_case}', state "
                            f"'{state_name}') defines no answer for invocation {invocation}.")
        return found


class MockedTasks:
    """Answers the tasks of executions bound to a test case (see the module docstring)."""

    def __init__(self, config: MockConfig | None, store: Store) -> None:
        self.config = config
        self.store = store
        # Whether any execution may be bound to a test case: None until the store is asked
        # once. With no configuration loaded and no binding, no task is mocked, and answer()
        # must not cost every Task a store read (the binding is looked up per execution).
        self._maybe_bound: bool | None = None
        self._bound_lock = threading.Lock()  # a binding noted during the one store query wins

    def note_binding(self) -> None:
        """Called when an execution is bound to a test case (before it starts)."""
        with self._bound_lock:
            self._maybe_bound = True

    def answer(self, execution_arn: str, state_name: str, task_key: str) -> MockedAnswer | None:
        """The mocked answer of this task, or None when it is not mocked (call the integration).
        A test case or response that is missing fails the task with States.Runtime, which no
        Catch catches, so the execution fails with that cause."""
        if self.config is None and not self._may_be_bound():
            return None
        binding = self.store.get_resource(binding_arn(execution_arn))
        if binding is None:
            return None
        machine, case = binding.body["machine"], binding.body["testCase"]
        if self.config is None:
            return _missing(f"The execution was started with the test case '{case}', but no mock configuration "
                            f"is loaded (statewright serve --mock-config, or {MOCK_CONFIG_ENV}).")
        cases = self.config.test_cases.get(machine)
        if cases is None or case not in cases:
            return _missing(f"The mock configuration {self.config.source} has no test case '{case}' "
                            f"for the state machine '{machine}'.")
        response = cases[case].get(state_name)
        if response is None:
            return None
        invocation = self._invocation(execution_arn, state_name, task_key)
        found = self.config.response_for(response, invocation)
        if found is None:
            return _missing(f"The mocked response '{response}' (test case '{case}', state '{state_name}') "
                            f"defines no answer for invocation {invocation}.")
        return found

    def _may_be_bound(self) -> bool:
        if self._maybe_bound is None:  # once: bindings stored before a restart still count
            with self._bound_lock:
                if self._maybe_bound is None:
                    self._maybe_bound = bool(self.store.list_resources(BINDING_KIND, limit=1))
        return self._maybe_bound

    def _invocation(self, execution_arn: str, state_name: str, task_key: str) -> int:
        """This task's invocation number of its state: the next one, or the one it got before."""

        def count(tx: Transaction) -> int:
            binding = tx.get_resource(binding_arn(execution_arn))
            if binding is None:
                return 0
            body = dict(binding.body)
            tasks, invocations = dict(body.get("tasks", {})), dict(body.get("invocations", {}))
            if task_key in tasks:
                return int(tasks[task_key])
            number = tasks[task_key] = int(invocations.get(state_name, 0))
            invocations[state_name] = number + 1
            body.update(tasks=tasks, invocations=invocations)
            binding.body = body
            tx.put_resource(binding)
            return number

        return self.store.write(count).result()


def _missing(cause: str) -> MockedAnswer:
    return MockedAnswer(error="States.Runtime", cause=cause)
