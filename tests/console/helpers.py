"""Shared helpers for the console's browser tests."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

ROLE = "arn:aws:iam::123456789012:role/console-tests"


def client(base: str) -> Any:
    import boto3

    return boto3.client("stepfunctions", endpoint_url=base, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def create(sfn: Any, name: str, definition: dict[str, Any]) -> str:
    arn: str = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]
    return arn


def wait_status(sfn: Any, execution_arn: str, until: tuple[str, ...] = ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"),
                timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in until or time.monotonic() > deadline:
            return described
        time.sleep(0.05)


def fragment(kind: str, arn: str, **params: str) -> str:
    """A console deep link, as the console builds it: #/executions/<encoded arn>?state=..."""
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return f"#/{kind}/{quote(arn, safe='')}" + (f"?{query}" if query else "")


def statuses(page: Any) -> dict[str, str]:
    """State name -> the colour status the graph shows for it."""
    result: dict[str, str] = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('.node[data-node-id]')]"
        ".map((n) => [n.dataset.state, n.dataset.status]))")
    return result


def wait_until(page: Any, function: str, arg: Any = None, timeout: float = 15.0) -> Any:
    """Polls `function` (JavaScript, `(arg) => value`) until it returns something truthy.

    Not Playwright's `wait_for_function`: its polling compiles the predicate with `new Function`
    inside the page, which the console's Content-Security-Policy (no 'unsafe-eval') forbids;
    `page.evaluate` runs through the DevTools protocol, which the policy does not restrict."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(function, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {function}")
        time.sleep(0.05)


def wait_state(page: Any, name: str, status: str) -> None:
    """Waits until the graph shows state `name` with `status` (the page polls while running)."""
    wait_until(page, "([name, status]) => [...document.querySelectorAll('.node[data-node-id]')]"
                     ".some((n) => n.dataset.state === name && n.dataset.status === status)", [name, status])


def aws(base: str, service: str) -> Any:
    """A boto3 client for any local service of the server at `base`."""
    import boto3

    return boto3.client(service, endpoint_url=base, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def physical_ids(base: str, stack: str) -> dict[str, str]:
    """Logical id -> physical id of a stack's resources, as CloudFormation reports them."""
    summaries = aws(base, "cloudformation").list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}


def texts(page: Any, selector: str) -> list[str]:
    result: list[str] = page.locator(selector).all_inner_texts()
    return result
