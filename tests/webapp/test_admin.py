"""Admins: every task, filters by status, type, owner and date (in the URL), and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from .helpers import sign_in, wait_until


def test_admin_filters_every_task_and_exports_csv(open_page, webapp):
    a = webapp.create("alice", {"type": "PURCHASE", "amount": "10.00", "currency": "USD", "description": "=cmd|x"},
                      until="COMPLETED")
    b = webapp.create("bob", {"type": "PURCHASE", "amount": "13.13", "currency": "USD", "description": "declined, \"quoted\""},
                      until="FAILED")
    dave = open_page()
    sign_in(dave, "dave")
    dave.get_by_role("heading", name="All tasks").wait_for()
    for task in (a, b):
        dave.locator(f"tr[data-task-id='{task['taskId']}']").wait_for()

    dave.get_by_label("Owner").fill("bob")
    dave.get_by_label("Status").select_option("FAILED")
    dave.get_by_role("button", name="Apply").click()
    wait_until(dave, "() => location.hash.includes('owner=bob') && location.hash.includes('status=FAILED')")
    # The list re-renders on every live refresh: read it once it shows the filtered rows.
    rows = wait_until(dave, "(id) => { const rows = [...document.querySelectorAll('tr[data-task-id]')]"
                            ".map((r) => [r.dataset.taskId, r.dataset.status, r.children[3].textContent]);"
                            " return rows.some((r) => r[0] === id) ? rows : null; }", b["taskId"])
    assert rows and all(status == "FAILED" and owner == "bob" for _, status, owner in rows)
    assert a["taskId"] not in [r[0] for r in rows]

    with dave.expect_download() as info:
        dave.get_by_role("button", name="Export CSV").click()
    exported = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert [r["taskId"] for r in exported] == [r[0] for r in rows]
    assert exported[[r["taskId"] for r in exported].index(b["taskId"])]["description"] == 'declined, "quoted"'

    # Dates: a range that ends yesterday shows nothing, with an empty state that says so.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    dave.goto(f"{webapp.web_url}#/tasks?to={yesterday}")
    wait_until(dave, "() => document.querySelector('.empty')?.textContent.includes('No task matches')")

    # Type and owner together; the formula-looking description is neutralised in the CSV.
    dave.goto(f"{webapp.web_url}#/tasks?type=PURCHASE&owner=alice")
    dave.locator(f"tr[data-task-id='{a['taskId']}']").wait_for()
    with dave.expect_download() as info:
        dave.get_by_role("button", name="Export CSV").click()
    exported = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert {r["owner"] for r in exported} == {"alice"} and {r["type"] for r in exported} == {"PURCHASE"}
    assert exported[[r["taskId"] for r in exported].index(a["taskId"])]["description"] == "'=cmd|x"
