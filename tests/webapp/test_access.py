"""Who sees what: a requester never sees another's tasks; an approver's own request is listed in
the queue but offers no approval."""

from __future__ import annotations

from .helpers import sign_in, wait_status, wait_until


def test_a_requester_cannot_see_another_requesters_tasks(open_page, webapp):
    mine = webapp.create("alice", {"type": "PURCHASE", "amount": "42.00", "currency": "EUR", "description": "alice's chair"})
    theirs = webapp.create("bob", {"type": "PURCHASE", "amount": "17.50", "currency": "EUR", "description": "bob's lamp"})
    bob = open_page()
    sign_in(bob, "bob")
    # Read the list once a render shows bob's task (live refreshes redraw it).
    listed = wait_until(bob, "(id) => { const ids = [...document.querySelectorAll('tr[data-task-id]')]"
                             ".map((r) => r.dataset.taskId); return ids.includes(id) ? ids : null; }", theirs["taskId"])
    assert mine["taskId"] not in listed
    assert "alice's chair" not in bob.locator("main").inner_text()
    # Typing the URL of alice's task shows the API's refusal, not the task.
    bob.goto(f"{webapp.web_url}#/tasks/{mine['taskId']}")
    alert = bob.get_by_role("alert")
    alert.wait_for()
    assert "Forbidden" in alert.inner_text() or "NotFound" in alert.inner_text()
    assert "42.00" not in bob.locator("main").inner_text()
    # ...and the refund form offers only bob's own purchases.
    bob.goto(f"{webapp.web_url}#/new?type=REFUND")
    wait_until(bob, "() => !document.querySelector('select[name=purchaseId]').textContent.includes('Loading')")
    assert mine["taskId"] not in bob.locator("select[name=purchaseId]").inner_html()


def test_an_approvers_own_request_is_shown_but_cannot_be_approved(open_page, webapp):
    purchase = webapp.create("carol", {"type": "PURCHASE", "amount": "900.00", "currency": "USD"}, until="COMPLETED")
    refund = webapp.create("carol", {"type": "REFUND", "amount": "800.00", "currency": "USD",
                                     "purchaseId": purchase["taskId"]}, until="AWAITING_APPROVAL")
    carol = open_page()
    sign_in(carol, "carol")
    carol.get_by_role("link", name="Approvals").click()
    row = carol.locator(f"tr[data-task-id='{refund['taskId']}']")
    row.wait_for()
    assert "Your own request" in row.inner_text()
    assert row.get_by_role("link", name="Review").count() == 0
    carol.goto(f"{webapp.web_url}#/tasks/{refund['taskId']}")
    wait_status(carol, "AWAITING_APPROVAL")
    carol.locator("[data-own='true']").wait_for()
    assert carol.get_by_role("button", name="Approve").count() == 0
    # She may still cancel it, as its requester.
    carol.get_by_role("button", name="Cancel request").click()
    wait_status(carol, "CANCELLED")
    assert carol.get_by_role("button", name="Cancel request").count() == 0


def test_a_requester_is_refused_the_approval_queue(open_page, webapp):
    alice = open_page()
    sign_in(alice, "alice")
    assert alice.get_by_role("link", name="Approvals").count() == 0
    alice.goto(f"{webapp.web_url}#/approvals")
    alert = alice.get_by_role("alert")
    alert.wait_for()
    assert "403" in alert.inner_text() or "Forbidden" in alert.inner_text()
