"""Clear empty and error states: what is missing, and what went wrong in AWS's words."""

from __future__ import annotations

from typing import Any

from .helpers import fragment

MISSING_EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:nothing:here"


def test_an_empty_server_says_so_and_offers_the_next_step(page: Any, clean_site: Any) -> None:
    page.goto(clean_site.url("#/state-machines"))
    empty = page.locator(".notice-empty")
    assert "No state machines yet" in empty.inner_text()
    empty.get_by_role("link", name="New state machine").click()
    page.wait_for_selector("#definition")
    page.goto(clean_site.url("#/executions"))
    assert "No executions" in page.locator(".notice-empty").inner_text()


def test_an_unknown_execution_shows_the_aws_error(page: Any, real_site: Any) -> None:
    page.goto(real_site.url(fragment("executions", MISSING_EXECUTION)))
    error = page.locator(".notice-error")
    error.wait_for()
    assert "ExecutionDoesNotExist" in error.inner_text()
    assert error.get_by_role("button", name="Retry").is_visible()


def test_an_unreachable_server_is_reported_not_hidden(page: Any, real_site: Any) -> None:
    page.goto(real_site.url("#/state-machines"))
    page.wait_for_selector("#machines, .notice-empty")
    # The API goes away: the next view says it cannot reach the server.
    page.route("**/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.goto(real_site.url("#/executions"))
    assert "Cannot reach the server" in page.locator(".notice-error").inner_text()
