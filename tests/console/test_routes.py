"""The console's routes: the app shell at /console/, its files, and the shell for lost links."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers.get("content-type", ""), response.read().decode()


def test_the_console_is_served_under_console(fake_site: Any) -> None:
    status, kind, body = get(fake_site.url())
    assert status == 200 and kind.startswith("text/html") and "js/app.js" in body
    # /console redirects to /console/ so relative asset paths resolve.
    status, _, body = get(f"{fake_site.base}/console")
    assert status == 200 and "js/app.js" in body
    status, kind, _ = get(fake_site.url("js/app.js"))
    assert status == 200 and "javascript" in kind
    status, _, body = get(fake_site.url("vendor/dagre.min.js"))
    assert "dagre" in body


def test_a_path_that_lost_its_hash_still_opens_the_app_but_missing_files_are_404(fake_site: Any) -> None:
    status, _, body = get(fake_site.url("executions/some-arn"))
    assert status == 200 and "js/app.js" in body
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(fake_site.url("js/no-such-module.js"))
    assert missing.value.code == 404
    missing.value.close()
