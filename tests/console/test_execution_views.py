"""Execution graphs coloured by what happened, against the real `statewright serve`."""

from __future__ import annotations

from typing import Any

from .helpers import client, create, fragment, statuses, wait_state, wait_status

APPROVAL = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Default": "Small",
                  "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Large"}]},
        "Large": {"Type": "Pass", "Result": {"size": "large"}, "Next": "Done"},
        "Small": {"Type": "Pass", "Result": {"size": "small"}, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

CAUGHT = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Reserve"},
        "Reserve": {"Type": "Task", "Resource": "arn:test:reject", "Next": "Ship",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}]},
        "Ship": {"Type": "Pass", "End": True},
        "Refund": {"Type": "Pass", "Next": "Cancelled"},
        "Cancelled": {"Type": "Fail", "Error": "Order.Cancelled", "Cause": "reservation was rejected"},
    },
}

WAITING = {
    "StartAt": "Received",
    "States": {
        "Received": {"Type": "Pass", "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Finish"},
        "Finish": {"Type": "Succeed"},
    },
}


def open_execution(page: Any, site: Any, arn: str, status: str) -> None:
    page.goto(site.url(fragment("executions", arn)))
    page.wait_for_selector(f".view[data-status='{status}']")


def test_a_succeeded_execution_colours_the_path_it_took(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "approval-colours", APPROVAL)
    arn = sfn.start_execution(stateMachineArn=machine, input='{"amount": 500}')["executionArn"]
    assert wait_status(sfn, arn)["status"] == "SUCCEEDED"
    open_execution(page, real_site, arn, "SUCCEEDED")
    assert statuses(page) == {"Check": "succeeded", "Large": "succeeded", "Small": "unreached", "Done": "succeeded"}
    # The history table lists every event, and a row expands to its details.
    rows = page.locator("#history tr.event")
    assert rows.count() == len(sfn.get_execution_history(executionArn=arn)["events"])
    page.locator("#history tr.event[data-type='PassStateExited'] .expander").first.click()
    assert '"size": "large"' in page.locator("#history .event-details pre").inner_text()
    # Selecting a state shows its input and output, and puts it in the URL.
    page.locator(".node[data-state='Large']").click()
    detail = page.locator(".state-detail")
    assert "Large" in detail.locator("h2").inner_text()
    assert '"amount": 500' in detail.inner_text() and '"size": "large"' in detail.inner_text()
    assert "state=Large" in page.url
    page.get_by_role("tab", name="Timeline").click()
    assert page.locator(".tl-bar").count() == 3


def test_a_failed_and_caught_execution_shows_caught_failed_and_unreached(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "caught-colours", CAUGHT)
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert wait_status(sfn, arn)["status"] == "FAILED"
    open_execution(page, real_site, arn, "FAILED")
    assert statuses(page) == {"Prepare": "succeeded", "Reserve": "caught", "Ship": "unreached",
                              "Refund": "succeeded", "Cancelled": "failed"}
    assert "Order.Cancelled" in page.locator(".notice-error").inner_text()
    page.locator(".node[data-state='Reserve']").click()
    detail = page.locator(".state-detail").inner_text()
    assert "Order.Rejected" in detail and "the warehouse said no" in detail
    # A failed execution can be redriven; the button is there.
    assert page.locator("#redrive-button").is_visible()


def test_a_running_execution_is_shown_running_and_can_be_stopped(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "running-colours", WAITING)
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    wait_status(sfn, arn, until=("RUNNING",))
    open_execution(page, real_site, arn, "RUNNING")
    wait_state(page, "Hold", "running")
    assert statuses(page) == {"Received": "succeeded", "Hold": "running", "Finish": "unreached"}
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#stop-button").click()
    page.wait_for_selector(".view[data-status='ABORTED']")
    assert statuses(page)["Hold"] == "aborted"
    assert wait_status(sfn, arn)["status"] == "ABORTED"


def test_a_running_execution_updates_live_without_reloading(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    steps = {
        "StartAt": "Short",
        "States": {
            "Short": {"Type": "Wait", "Seconds": 2, "Next": "Between"},
            "Between": {"Type": "Pass", "Next": "Long"},
            "Long": {"Type": "Wait", "Seconds": 3600, "End": True},
        },
    }
    machine = create(sfn, "live-updates", steps)
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    open_execution(page, real_site, arn, "RUNNING")
    wait_state(page, "Short", "running")
    # The page polls: the next states appear while the execution is still running.
    wait_state(page, "Long", "running")
    assert statuses(page) == {"Short": "succeeded", "Between": "succeeded", "Long": "running"}
    events = sfn.get_execution_history(executionArn=arn)["events"]
    assert page.locator("#history tr.event").count() == len(events)
    sfn.stop_execution(executionArn=arn)
