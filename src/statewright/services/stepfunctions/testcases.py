"""Executions started with `<state machine ARN>#<test case>`, as Step Functions Local's mocked
service integrations have them: the execution belongs to the machine (its ARN, name and
listing are the machine's), and a stored binding says which test case its tasks are mocked by.
`statewright.integrations.mocks` reads the binding and keeps each task's invocation number in it.
"""

from __future__ import annotations

from typing import Any

from statewright.store import Resource, Transaction

BINDING_KIND = "mockTestCase"
BINDING_SUFFIX = "#mockTestCase"


def split_test_case(state_machine_arn: Any) -> tuple[Any, str | None]:
    """`arn:…:stateMachine:Name#Case` → (`arn:…:stateMachine:Name`, `Case`); other values as they are."""
    if isinstance(state_machine_arn, str) and "#" in state_machine_arn:
        arn, _, case = state_machine_arn.partition("#")
        return arn, case
    return state_machine_arn, None


def binding_arn(execution_arn: str) -> str:
    return execution_arn + BINDING_SUFFIX


def bind(tx: Transaction, execution_arn: str, machine_name: str, test_case: str, now: float) -> None:
    """Record that `execution_arn` runs `test_case` of the machine's mocks (in the caller's write)."""
    tx.put_resource(Resource(arn=binding_arn(execution_arn), kind=BINDING_KIND, name=test_case, created=now,
                             parent=execution_arn, service="states",
                             body={"machine": machine_name, "testCase": test_case, "invocations": {}, "tasks": {}}))
