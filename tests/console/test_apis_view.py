"""The API Gateway section: APIs, routes with their integrations and local URLs, and the request
panel that sends a test request."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import quote

from .conftest import SAM_STACK, Site
from .helpers import aws, fragment, physical_ids, wait_status, wait_until


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


def test_an_execution_links_to_the_api_request_that_started_it(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    api_id = ids["ServerlessRestApi"]
    url = f"{sam_site.base}/restapis/{api_id}/Prod/_user_request_/greetings"
    request = urllib.request.Request(url, data=json.dumps({"name": "api"}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        request_id = answer.headers["x-amzn-RequestId"]
        execution_arn = json.loads(answer.read())["executionArn"]

    page.goto(sam_site.url(fragment("executions", execution_arn)))
    link = page.locator("#execution-origin a")
    link.wait_for()
    assert link.inner_text() == f"POST /greetings on {api_id_name(sam_site, api_id)} (Prod)"
    assert request_id in (link.get_attribute("title") or "")

    link.click()
    page.wait_for_selector("#api-routes tr.selected")
    assert page.locator("#api-routes tr.selected").get_attribute("data-route") == "POST /greetings"
    notice = page.locator("#api-request-notice").inner_text()
    assert request_id in notice and "POST /greetings" in notice and "Prod" in notice
    assert page.locator("#req-url").input_value().endswith(f"/restapis/{api_id}/Prod/_user_request_/greetings")
    # The route names the action and links to the state machine it starts.
    integration = page.locator("#api-routes tr.selected .api-integration")
    assert "StartExecution" in integration.inner_text()
    machine = ids["GreetMachine"]
    assert integration.get_by_role("link").inner_text() == machine.split(":")[-1]
    assert quote(machine, safe="") in (integration.get_by_role("link").get_attribute("href") or "")
    page.locator("#api-request-notice a").click()
    wait_until(page, "(arn) => location.hash.includes(encodeURIComponent(arn))", execution_arn)
    page.locator("#execution-origin a").wait_for()


def test_an_execution_started_through_step_functions_shows_no_origin(page: Any, sam_site: Site) -> None:
    sfn = aws(sam_site.base, "stepfunctions")
    machine = physical_ids(sam_site.base, SAM_STACK)["GreetMachine"]
    arn = sfn.start_execution(stateMachineArn=machine, input='{"name": "direct"}')["executionArn"]
    wait_status(sfn, arn)
    page.goto(sam_site.url(fragment("executions", arn)))
    page.wait_for_selector("#execution-status")
    wait_until(page, "() => document.querySelector('#execution-status')?.textContent.includes('SUCCEEDED')")
    assert page.locator("#execution-origin").count() == 0


def api_id_name(site: Site, api_id: str) -> str:
    name: str = aws(site.base, "apigateway").get_rest_api(restApiId=api_id)["name"]
    return name


def test_an_execution_a_function_started_links_to_the_request_and_the_function(page: Any, sam_site: Site) -> None:
    ids = physical_ids(sam_site.base, SAM_STACK)
    api_id, function = ids["ServerlessHttpApi"], ids["GreetFunction"]
    request = urllib.request.Request(f"{sam_site.base}/restapis/{api_id}/$default/_user_request_/start",
                                     data=json.dumps({"name": "via-lambda"}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        request_id = answer.headers["apigw-requestid"]
        execution_arn = json.loads(answer.read())["executionArn"]

    page.goto(sam_site.url(fragment("executions", execution_arn)))
    page.locator("#execution-origin a").first.wait_for()
    assert page.locator("#execution-origin").inner_text().startswith("started by POST /start on ")
    assert request_id in (page.locator("#execution-origin a").first.get_attribute("title") or "")
    assert page.locator("#execution-origin-function").inner_text() == function

    page.locator("#execution-origin a").first.click()
    page.wait_for_selector("#api-routes tr.selected")
    assert page.locator("#api-routes tr.selected").get_attribute("data-route") == "POST /start"
    notice = page.locator("#api-request-notice")
    assert request_id in notice.inner_text() and function in notice.inner_text()
    notice.get_by_role("link", name=function).click()
    page.wait_for_selector("#function-config")
