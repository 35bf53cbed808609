"""The web app's main flows in a real browser against the app's real stack."""

from __future__ import annotations

import urllib.request

from .helpers import PDF, PNG, drop_file, fact, sign_in, task_id, wait_status, wait_until


def test_purchase_refund_with_receipt_approved_and_completed(open_page, webapp):
    alice = open_page()
    sign_in(alice, "alice")

    # A purchase with a receipt chosen through the file picker.
    alice.get_by_role("link", name="New request").first.click()
    alice.get_by_label("Amount").fill("1000.00")
    alice.get_by_label("Currency").select_option("USD")
    alice.get_by_label("Description").fill("Laptop for the new hire")
    alice.set_input_files(".dropzone input[type=file]", files=[
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    alice.get_by_role("button", name="Submit purchase").click()
    purchase = task_id(alice)
    wait_status(alice, "COMPLETED")
    assert fact(alice, "remaining") == "1000.00 USD"
    wait_until(alice, "() => document.querySelector(\"[data-attachment='invoice.pdf']\")")

    # A refund above the threshold (500.00) with a receipt dropped onto the page.
    alice.get_by_role("link", name="Request a refund").click()
    wait_until(alice, "(id) => document.querySelector('select[name=purchaseId]')?.value === id", purchase)
    alice.get_by_label("Amount").fill("600.00")
    alice.get_by_label("Description").fill("Returned the dock")
    drop_file(alice, ".dropzone", "return-label.png", "image/png", PNG)
    alice.get_by_role("button", name="Request refund").click()
    refund = task_id(alice)
    wait_status(alice, "AWAITING_APPROVAL")

    # The approver finds it in the queue, reads the receipt and approves with a note.
    carol = open_page()
    sign_in(carol, "carol")
    carol.get_by_role("link", name="Approvals").click()
    row = carol.locator(f"tr[data-task-id='{refund}']")
    row.wait_for()
    assert "600.00 USD" in row.inner_text() and "alice" in row.inner_text()
    row.get_by_role("link", name="Review").click()
    wait_status(carol, "AWAITING_APPROVAL")
    carol.locator("[data-attachment='return-label.png']").get_by_role("button", name="Get link").click()
    href = carol.locator("[data-attachment='return-label.png'] a.open").get_attribute("href")
    with urllib.request.urlopen(href, timeout=10) as answer:
        assert answer.read() == PNG
    carol.get_by_label("Note to the requester (optional)").fill("Receipt checked")
    carol.get_by_role("button", name="Approve").click()
    wait_status(carol, "COMPLETED")

    # The requester's open page follows without a reload; the purchase shows the refund.
    wait_status(alice, "COMPLETED")
    alice.goto(f"{webapp.web_url}#/tasks/{purchase}")
    wait_status(alice, "PARTIALLY_REFUNDED")
    assert fact(alice, "refunded") == "600.00 USD"
    assert fact(alice, "remaining") == "400.00 USD"
    status, body = webapp.api("alice", "GET", f"tasks/{refund}")
    assert status == 200 and body["status"] == "COMPLETED" and body["approvedBy"] == "carol"
    assert any(entry.get("reason") == "Receipt checked" and entry["actor"] == "carol" for entry in body["audit"])


def test_an_approver_rejects_with_a_note_the_requester_reads(open_page, webapp):
    purchase = webapp.create("bob", {"type": "PURCHASE", "amount": "3000.00", "currency": "EUR", "description": "Projector"},
                             until="COMPLETED")
    refund = webapp.create("bob", {"type": "REFUND", "amount": "2999.99", "currency": "EUR",
                                   "purchaseId": purchase["taskId"]}, until="AWAITING_APPROVAL")
    bob = open_page()
    sign_in(bob, "bob")
    bob.goto(f"{webapp.web_url}#/tasks/{refund['taskId']}")
    wait_status(bob, "AWAITING_APPROVAL")
    assert bob.get_by_role("button", name="Approve").count() == 0  # a requester never reviews

    carol = open_page()
    sign_in(carol, "carol")
    carol.goto(f"{webapp.web_url}#/tasks/{refund['taskId']}")
    wait_status(carol, "AWAITING_APPROVAL")
    carol.get_by_label("Note to the requester (optional)").fill("No receipt attached")
    carol.get_by_role("button", name="Reject").click()
    wait_status(carol, "REJECTED")

    wait_status(bob, "REJECTED")
    wait_until(bob, "() => document.querySelector('table.audit')?.innerText.includes('No receipt attached')")
    # The amount went back to the purchase: nothing refunded, all of it refundable again.
    bob.goto(f"{webapp.web_url}#/tasks/{purchase['taskId']}")
    wait_status(bob, "COMPLETED")
    assert fact(bob, "refunded") == "0.00 EUR" and fact(bob, "remaining") == "3000.00 EUR"
