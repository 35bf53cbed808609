"""Shared steps of the web app's browser tests."""

from __future__ import annotations

import time
from typing import Any

# A small but real PDF and PNG (the API accepts their types; S3 stores the bytes as sent).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def wait_until(page: Any, function: str, arg: Any = None, timeout: float = 60.0) -> Any:
    """Polls `function` (JavaScript, `(arg) => value`) in the page until it is truthy. Not
    Playwright's `wait_for_function`, which needs 'unsafe-eval' and the page's policy forbids it."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(function, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            where = page.evaluate("() => [location.hash, document.querySelector('main')?.innerText.slice(0, 300)]")
            raise AssertionError(f"timed out waiting for {function} (last value {value!r}); page: {where}")
        time.sleep(0.1)


def sign_in(page: Any, user: str) -> None:
    page.get_by_role("button", name=f"Sign in as {user}").click()
    page.wait_for_selector(f"[data-user='{user}']")


def shown_status(page: Any) -> str:
    return str(page.evaluate("() => document.querySelector('.heading .badge')?.dataset.status || ''"))


def wait_status(page: Any, status: str, timeout: float = 60.0) -> None:
    wait_until(page, "(s) => document.querySelector('.heading .badge')?.dataset.status === s", status, timeout)


def task_id(page: Any) -> str:
    wait_until(page, "() => /^#\\/tasks\\/[0-9A-Z]{26}$/.test(location.hash)")
    return str(page.evaluate("() => location.hash.split('/')[2]"))


def drop_file(page: Any, selector: str, name: str, content_type: str, data: bytes) -> None:
    """Drags a file onto `selector` the way a browser delivers it: a drop event with a DataTransfer."""
    page.evaluate("""([selector, name, type, bytes]) => {
        const zone = document.querySelector(selector);
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type }));
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }""", [selector, name, content_type, list(data)])


def fact(page: Any, name: str) -> str:
    return str(page.evaluate("(n) => document.querySelector(`[data-field='${n}']`)?.textContent || ''", name))
