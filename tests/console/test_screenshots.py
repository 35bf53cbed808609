"""Screenshots of the console's main views, from a real server with real executions.

They are written to a temp dir on every run (so the views are at least rendered without
errors); with STATEWRIGHT_SCREENSHOTS=1 they go to docs/images/ for docs/console.md.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .conftest import Site
from .helpers import client, create, fragment, wait_state, wait_status

ORDER = {
    "Comment": "Order fulfilment: approval for large orders, items priced in a Map, payment and notice in parallel",
    "StartAt": "ValidateOrder",
    "States": {
        "ValidateOrder": {"Type": "Pass", "Next": "CheckAmount"},
        "CheckAmount": {"Type": "Choice", "Default": "PriceItems",
                        "Choices": [{"Variable": "$.total", "NumericGreaterThan": 1000, "Next": "ManagerApproval"}]},
        "ManagerApproval": {"Type": "Task", "Resource": "arn:test:notify.waitForTaskToken",
                            "Parameters": {"order.$": "$", "token.$": "$$.Task.Token"}, "ResultPath": "$.approval",
                            "Next": "PriceItems"},
        "PriceItems": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.priced", "Next": "Fulfil",
                       "ItemProcessor": {"StartAt": "ReserveStock", "States": {
                           "ReserveStock": {"Type": "Pass", "Next": "PriceItem"},
                           "PriceItem": {"Type": "Pass", "End": True}}}},
        "Fulfil": {"Type": "Parallel", "ResultPath": "$.fulfilled", "Next": "Ship",
                   "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}],
                   "Branches": [
                       {"StartAt": "ChargeCard", "States": {"ChargeCard": {
                           "Type": "Task", "Resource": "arn:test:charge", "Parameters": {"card.$": "$.card"},
                           "Retry": [{"ErrorEquals": ["Timeout"], "MaxAttempts": 2}], "End": True}}},
                       {"StartAt": "NotifyCustomer", "States": {"NotifyCustomer": {"Type": "Pass", "End": True}}}]},
        "Ship": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Refund": {"Type": "Pass", "Next": "OrderFailed"},
        "OrderFailed": {"Type": "Fail", "Error": "Order.PaymentFailed", "Cause": "the payment was declined"},
    },
}


def out_dir(tmp_path: Path) -> Path:
    if os.environ.get("STATEWRIGHT_SCREENSHOTS") == "1":
        return Path(__file__).resolve().parents[2] / "docs" / "images"
    return tmp_path


def test_screenshots_of_the_main_views(browser: Any, clean_site: Site, tmp_path: Path) -> None:
    real_site = clean_site
    out = out_dir(tmp_path)
    sfn = client(real_site.base)
    machine = create(sfn, "order-fulfilment", ORDER)
    create(sfn, "nightly-report", {"StartAt": "Build", "States": {"Build": {"Type": "Pass", "End": True}}})
    ok = sfn.start_execution(stateMachineArn=machine, name="order-1001",
                             input=json.dumps({"total": 80, "card": "ok", "items": [1, 2]}))["executionArn"]
    caught = sfn.start_execution(stateMachineArn=machine, name="order-1002",
                                 input=json.dumps({"total": 120, "card": "declined", "items": [1, 2, 3]}))["executionArn"]
    waiting = sfn.start_execution(stateMachineArn=machine, name="order-1003",
                                  input=json.dumps({"total": 4200, "card": "ok", "items": [1]}))["executionArn"]
    wait_status(sfn, ok)
    wait_status(sfn, caught)

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(real_site.url("#/state-machines"))
        page.locator("#machines .chip").first.wait_for()
        page.screenshot(path=str(out / "console-state-machines.png"))

        page.goto(real_site.url(fragment("state-machines", machine, state="Fulfil")))
        page.wait_for_selector(".node.selected[data-state='Fulfil']")
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Fit to view (0)").click()
        page.screenshot(path=str(out / "console-definition.png"))

        page.goto(real_site.url(fragment("executions", caught, state="Fulfil")))
        page.wait_for_selector(".view[data-status='FAILED']")
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Fit to view (0)").click()
        page.screenshot(path=str(out / "console-execution-caught.png"))

        page.goto(real_site.url(fragment("executions", ok, tab="timeline")))
        page.wait_for_selector(".view[data-status='SUCCEEDED']")
        page.locator("#panel-timeline").scroll_into_view_if_needed()
        page.screenshot(path=str(out / "console-execution-timeline.png"), full_page=True)

        page.goto(real_site.url(fragment("executions", waiting, state="ManagerApproval")))
        wait_state(page, "ManagerApproval", "running")
        page.wait_for_selector("#callback-button:not([disabled])")
        page.locator("#callback-button").click()
        page.locator("#callback-output").fill('{"approved": true, "by": "dana"}')
        page.screenshot(path=str(out / "console-callback.png"))
        page.locator("#callback-submit").click()
        page.wait_for_selector(".view[data-status='SUCCEEDED']")

        page.goto(real_site.url("#/state-machines/new"))
        page.wait_for_selector("#definition-status .notice-ok")
        broken = json.loads(json.dumps(ORDER))
        broken["States"]["Ship"]["Next"] = "Delivered"
        page.locator("#definition").fill(json.dumps(broken, indent=2))
        page.wait_for_selector(".node.has-diagnostic")
        page.get_by_role("button", name="Fit to view (0)").click()
        page.screenshot(path=str(out / "console-new-state-machine.png"))
    finally:
        context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                device_scale_factor=2)
    try:
        page = phone.new_page()
        page.goto(real_site.url(fragment("executions", caught, state="ChargeCard")))
        page.wait_for_selector(".view[data-status='FAILED']")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "console-phone.png"))
    finally:
        phone.close()
    assert all((out / name).stat().st_size > 10_000 for name in (
        "console-state-machines.png", "console-definition.png", "console-execution-caught.png",
        "console-callback.png", "console-new-state-machine.png", "console-phone.png"))


def test_screenshots_of_the_service_sections(browser: Any, tmp_path: Path) -> None:
    from .conftest import SAM_STACK, SAM_TEMPLATE, serve
    from .helpers import aws, physical_ids

    out = out_dir(tmp_path)
    data = tmp_path / "sam-data"
    data.mkdir()
    with serve(data, SAM_TEMPLATE) as site:
        ids = physical_ids(site.base, SAM_STACK)
        fn, table, bucket = ids["GreetFunction"], ids["OrdersTable"], ids["FilesBucket"]
        lam = aws(site.base, "lambda")
        for name in ("ada", "grace", "linus"):
            lam.invoke(FunctionName=fn, Payload=json.dumps({"name": name}).encode())
        lam.invoke(FunctionName=fn, Payload=b'{"fail": true}')
        ddb = aws(site.base, "dynamodb")
        for i, (customer, status) in enumerate([("ada", "NEW"), ("ada", "PAID"), ("grace", "NEW"), ("linus", "SHIPPED")]):
            ddb.put_item(TableName=table, Item={"customer": {"S": customer}, "orderId": {"S": f"o-{1000 + i}"},
                                                "status": {"S": status}, "total": {"N": str(40 + 15 * i)},
                                                "items": {"L": [{"S": "book"}, {"S": "pen"}][: 1 + i % 2]}})
        s3 = aws(site.base, "s3")
        s3.put_object(Bucket=bucket, Key="receipts/2026/o-1000.pdf", Body=b"%PDF-1.4 receipt", ContentType="application/pdf")
        s3.put_object(Bucket=bucket, Key="receipts/2026/o-1001.pdf", Body=b"%PDF-1.4 receipt two", ContentType="application/pdf")
        s3.put_object(Bucket=bucket, Key="exports/orders.csv", Body=b"customer,total\nada,40\n", ContentType="text/csv")
        s3.put_object(Bucket=bucket, Key="README.txt", Body=b"files of the console's test app")

        context = browser.new_context(viewport={"width": 1440, "height": 900})
        try:
            page = context.new_page()
            shots = [
                (f"#/stacks/{SAM_STACK}", "#stack-resources", "console-stack.png"),
                (f"#/functions/{fn}?tab=invocations", "#invocations", "console-lambda-invocations.png"),
                (f"#/logs/{quote('/aws/lambda/' + fn, safe='')}", "#log-events .log-line", "console-logs.png"),
                (f"#/tables/{table}", "#items", "console-dynamodb.png"),
                (f"#/buckets/{bucket}?prefix=receipts%2F2026%2F", "#objects", "console-s3.png"),
                (f"#/apis/{ids['ServerlessHttpApi']}", "#api-routes", "console-api-gateway.png"),
            ]
            for fragment_, selector, name in shots:
                page.goto(site.url(fragment_))
                page.wait_for_selector(selector)
                page.wait_for_timeout(200)
                page.screenshot(path=str(out / name))
            page.goto(site.url(f"#/functions/{fn}?tab=test"))
            page.locator("#test-event").fill('{\n  "name": "console"\n}')
            page.locator("#event-name").fill("hello console")
            page.locator("#save-event").click()
            page.locator("#invoke").click()
            page.wait_for_selector("#invoke-status")
            page.screenshot(path=str(out / "console-lambda-test.png"), full_page=True)
            page.goto(site.url(f"#/apis/{ids['ServerlessHttpApi']}"))
            page.locator("tr[data-route='GET /hello/{name}']").get_by_role("button", name="Try").click()
            page.locator("#req-url").fill(page.locator("#req-url").input_value().replace("{name}", "grace"))
            page.locator("#req-send").click()
            page.wait_for_selector("#req-status")
            page.screenshot(path=str(out / "console-api-request.png"), full_page=True)
            # An execution that the function behind the HTTP API's POST /start started, followed to
            # that request.
            started = urllib.request.Request(f"{site.base}/restapis/{ids['ServerlessHttpApi']}/$default/_user_request_/start",
                                             data=b'{"name": "ada"}', method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(started, timeout=30) as answer:
                execution = json.loads(answer.read())["executionArn"]
            wait_status(aws(site.base, "stepfunctions"), execution)
            page.goto(site.url(fragment("executions", execution, state="Greet")))
            page.locator("#execution-origin a").first.click()
            page.wait_for_selector("#api-request-notice")
            page.screenshot(path=str(out / "console-execution-origin.png"))
        finally:
            context.close()
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                    device_scale_factor=2)
        try:
            page = phone.new_page()
            page.goto(site.url(f"#/tables/{table}"))
            page.wait_for_selector("#items")
            page.screenshot(path=str(out / "console-phone-dynamodb.png"))
        finally:
            phone.close()
    names = ["console-phone-dynamodb.png", "console-stack.png", "console-lambda-invocations.png", "console-logs.png", "console-dynamodb.png",
             "console-s3.png", "console-api-gateway.png", "console-lambda-test.png", "console-api-request.png",
             "console-execution-origin.png"]
    assert all((out / name).stat().st_size > 10_000 for name in names)
