"""The API Gateway section: APIs, routes with their integrations and local URLs, and the request
panel that sends a test request."""

from __future__ import annotations

import json
from typing import Any

from .conftest import SAM_STACK, Site
from .helpers import physical_ids, wait_until


def test_routes_and_a_test_request(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    api_id = ids["ServerlessHttpApi"]
    page.goto(sam_site.url("#/apis"))
    page.locator("#apis tr", has_text=api_id).get_by_role("link").click()
    page.wait_for_selector("#api-routes")
    hello = page.locator("tr[data-route='GET /hello/{name}']")
    assert f"/restapis/{api_id}/$default/_user_request_/hello/{{name}}" in hello.inner_text()
    assert ids["GreetFunction"] in hello.locator(".api-integration").inner_text()

    hello.get_by_role("button", name="Try").click()
    url = page.locator("#req-url").input_value()
    page.locator("#req-url").fill(url.replace("{name}", "grace"))
    page.locator("#req-send").click()
    page.wait_for_selector("#req-status")
    assert page.locator("#req-status").inner_text().startswith("200")
    assert json.loads(page.locator("#req-response-body").inner_text())["hello"] == "grace"

    page.locator("tr[data-route='POST /echo']").get_by_role("button", name="Try").click()
    assert page.locator("#req-method").input_value() == "POST"
    page.locator("#req-headers").fill("Content-Type: text/plain\nX-Trace: 42")
    page.locator("#req-body").fill("ping")
    page.locator("#req-send").click()
    wait_until(page, "() => document.querySelector('#req-response-body')?.textContent.includes('ping')")
    assert "content-type: application/json" in page.locator("#req-response-headers").inner_text()
