"""Actions from the page against the real server: start, complete a callback, create."""

from __future__ import annotations

import json
from typing import Any

from .helpers import client, create, fragment, statuses, wait_state, wait_status

ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}

CALLBACK = {
    "StartAt": "Received",
    "States": {
        "Received": {"Type": "Pass", "Next": "AskApprover"},
        "AskApprover": {"Type": "Task", "Resource": "arn:test:notify.waitForTaskToken",
                        "Parameters": {"order.$": "$", "approval": {"token.$": "$$.Task.Token"}}, "Next": "Approved"},
        "Approved": {"Type": "Succeed"},
    },
}


def test_starting_an_execution_checks_the_input_and_remembers_it(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "start-from-page", ECHO)
    page.goto(real_site.url(fragment("state-machines", machine)))
    page.locator("#start-execution").click()
    box = page.locator("#start-input")
    box.fill('{"order": ')
    assert page.locator("#start-submit").is_disabled()
    assert "line 1" in page.locator("#start-input-status").inner_text()
    box.fill('{"order": 42}')
    assert page.locator("#start-input-status").inner_text() == "Valid JSON"
    page.locator("#start-name").fill("from-the-page")
    page.locator("#start-submit").click()
    page.wait_for_selector(".view[data-status='SUCCEEDED']")
    assert "from-the-page" in page.locator("h1").inner_text()
    assert statuses(page) == {"Echo": "succeeded"}
    execution = sfn.list_executions(stateMachineArn=machine)["executions"][0]
    assert execution["name"] == "from-the-page"
    assert json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"]) == {"order": 42}
    # The last input is offered again next time.
    page.goto(real_site.url(fragment("state-machines", machine)))
    page.locator("#start-execution").click()
    assert json.loads(page.locator("#start-input").input_value()) == {"order": 42}


def test_a_waiting_callback_is_completed_from_the_page(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "callback-from-page", CALLBACK)
    arn = sfn.start_execution(stateMachineArn=machine, input='{"id": 7}')["executionArn"]
    page.goto(real_site.url(fragment("executions", arn)))
    wait_state(page, "AskApprover", "running")
    page.wait_for_selector("#callback-button:not([disabled])")
    page.locator("#callback-button").click()
    # The token was found in the TaskScheduled parameters, where $$.Task.Token put it.
    history = sfn.get_execution_history(executionArn=arn)["events"]
    scheduled = next(e for e in history if e["type"] == "TaskScheduled")
    token = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["approval"]["token"]
    assert page.locator("#callback-token").input_value() == token
    page.locator("#callback-output").fill('{"approved": true}')
    page.locator("#callback-submit").click()
    page.wait_for_selector(".view[data-status='SUCCEEDED']")
    assert statuses(page) == {"Received": "succeeded", "AskApprover": "succeeded", "Approved": "succeeded"}
    assert json.loads(wait_status(sfn, arn)["output"]) == {"approved": True}


def test_a_callback_failure_is_sent_from_the_page(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "callback-failure", CALLBACK)
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    page.goto(real_site.url(fragment("executions", arn, state="AskApprover")))
    page.get_by_role("button", name="Complete callback…").click()
    page.locator("#callback-outcome").select_option("failure")
    page.locator("#callback-error").fill("Approval.Denied")
    page.locator("#callback-cause").fill("over budget")
    page.locator("#callback-submit").click()
    page.wait_for_selector(".view[data-status='FAILED']")
    assert statuses(page)["AskApprover"] == "failed"
    described = wait_status(sfn, arn)
    assert (described["error"], described["cause"]) == ("Approval.Denied", "over budget")


def test_a_new_state_machine_is_validated_live_drawn_and_created(page: Any, real_site: Any) -> None:
    page.goto(real_site.url("#/state-machines/new"))
    page.wait_for_selector("#definition-status .notice-ok")
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}}}
    page.locator("#definition").fill(json.dumps(broken, indent=2))
    page.wait_for_selector("#definition-status .notice-error")
    # The diagnostic is pinned to state A on the graph and listed with a link to it.
    page.wait_for_selector(".node[data-state='A'].has-diagnostic")
    assert "Nowhere" in page.locator(".diag-list").inner_text()
    assert page.locator(".node-missing").count() == 1
    page.locator("#definition").fill("{ not json")
    page.wait_for_selector("#definition-status:has-text('Not valid JSON')")
    fixed = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
    page.locator("#definition").fill(json.dumps(fixed, indent=2))
    page.wait_for_selector("#definition-status .notice-ok")
    page.locator("#sm-name").fill("made-in-the-console")
    page.locator("#create-submit").click()
    page.wait_for_selector("h1:has-text('made-in-the-console')")
    assert sorted(statuses(page)) == ["A", "B"]
    names = [m["name"] for m in client(real_site.base).list_state_machines()["stateMachines"]]
    assert "made-in-the-console" in names


def test_a_failed_execution_is_redriven_from_the_page(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "redrive-from-page", {
        "StartAt": "Prepare",
        "States": {"Prepare": {"Type": "Pass", "Next": "Reserve"},
                   "Reserve": {"Type": "Task", "Resource": "arn:test:reject", "End": True}}})
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert wait_status(sfn, arn)["status"] == "FAILED"
    page.goto(real_site.url(fragment("executions", arn)))
    page.wait_for_selector(".view[data-status='FAILED']")
    assert statuses(page) == {"Prepare": "succeeded", "Reserve": "failed"}
    assert sfn.describe_execution(executionArn=arn)["redriveStatus"] == "REDRIVABLE"
    button = page.locator("#redrive-button")
    button.click()
    # The redrive runs Reserve again (it fails again); the page shows the second attempt.
    page.wait_for_selector(".meta:has-text('redriven 1×')")
    assert sfn.describe_execution(executionArn=arn)["redriveCount"] == 1


def test_a_succeeded_execution_offers_no_redrive(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "no-redrive", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert wait_status(sfn, arn)["status"] == "SUCCEEDED"
    page.goto(real_site.url(fragment("executions", arn)))
    page.wait_for_selector(".view[data-status='SUCCEEDED']")
    described = sfn.describe_execution(executionArn=arn)
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert page.locator("#rerun-button").is_visible()
    assert page.locator("#redrive-button").count() == 0
