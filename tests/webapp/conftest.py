"""Browser tests of the task web app (app/web/): the app's own stack served by `statewright serve
--template app/template.yaml`, the static files deployed into its WebBucket by
app/scripts/deploy_web.py (as `make run` does), driven in Debian's Chromium by Python Playwright."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class WebApp:
    """The served stack: the web app's URL, the API's, and the demo users' tokens."""

    endpoint: str
    web_url: str
    api_url: str
    tokens: dict[str, str]
    data_dir: Path

    def api(self, user: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A direct API call as `user` (for checks behind the browser's back)."""
        request = urllib.request.Request(self.api_url + path.lstrip("/"), method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {self.tokens[user]}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


    def create(self, user: str, body: dict[str, Any], until: str | None = None) -> dict[str, Any]:
        """A task made through the API, optionally waited for until it reaches status `until`."""
        status, task = self.api(user, "POST", "tasks", body)
        assert status == 201, task
        # Generous: the machine is shared, and a cold Lambda worker can take seconds to start.
        deadline = time.monotonic() + 60
        while until and task["status"] != until:
            assert time.monotonic() < deadline, f"task stayed {task['status']}, expected {until}"
            time.sleep(0.2)
            task = self.api(user, "GET", f"tasks/{task['taskId']}")[1]
        return task


def _wait_up(endpoint: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"statewright serve did not start: {log.read_text()[-4000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def serve_app(data: Path) -> Iterator[WebApp]:
    """`statewright serve --template app/template.yaml` on a free port with data in `data`, the web
    app deployed by deploy_web.py with the demo users' tokens, as `make run` does."""
    exe = shutil.which("statewright", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the statewright command is not installed")
    python = sys.executable
    token_script = str(REPO / "app" / "scripts" / "sign_token.py")
    demo = subprocess.run([python, token_script, "--demo", "--data-dir", str(data)], check=True,
                          capture_output=True, text=True).stdout
    (data / "demo-users.txt").write_text(demo)
    tokens = {line.split()[0]: line.split()[2] for line in demo.splitlines() if len(line.split()) == 3}
    # A requester who is not on the demo list (signs in by pasting the token; has no tasks).
    tokens["erin"] = subprocess.run([python, token_script, "--user", "erin", "--role", "requester", "--data-dir", str(data)],
                                    check=True, capture_output=True, text=True).stdout.strip()
    secret = subprocess.run([python, token_script, "--print-secret", "--data-dir", str(data)], check=True,
                            capture_output=True, text=True).stdout.strip()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = data / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "serve", "--template", "app/template.yaml", "--port", str(port),
                                 "--data-dir", str(data), "--parameter-overrides", f"JwtSecret={secret}"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        _wait_up(endpoint, proc, log)
        deployed = subprocess.run([python, str(REPO / "app" / "scripts" / "deploy_web.py"), "--endpoint", endpoint,
                                   "--demo-users", str(data / "demo-users.txt")],
                                  capture_output=True, text=True, cwd=REPO)
        assert deployed.returncode == 0, deployed.stderr
        web_url = deployed.stdout.strip().removeprefix("Web app: ")
        with urllib.request.urlopen(web_url.rsplit("/", 1)[0] + "/config.json", timeout=5) as answer:
            api_url = json.loads(answer.read())["apiUrl"]
        yield WebApp(endpoint, web_url, api_url, tokens, data)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def webapp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """One stack shared by the tests (each makes its own tasks)."""
    with serve_app(tmp_path_factory.mktemp("webapp-data")) as app:
        yield app


@pytest.fixture
def clean_webapp(tmp_path: Path) -> Iterator[WebApp]:
    """A stack of its own with no tasks yet (for screenshots)."""
    data = tmp_path / "data"
    data.mkdir()
    with serve_app(data) as app:
        yield app


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """`open_page(viewport=..., app=..., fragment=...)`: a fresh browser context (its own session storage, so its
    own signed-in user) on the web app (`app`, default the shared `webapp`). Each page must raise
    no JavaScript error and request nothing off this machine."""
    contexts: list[Any] = []
    problems: list[str] = []

    def make(viewport: dict[str, int] | None = None, app: WebApp | None = None, fragment: str = "") -> Any:
        app = app or request.getfixturevalue("webapp")
        context = browser.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(45_000)
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
        page.on("request", lambda req: problems.append(f"off-machine request: {req.url}")
                if not req.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        page.goto(app.web_url + fragment)
        return page

    try:
        yield make
        assert problems == []
    finally:
        for context in contexts:
            context.close()
