"""The Logs section: log groups and streams, filter patterns, time ranges and live tail."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .conftest import SAM_STACK, Site
from .helpers import aws, physical_ids, wait_until


def invoke(site: Site, name: str, payload: dict[str, Any]) -> None:
    aws(site.base, "lambda").invoke(FunctionName=name, Payload=json.dumps(payload).encode())


def test_groups_streams_filter_and_range(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    name = ids["GreetFunction"]
    invoke(sam_site, name, {"name": "logs-view"})
    group = f"/aws/lambda/{name}"
    page.goto(sam_site.url("#/logs"))
    page.get_by_role("link", name=group).click()
    page.wait_for_selector("#log-events .log-line")
    assert page.locator(".streams a").count() >= 2  # "All streams" and at least one stream
    assert "logs-view" in page.locator("#log-events").inner_text()

    page.locator("#log-filter").fill("REPORT")
    page.get_by_role("button", name="Search").click()
    wait_until(page, "() => [...document.querySelectorAll('#log-events .log-message')]"
                     ".every((m) => m.textContent.startsWith('REPORT'))")
    assert "filter=REPORT" in page.url

    # The template's own log group is listed too, with its retention.
    page.goto(sam_site.url("#/logs"))
    row = page.locator("#log-groups tr", has_text=ids["AuditLogs"])
    assert "7 days" in row.inner_text()

    # A time range that ends before anything was logged shows nothing.
    page.goto(sam_site.url(f"#/logs/{quote(group, safe='')}?start=0&end=1000"))
    page.wait_for_selector("#log-count")
    assert page.locator("#log-count").inner_text().startswith("0 events")


def test_live_tail_shows_new_lines(page: Any, sam_site: Site) -> None:
    name = physical_ids(sam_site.base, SAM_STACK)["GreetFunction"]
    invoke(sam_site, name, {"name": "before-tail"})
    page.goto(sam_site.url(f"#/logs/{quote('/aws/lambda/' + name, safe='')}?tail=1"))
    page.wait_for_selector("#log-events .log-line")
    assert "tailing" in page.locator("#log-count").inner_text()
    invoke(sam_site, name, {"name": "while-tailing"})
    wait_until(page, "() => document.querySelector('#log-events').textContent.includes('while-tailing')")
