"""The DynamoDB section: tables with keys, indexes and counts; Scan and Query (key conditions,
an index), paginated; view, edit, create and delete an item as DynamoDB JSON."""

from __future__ import annotations

import json
from typing import Any

from .conftest import SAM_STACK, Site
from .helpers import aws, physical_ids, wait_until


def test_tables_scan_query_and_edit(page: Any, sam_site: Site) -> None:
    table = physical_ids(sam_site.base, SAM_STACK)["OrdersTable"]
    ddb = aws(sam_site.base, "dynamodb")
    for i in range(30):
        ddb.put_item(TableName=table, Item={"customer": {"S": "ada" if i < 20 else "bob"}, "orderId": {"S": f"o-{i:03}"},
                                            "status": {"S": "NEW" if i % 3 else "PAID"}, "total": {"N": str(i)}})
    page.goto(sam_site.url("#/tables"))
    row = page.locator("#tables tr", has_text=table)
    assert "customer (partition), orderId (sort)" in row.inner_text() and "byStatus" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_selector("#items tbody tr")
    assert "byStatus" in page.locator("#table-indexes").inner_text()

    # Scan pages 25 at a time.
    assert page.locator("#items tbody tr").count() == 25
    page.locator("#page-next").click()
    wait_until(page, "() => document.querySelectorAll('#items tbody tr').length === 5")
    page.locator("#page-prev").click()
    wait_until(page, "() => document.querySelectorAll('#items tbody tr').length === 25")

    # Query: partition key and a sort key condition.
    page.locator("#item-mode").select_option("query")
    page.locator("#pk-value").fill("ada")
    page.locator("#sk-op").select_option("begins_with")
    page.locator("#sk-value").fill("o-01")
    page.locator("#run-items").click()
    wait_until(page, "() => document.querySelector('#item-count')?.textContent.startsWith('Query: 10 items')")

    # Query an index.
    page.locator("#item-index").select_option("byStatus")
    page.locator("#pk-value").fill("PAID")
    page.locator("#run-items").click()
    wait_until(page, "() => document.querySelector('#item-count')?.textContent.startsWith('Query: 10 items')")
    assert set(page.locator("#items tbody td:nth-child(1)").all_inner_texts()) == {"PAID"}

    # Edit an item as DynamoDB JSON.
    page.locator("#item-index").select_option("")
    page.locator("#pk-value").fill("bob")
    page.locator("#sk-op").select_option("=")
    page.locator("#sk-value").fill("o-025")
    page.locator("#run-items").click()
    wait_until(page, "() => document.querySelector('#item-count')?.textContent.startsWith('Query: 1 items')")
    page.locator("#items tbody tr button.link").click()
    item = json.loads(page.locator("#item-json").input_value())
    assert item["total"] == {"N": "25"}
    item["total"] = {"N": "99"}
    item["tags"] = {"SS": ["a", "b"]}
    page.locator("#item-json").fill(json.dumps(item))
    page.locator("#item-save").click()
    wait_until(page, "() => document.querySelector('#item-json-status').textContent === 'Saved.'")
    wait_until(page, "() => document.querySelector('#items')?.textContent.includes('99')")
    stored = ddb.get_item(TableName=table, Key={"customer": {"S": "bob"}, "orderId": {"S": "o-025"}})["Item"]
    assert stored["total"] == {"N": "99"} and set(stored["tags"]["SS"]) == {"a", "b"}

    # A typed value of the wrong shape gets DynamoDB's own error, on the page.
    page.locator("#item-json").fill(json.dumps({**item, "total": {"N": "not a number"}}))
    page.locator("#item-save").click()
    wait_until(page, "() => document.querySelector('#item-json-status').textContent.includes('ValidationException')")

    # New item, then delete it.
    page.locator("#item-new").click()
    page.locator("#item-json").fill(json.dumps({"customer": {"S": "cy"}, "orderId": {"S": "o-new"}}))
    assert page.locator("#item-delete").is_hidden()
    page.locator("#item-save").click()
    wait_until(page, "() => document.querySelector('#item-json-status').textContent === 'Saved.'")
    assert "Item" in ddb.get_item(TableName=table, Key={"customer": {"S": "cy"}, "orderId": {"S": "o-new"}})
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#item-delete").click()
    wait_until(page, "() => document.querySelector('#item-editor').hidden")
    assert "Item" not in ddb.get_item(TableName=table, Key={"customer": {"S": "cy"}, "orderId": {"S": "o-new"}})
