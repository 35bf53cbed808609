"""Lists, filters, deep links, the keyboard and a phone-sized screen, on the real server."""

from __future__ import annotations

from typing import Any

from .helpers import client, create, fragment, wait_status, wait_until

TWO_WAYS = {
    "StartAt": "Route",
    "States": {
        "Route": {"Type": "Choice", "Default": "Reject",
                  "Choices": [{"And": [{"Variable": "$.ok", "BooleanEquals": True},
                                       {"Variable": "$.total", "NumericLessThanEquals": 1000}], "Next": "Accept"}]},
        "Accept": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "Rejected"},
    },
}


def test_lists_count_filter_and_search(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "lists-machine", TWO_WAYS)
    for name, ok in (("alpha-1", True), ("alpha-2", False), ("beta-1", True)):
        arn = sfn.start_execution(stateMachineArn=machine, name=name, input=f'{{"ok": {str(ok).lower()}, "total": 5}}')
        wait_status(sfn, arn["executionArn"])
    page.goto(real_site.url("#/state-machines"))
    row = page.locator("#machines tr", has_text="lists-machine")
    row.locator(".chip").first.wait_for()
    assert "2 succeeded" in row.inner_text() and "1 failed" in row.inner_text()
    row.get_by_role("link", name="lists-machine").click()
    page.get_by_role("tab", name="Executions").click()
    page.wait_for_selector("#executions")
    assert page.locator("#executions tbody tr").count() == 3
    page.locator("#status-filter").select_option("FAILED")
    wait_until(page, "() => document.querySelectorAll('#executions tbody tr').length === 1")
    assert "alpha-2" in page.locator("#executions tbody").inner_text()
    page.locator("#status-filter").select_option("")
    wait_until(page, "() => document.querySelectorAll('#executions tbody tr').length === 3")
    page.locator("#name-search").fill("beta")
    assert page.locator("#executions tbody tr").count() == 1
    page.locator("#name-search").fill("nothing-like-this")
    assert "No executions" in page.locator(".executions .notice-empty").inner_text()
    # The filter is part of the URL, so the filtered list can be shared.
    assert "q=nothing-like-this" in page.url and "tab=executions" in page.url
    # All executions of all machines, with the machine named.
    page.goto(real_site.url("#/executions?q=alpha"))
    page.wait_for_selector("#executions")
    assert page.locator("#executions tbody tr", has_text="lists-machine").count() == 2


def test_deep_links_open_the_state_and_tab_they_name(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "deep-links", TWO_WAYS)
    page.goto(real_site.url(fragment("state-machines", machine, state="Reject")))
    page.wait_for_selector(".node.selected[data-state='Reject']")
    assert "Reject" in page.locator(".json .line.hl").first.inner_text()
    # The Choice edge label reads as a condition, and Default is marked.
    labels = page.locator(".edge-label text").all_text_contents()
    assert "$.ok == true and $.total <= 1000" in labels and "Default" in labels
    arn = sfn.start_execution(stateMachineArn=machine, input='{"ok": true, "total": 1}')["executionArn"]
    wait_status(sfn, arn)
    page.goto(real_site.url(fragment("executions", arn, state="Accept", tab="timeline")))
    page.wait_for_selector(".view[data-status='SUCCEEDED']")
    assert page.locator(".state-detail h2").inner_text() == "Accept"
    assert page.locator("#panel-timeline").is_visible()
    assert page.locator(".tl-bar").count() == 2


def test_the_graph_is_usable_with_the_keyboard(page: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "keyboard", TWO_WAYS)
    page.goto(real_site.url(fragment("state-machines", machine)))
    page.wait_for_selector(".node[data-state='Route']")
    page.locator(".node[data-state='Route']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".node.selected[data-state='Route']")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    selected = page.locator(".node.selected").get_attribute("data-state")
    assert selected in {"Accept", "Reject"} and f"state={selected}" in page.url
    before = page.locator(".graph .viewport").get_attribute("transform")
    page.keyboard.press("-")
    assert page.locator(".graph .viewport").get_attribute("transform") != before


def test_phone_width_stacks_the_panels(browser: Any, real_site: Any) -> None:
    sfn = client(real_site.base)
    machine = create(sfn, "phone", TWO_WAYS)
    arn = sfn.start_execution(stateMachineArn=machine, input='{"ok": false}')["executionArn"]
    wait_status(sfn, arn)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(real_site.url(fragment("executions", arn, state="Reject")))
        page.wait_for_selector(".view[data-status='FAILED']")
        graph = page.locator(".exec-graph").bounding_box()
        detail = page.locator(".state-detail").bounding_box()
        assert graph and detail and detail["y"] >= graph["y"] + graph["height"] - 1
        # Nothing is wider than the screen except inside scrolling boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
