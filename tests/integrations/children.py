"""A `ChildExecutions` over the real engine, as the Step Functions service provides it (machines here
are a dict instead of the service's stored state machines)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from statewright.engine import Engine, RunOutcome, StartSpec
from statewright.integrations.types import ExecutionEnd, ExecutionStarted, TaskContext, TaskError
from statewright.store import AlreadyExists, Store

ROLE = "arn:aws:iam::123456789012:role/r"


class EngineChildren:
    def __init__(self, engine: Engine, store: Store, machines: dict[str, dict[str, Any]]) -> None:
        self.engine = engine
        self.store = store
        self.machines = machines

    def start(self, request: dict[str, Any], parent: TaskContext,
              on_end: Callable[[ExecutionEnd], None] | None) -> ExecutionStarted:
        machine_arn = request["StateMachineArn"]
        if machine_arn not in self.machines:
            raise TaskError("StepFunctions.StateMachineDoesNotExistException",
                            f"State Machine Does Not Exist: '{machine_arn}'")
        machine_name, name, input_text = machine_arn.split(":")[-1], request["Name"], request["Input"]
        arn = f"arn:aws:states:{parent.region}:{parent.account}:execution:{machine_name}:{name}"

        def ended(outcome: RunOutcome) -> None:
            if on_end is not None:
                on_end(ExecutionEnd(arn, machine_arn, name, outcome.status, input_text, outcome.output,
                                    outcome.error, outcome.cause, outcome.start_date, outcome.stop_date))

        spec = StartSpec(arn, machine_arn, machine_name, name, input_text,
                         json.dumps(self.machines[machine_arn]), ROLE)
        try:
            record = self.engine.start_execution(spec, on_end=ended).result(5)
        except AlreadyExists:  # StartExecution is idempotent for the same name and input
            existing = self.store.get_execution(arn)
            if existing is None or existing.body["input"] != input_text:
                raise TaskError("StepFunctions.ExecutionAlreadyExistsException",
                                f"Execution Already Exists: '{arn}'") from None
            self.engine.watch(arn, ended)
            return ExecutionStarted(arn, existing.start_date)
        assert record is not None
        return ExecutionStarted(arn, record.start_date)

    def stop(self, execution_arn: str, error: str, cause: str) -> None:
        self.engine.stop_execution(execution_arn, error or None, cause)  # not waited for: called on the loop
