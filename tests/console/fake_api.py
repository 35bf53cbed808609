"""A stand-in Step Functions API for console tests that need exact, canned histories.

The real server runs the e2e tests; this one lets a test show the console a recorded AWS
history (for example a Parallel branch whose events interleave) without having to make the
engine produce it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

CONTENT_TYPE = "application/x-amz-json-1.0"


class FakeStepFunctions:
    """Answers the read actions the console uses from dicts that a test fills in."""

    def __init__(self) -> None:
        self.machines: dict[str, dict[str, Any]] = {}
        self.executions: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def add_machine(self, name: str, definition: dict[str, Any]) -> str:
        arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
        self.machines[arn] = {
            "stateMachineArn": arn, "name": name, "type": "STANDARD", "status": "ACTIVE",
            "definition": json.dumps(definition), "roleArn": "arn:aws:iam::123456789012:role/r",
            "creationDate": 1700000000.0,
        }
        return arn

    def add_execution(self, machine_arn: str, name: str, status: str, events: list[dict[str, Any]]) -> str:
        arn = machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        self.executions[arn] = {
            "executionArn": arn, "stateMachineArn": machine_arn, "name": name, "status": status,
            "startDate": 1700000000.0, "input": "{}",
        }
        if status != "RUNNING":
            self.executions[arn]["stopDate"] = 1700000005.0
        self.histories[arn] = events
        return arn

    def handle(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((action, body))
        if action == "ListStateMachines":
            return {"stateMachines": [
                {k: m[k] for k in ("stateMachineArn", "name", "type", "creationDate")} for m in self.machines.values()]}
        if action == "DescribeStateMachine":
            return self.machines[body["stateMachineArn"]]
        if action == "ListExecutions":
            found = [e for e in self.executions.values() if e["stateMachineArn"] == body["stateMachineArn"]
                     and body.get("statusFilter", e["status"]) == e["status"]]
            return {"executions": found}
        if action == "DescribeExecution":
            return self.executions[body["executionArn"]]
        if action == "DescribeStateMachineForExecution":
            return self.machines[self.executions[body["executionArn"]]["stateMachineArn"]]
        if action == "GetExecutionHistory":
            return {"events": self.histories[body["executionArn"]]}
        if action == "ValidateStateMachineDefinition":
            return {"result": "OK", "diagnostics": [], "truncated": False}
        if action in ("ListStateMachineVersions", "ListStateMachineAliases"):
            return {"stateMachineVersions": [], "stateMachineAliases": []}
        raise KeyError(action)

    async def endpoint(self, request: Request) -> JSONResponse:
        action = request.headers.get("x-amz-target", "").partition(".")[2]
        body = json.loads(await request.body() or b"{}")
        try:
            return JSONResponse(self.handle(action, body), media_type=CONTENT_TYPE)
        except KeyError as missing:
            return JSONResponse({"__type": "ResourceNotFound", "message": f"fake: {missing}"}, status_code=400,
                                media_type=CONTENT_TYPE)
