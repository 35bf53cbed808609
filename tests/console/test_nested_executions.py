"""Nested workflows in the console, against the real `statewright serve`: a Task state that
starts another state machine's execution links to that child execution (or, while no event names
the child yet, to the state machine it starts), and a child whose input carries
AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID says which execution started it."""

from __future__ import annotations

from typing import Any

from .helpers import client, create, fragment, wait_status

CHILD = {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}}
SLOW_CHILD = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}}


def parent_of(child_arn: str, resource: str) -> dict[str, Any]:
    return {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": resource, "End": True,
        "Parameters": {"StateMachineArn": child_arn,
                       "Input": {"n": 1, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}}}}}


def open_execution(page: Any, site: Any, arn: str, status: str, **params: str) -> None:
    page.goto(site.url(fragment("executions", arn, **params)))
    page.wait_for_selector(f".view[data-status='{status}']")


def test_parent_and_child_link_to_each_other(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    child = create(sfn, "nested-child", CHILD)
    parent = create(sfn, "nested-parent", parent_of(child, "arn:aws:states:::states:startExecution.sync:2"))
    arn = sfn.start_execution(stateMachineArn=parent, input="{}")["executionArn"]
    assert wait_status(sfn, arn)["status"] == "SUCCEEDED"
    [run] = sfn.list_executions(stateMachineArn=child)["executions"]

    open_execution(page, real_site, arn, "SUCCEEDED", state="Call")
    link = page.locator(".state-detail a.task-child")
    assert link.inner_text() == run["name"]
    assert page.locator("#execution-parent").count() == 0  # the parent was started by no execution
    link.click()
    page.wait_for_selector("#execution-parent")
    assert run["name"] in page.locator("h1").inner_text()
    parent_link = page.locator("#execution-parent a")
    assert parent_link.inner_text() == arn.split(":")[-1] and parent_link.get_attribute("title") == arn
    parent_link.click()
    page.wait_for_selector(f"h1:has-text('{arn.split(':')[-1]}')")


def test_a_running_child_is_reached_through_its_state_machine(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    child = create(sfn, "nested-slow-child", SLOW_CHILD)
    parent = create(sfn, "nested-waiting-parent", parent_of(child, "arn:aws:states:::states:startExecution.sync"))
    arn = sfn.start_execution(stateMachineArn=parent, input="{}")["executionArn"]
    try:
        open_execution(page, real_site, arn, "RUNNING", state="Call")
        link = page.locator(".state-detail a.task-child-machine")
        link.wait_for()
        assert link.inner_text() == "nested-slow-child"
        assert "tab=executions" in (link.get_attribute("href") or "")
    finally:
        sfn.stop_execution(executionArn=arn)
    # Stopping the parent stops the child it waits for; the child's page still names its parent.
    [run] = sfn.list_executions(stateMachineArn=child)["executions"]
    stopped = wait_status(sfn, run["executionArn"])["status"]
    open_execution(page, real_site, run["executionArn"], stopped)
    assert page.locator("#execution-parent a").get_attribute("title") == arn


def test_a_failed_child_is_named_by_the_task_failure(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    child = create(sfn, "nested-failing-child", {"StartAt": "No", "States": {"No": {"Type": "Fail", "Error": "Nope"}}})
    parent = create(sfn, "nested-failed-parent", parent_of(child, "arn:aws:states:::states:startExecution.sync"))
    arn = sfn.start_execution(stateMachineArn=parent, input="{}")["executionArn"]
    assert wait_status(sfn, arn)["status"] == "FAILED"
    [run] = sfn.list_executions(stateMachineArn=child)["executions"]
    open_execution(page, real_site, arn, "FAILED", state="Call")
    assert page.locator(".state-detail a.task-child").inner_text() == run["name"]
