"""Sign-in by pasted token, live lists, the timeline, checks before upload, error states, and the
phone width with the keyboard only."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import PHONE
from .helpers import sign_in, wait_status, wait_until


def test_sign_in_with_a_pasted_token_and_refuse_garbage(open_page, webapp):
    page = open_page()
    page.get_by_label("Bearer token").fill("not-a-token")
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert "InvalidToken" in page.get_by_role("alert").inner_text()
    page.get_by_label("Bearer token").fill(webapp.tokens["erin"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("[data-user='erin'][data-role='requester']")
    wait_until(page, "() => document.querySelector('.empty')?.textContent.includes('No tasks yet')")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_a_deep_link_survives_sign_in_and_lists_update_live(open_page, webapp):
    task = webapp.create("alice", {"type": "PURCHASE", "amount": "25.00", "currency": "GBP", "description": "cables"},
                         until="COMPLETED")
    page = open_page(fragment=f"#/tasks/{task['taskId']}")  # a link opened in a new tab
    wait_until(page, "(id) => location.hash === `#/signin?next=%23%2Ftasks%2F${id}`", task["taskId"])
    sign_in(page, "alice")
    wait_status(page, "COMPLETED")
    # The workflow's steps, with their times.
    steps = wait_until(page, "() => { const steps = [...document.querySelectorAll('.timeline li')]"
                             ".map((li) => [li.dataset.state, li.querySelector('time')?.textContent || '']);"
                             " return steps.some((s) => s[0] === 'CompletePurchase') ? steps : null; }")
    states = [state for state, _ in steps]
    assert "ProcessPurchase" in states and "ChargePayment" in states and "CompletePurchase" in states
    assert all(stamp.strip() for _, stamp in steps)
    # The list picks up a new task without a reload.
    page.get_by_role("link", name="My tasks").click()
    page.locator(f"tr[data-task-id='{task['taskId']}']").wait_for()
    fresh = webapp.create("alice", {"type": "PURCHASE", "amount": "13.13", "currency": "GBP", "description": "declined"})
    wait_until(page, "(id) => document.querySelector(`tr[data-task-id='${id}']`)?.dataset.status === 'FAILED'", fresh["taskId"])


def test_files_are_checked_before_upload(open_page, webapp):
    page = open_page()
    sign_in(page, "alice")
    page.goto(f"{webapp.web_url}#/new")
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/attachments" in r.url or r.method == "PUT" else None)
    for name, kind, size in (("setup.exe", "application/x-msdownload", 10), ("scan.pdf", "application/pdf", 10 * 1024 * 1024 + 1)):
        page.evaluate("""([name, type, size]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(size)], name, { type }));
            document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }""", [name, kind, size])
        alert = page.get_by_role("alert")
        assert name in alert.inner_text()
    assert "10 MB" in page.get_by_role("alert").inner_text()
    assert page.locator(".uploads li").count() == 0 and calls == []


def test_api_errors_show_and_recover(open_page, webapp):
    page = open_page()
    sign_in(page, "alice")
    page.route("**/restapis/**", lambda route: route.fulfill(
        status=500, content_type="application/json",
        body=json.dumps({"error": {"code": "InternalError", "message": "the API broke", "field": None}})))
    page.goto(f"{webapp.web_url}#/tasks?x=1")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "InternalError" in alert.inner_text() and "the API broke" in alert.inner_text()
    page.unroute("**/restapis/**")
    page.get_by_role("button", name="Try again").click()
    page.get_by_role("alert").wait_for(state="detached")


def test_phone_width_and_keyboard_only(open_page, webapp):
    page = open_page(viewport=PHONE)
    page.keyboard.press("Tab")  # the skip link
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.dataset.user === 'alice'"):
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-user='alice']")
    page.goto(f"{webapp.web_url}#/new")
    page.get_by_label("Amount").focus()
    page.keyboard.type("12.34")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Keyboard only")
    page.get_by_label("Amount").press("Enter")  # submits the form
    wait_until(page, "() => /^#\\/tasks\\/[0-9A-Z]{26}$/.test(location.hash)")
    wait_status(page, "COMPLETED")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.goto(f"{webapp.web_url}#/tasks")
    page.locator("tr[data-task-id]").first.wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_views_build_dom_nodes_not_html_strings():
    # Data only ever becomes text nodes or attributes (docs/webapp.md): no HTML strings anywhere.
    web = Path(__file__).resolve().parents[2] / "app" / "web"
    scripts = list(web.rglob("*.js"))
    assert scripts
    for path in scripts + [web / "index.html"]:
        text = path.read_text()
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert banned not in text, f"{path.name} uses {banned}"
