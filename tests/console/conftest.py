"""Browser fixtures for the console: Debian's Chromium driven by Python Playwright.

Two kinds of server: `fake_site` (the console plus a canned Step Functions API, for exact
histories and drawing) and `real_site` (`statewright serve` on a free port with a temp data
dir, for end-to-end tests); `sam_site` is a real server running the small SAM application in
`sam_app/` (a function, a table, a bucket, an HTTP API, a state machine, a log group), for the
service sections.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statewright.console import routes

from .fake_api import FakeStepFunctions

REPO = Path(__file__).resolve().parents[2]
SAM_TEMPLATE = Path(__file__).resolve().parent / "sam_app" / "template.yaml"
SAM_STACK = "console-app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    """A running server: its base URL and, for the fake one, the canned API."""

    def __init__(self, base: str, api: FakeStepFunctions | None = None) -> None:
        self.base = base
        self.api = api

    def url(self, fragment: str = "") -> str:
        return f"{self.base}/console/{fragment}"


@pytest.fixture(scope="session")
def fake_site() -> Iterator[Site]:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    api = FakeStepFunctions()
    app = Starlette(routes=[Route("/", api.endpoint, methods=["POST"]), *routes()])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Site(f"http://127.0.0.1:{port}", api)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def serve(data_dir: Path, template: Path | None = None) -> Iterator[Site]:
    """`statewright serve` on a free port, with the tests' task resources loaded (and a SAM
    template's resources as the stack `SAM_STACK` when `template` is given)."""
    exe = shutil.which("statewright", path=str(Path(sys.executable).parent)) or shutil.which("statewright")
    if exe is None:
        pytest.skip("the statewright command is not installed")
    probe = subprocess.run([exe, "serve", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("`statewright serve` is not available yet")
    port = free_port()
    env = dict(os.environ, STATEWRIGHT_INTEGRATIONS="tests.console.integrations:register",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    args = [exe, "serve", "--port", str(port), "--data-dir", str(data_dir)]
    if template is not None:
        args += ["--template", str(template), "--stack-name", SAM_STACK, "--no-lint"]
    with open(data_dir / "server.log", "wb") as log:
        proc = subprocess.Popen(args,
                                stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/console/", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline + (30 if template else 0):
                raise RuntimeError(f"statewright serve did not start: {(data_dir / 'server.log').read_text()}")
            time.sleep(0.1)
        yield Site(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("console-data")) as site:
        yield site


@pytest.fixture(scope="session")
def sam_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("console-sam"), SAM_TEMPLATE) as site:
        yield site


@pytest.fixture
def clean_site(tmp_path: Path) -> Iterator[Site]:
    """A server of its own with an empty data dir (for empty states and clean screenshots)."""
    data = tmp_path / "data"
    data.mkdir()
    with serve(data) as site:
        yield site


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # The console must make no requests off its own origin (no CDNs, no fonts).
    outside: list[str] = []
    pg.on("request", lambda req: outside.append(req.url) if not req.url.startswith(("http://127.0.0.1", "data:")) else None)
    try:
        yield pg
        assert errors == [], f"JavaScript errors: {errors}"
        assert outside == [], f"requests off the origin: {outside}"
    finally:
        context.close()
