"""The Lambda section: configuration with secrets masked, the test-invoke panel with saved
events, recent invocations from the log group's REPORT lines, and the function's logs."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .conftest import SAM_STACK, Site
from .helpers import aws, fragment, physical_ids, wait_status, wait_until


def function_name(site: Site) -> str:
    return physical_ids(site.base, SAM_STACK)["GreetFunction"]


def test_configuration_masks_secrets_and_shows_layers(page: Any, sam_site: Site) -> None:
    name = function_name(sam_site)
    page.goto(sam_site.url("#/functions"))
    page.get_by_role("link", name=name).click()
    config = page.locator("#function-config").inner_text()
    assert "python3.11" in config and "app.greet" in config and "256 MB" in config and "5 s" in config
    assert "layer" in config
    env = page.locator("#function-env")
    assert "dev" in env.inner_text()
    assert "s3cr3t-value" not in env.inner_text()
    env.get_by_role("button", name="Show API_TOKEN").click()
    assert "s3cr3t-value" in env.inner_text()


def test_test_invoke_with_a_saved_event_then_invocations_and_logs(page: Any, sam_site: Site) -> None:
    name = function_name(sam_site)
    page.goto(sam_site.url(f"#/functions/{name}?tab=test"))
    page.locator("#test-event").fill('{"name": "from-the-console"}')
    page.locator("#event-name").fill("greeting")
    page.locator("#save-event").click()
    page.locator("#invoke").click()
    page.wait_for_selector("#invoke-status")
    assert page.locator("#invoke-status").inner_text() == "Succeeded"
    assert json.loads(page.locator("#invoke-payload").inner_text()) == {"hello": "from-the-console", "tag": "from-the-layer"}
    assert "REPORT RequestId" in page.locator("#invoke-log").inner_text()

    # A failing event: the function error is shown, and the invocation is listed as an error.
    page.locator("#test-event").fill("{\"fail\": true")
    assert page.locator("#invoke").is_disabled()
    assert "line 1" in page.locator("#test-event-status").inner_text()
    page.locator("#test-event").fill('{"fail": true}')
    page.locator("#invoke").click()
    wait_until(page, "() => document.querySelector('#invoke-status')?.textContent.startsWith('Error')")
    assert "asked to fail" in page.locator("#invoke-payload").inner_text()

    # The saved event survives a reload (localStorage).
    page.reload()
    page.locator("#saved-events").select_option("greeting")
    assert json.loads(page.locator("#test-event").input_value()) == {"name": "from-the-console"}

    page.get_by_role("tab", name="Invocations").click()
    page.wait_for_selector("#invocations tbody tr")
    rows = page.locator("#invocations tbody tr")
    assert rows.count() >= 2
    statuses = page.locator("#invocations tbody tr td:nth-child(3)").all_inner_texts()
    assert "error" in statuses and "ok" in statuses
    starts = " ".join(page.locator("#invocations tbody tr td:nth-child(5)").all_inner_texts())
    assert "cold" in starts or "warm" in starts

    # Each invocation links to its own log lines.
    request_id = rows.first.get_attribute("data-request")
    rows.first.get_by_role("link", name="log lines").click()
    page.wait_for_selector("#log-events .log-line")
    lines = page.locator("#log-events .log-line .log-message").all_inner_texts()
    assert lines and all(request_id in line for line in lines)

    page.goto(sam_site.url(f"#/functions/{name}?tab=logs"))
    page.wait_for_selector("#function-logs .log-line")
    assert "greeting" in page.locator("#function-logs").inner_text()


def test_a_task_state_links_to_its_function_and_log_lines(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    sfn = aws(sam_site.base, "stepfunctions")
    arn = sfn.start_execution(stateMachineArn=ids["GreetMachine"], input=json.dumps({"name": "machine"}))["executionArn"]
    assert wait_status(sfn, arn)["status"] == "SUCCEEDED"
    page.goto(sam_site.url(fragment("executions", arn, state="Greet")))
    page.wait_for_selector(".task-function")
    # The execution links to its state machine's log group, filtered to this execution.
    logs_link = page.locator("#execution-logs").get_attribute("href")
    assert logs_link.startswith(f"#/logs/{quote(ids['AuditLogs'], safe='')}?") and quote(arn, safe="") in logs_link
    assert page.locator(".task-function").inner_text() == ids["GreetFunction"]
    page.locator(".task-logs").click()
    page.wait_for_selector("#log-events .log-line")
    assert "machine" in page.locator("#log-events").inner_text()
    page.locator("#log-events").get_by_text("greeting").first.wait_for()


def test_a_task_state_on_the_graph_links_to_its_function(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    page.goto(sam_site.url(fragment("state-machines", ids["GreetMachine"], state="Greet")))
    page.wait_for_selector(".workspace .task-function")
    assert page.locator(".workspace .task-function").inner_text() == ids["GreetFunction"]
    page.locator(".workspace .task-logs").click()
    page.wait_for_selector("#log-count")
    assert ids["GreetFunction"] in page.locator("h1").inner_text()
