"""The Stack section: a template's resources with their local status, parameters, outputs and
links to each resource's page (CloudFormation over the query protocol)."""

from __future__ import annotations

from typing import Any

from .conftest import SAM_STACK, Site
from .helpers import physical_ids, wait_until


def test_stack_lists_resources_with_local_status_and_links(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    page.goto(sam_site.url("#/stacks"))
    page.get_by_role("link", name=SAM_STACK).click()
    page.wait_for_selector("#stack-resources tr[data-logical='WorkQueue']")

    queue = page.locator("tr[data-logical='WorkQueue']")
    assert queue.get_attribute("data-local") == "not emulated"
    assert "does not emulate AWS::SQS::Queue" in queue.inner_text()
    assert page.locator("tr[data-logical='OrdersTable']").get_attribute("data-local") == "emulated"
    assert page.locator("tr[data-logical='GreetFunctionRole']").get_attribute("data-local") == "recorded"

    params = page.locator("#stack-parameters").inner_text()
    assert "Stage" in params and "dev" in params
    assert "s3cr3t-value" not in page.content()  # NoEcho parameters stay masked
    outputs = page.locator("#stack-outputs").inner_text()
    assert ids["OrdersTable"] in outputs and "The orders table" in outputs

    # Each emulated resource links to its own page.
    page.locator("tr[data-logical='GreetFunction'] a").click()
    page.wait_for_selector("#function-config")
    assert ids["GreetFunction"] in page.locator("h1").inner_text()
    page.go_back()
    page.locator("tr[data-logical='OrdersTable'] a").click()
    wait_until(page, "() => document.querySelector('#table-summary')")
    page.go_back()
    page.locator("tr[data-logical='GreetMachine'] a").click()
    page.wait_for_selector(".node[data-state='Greet']")
