"""Screenshots of the web app's main views, from the real stack with real tasks.

Written to a temp dir on every run (so each view at least renders without errors); with
STATEWRIGHT_SCREENSHOTS=1 (`make screenshots`) they go to docs/images/ for docs/webapp.md and the README.
"""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import PHONE, REPO
from .helpers import PDF, drop_file, sign_in, wait_status, wait_until


def _target(tmp_path: Path) -> Path:
    if os.environ.get("STATEWRIGHT_SCREENSHOTS") == "1":
        return REPO / "docs" / "images"
    return tmp_path


def test_screenshots_of_the_main_views(open_page, clean_webapp, tmp_path):
    webapp = clean_webapp
    out = _target(tmp_path)
    shots: list[Path] = []

    def shoot(page, name: str) -> None:
        page.evaluate("() => document.activeElement?.blur()")
        path = out / f"webapp-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    laptop = webapp.create("alice", {"type": "PURCHASE", "amount": "2400.00", "currency": "USD",
                                     "description": "Laptops for the design team"}, until="COMPLETED")
    webapp.create("alice", {"type": "PURCHASE", "amount": "89.90", "currency": "EUR", "description": "Office chair mat"},
                  until="COMPLETED")
    desk = webapp.create("bob", {"type": "PURCHASE", "amount": "1250.00", "currency": "USD", "description": "Standing desks"},
                         until="COMPLETED")
    webapp.create("bob", {"type": "PURCHASE", "amount": "13.13", "currency": "USD", "description": "Conference tickets"},
                  until="FAILED")
    webapp.create("bob", {"type": "REFUND", "amount": "700.00", "currency": "USD", "purchaseId": desk["taskId"],
                          "description": "One desk returned"}, until="AWAITING_APPROVAL")

    alice = open_page(app=webapp)
    shoot(alice, "sign-in")
    sign_in(alice, "alice")
    alice.goto(f"{webapp.web_url}#/new?type=REFUND&purchaseId={laptop['taskId']}")
    wait_until(alice, "(id) => document.querySelector('select[name=purchaseId]')?.value === id", laptop["taskId"])
    alice.get_by_label("Amount").fill("800.00")
    alice.get_by_label("Description").fill("One laptop returned unopened")
    drop_file(alice, ".dropzone", "return-receipt.pdf", "application/pdf", PDF)
    shoot(alice, "new-refund")
    alice.get_by_role("button", name="Request refund").click()
    wait_status(alice, "AWAITING_APPROVAL")
    refund = alice.evaluate("() => location.hash.split('/')[2]")

    carol = open_page(app=webapp)
    sign_in(carol, "carol")
    carol.get_by_role("link", name="Approvals").click()
    carol.locator(f"tr[data-task-id='{refund}']").wait_for()
    shoot(carol, "approvals")
    carol.locator(f"tr[data-task-id='{refund}']").get_by_role("link", name="Review").click()
    wait_status(carol, "AWAITING_APPROVAL")
    carol.get_by_label("Note to the requester (optional)").fill("Receipt matches the order")
    shoot(carol, "review")
    carol.get_by_role("button", name="Approve").click()

    wait_status(alice, "COMPLETED")
    wait_until(alice, "() => document.querySelectorAll('.timeline li').length > 5")
    shoot(alice, "task")
    alice.get_by_role("link", name="My tasks").click()
    alice.locator("tr[data-task-id]").first.wait_for()
    shoot(alice, "my-tasks")

    dave = open_page(app=webapp)
    sign_in(dave, "dave")
    dave.goto(f"{webapp.web_url}#/tasks")
    dave.locator("tr[data-task-id]").first.wait_for()
    shoot(dave, "admin")

    phone = open_page(viewport=PHONE, app=webapp)
    sign_in(phone, "alice")
    phone.locator("tr[data-task-id]").first.wait_for()
    shoot(phone, "phone")
    assert all(path.stat().st_size > 5000 for path in shots)
