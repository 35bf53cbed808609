"""app/scripts/deploy_web.py against the served stack: every file with its type, config.json from
the stack's outputs and parameters, demo tokens only when asked for. No browser needed."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

from .conftest import REPO


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, "", error.read()


def _deploy(webapp, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "app" / "scripts" / "deploy_web.py"), "--endpoint", webapp.endpoint,
                           *extra], capture_output=True, text=True, cwd=REPO)


def test_files_are_served_anonymously_with_their_types(webapp):
    base = webapp.web_url.rsplit("/", 1)[0]
    expected = {"index.html": "text/html", "css/app.css": "text/css", "js/app.js": "text/javascript",
                "js/views/task.js": "text/javascript"}
    for key, kind in expected.items():
        status, content_type, body = _get(f"{base}/{key}")
        assert status == 200 and content_type.startswith(kind), key
        assert body == (REPO / "app" / "web" / key).read_bytes()
    status, _, body = _get(f"{base}/config.json")
    config = json.loads(body)
    assert status == 200 and config["apiUrl"] == webapp.api_url and config["apiUrl"].startswith(webapp.endpoint)
    assert config["approvalThreshold"] == "500.00" and config["approvalTimeoutSeconds"] == "86400"


def test_demo_tokens_are_published_only_when_asked(webapp):
    base = webapp.web_url.rsplit("/", 1)[0]
    try:
        done = _deploy(webapp)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"Web app: {webapp.web_url}"
        assert _get(f"{base}/demo-users.json")[0] == 404
    finally:
        again = _deploy(webapp, "--demo-users", str(webapp.data_dir / "demo-users.txt"))
        assert again.returncode == 0, again.stderr
    users = json.loads(_get(f"{base}/demo-users.json")[2])
    assert [(u["user"], u["role"]) for u in users] == [
        ("alice", "requester"), ("bob", "requester"), ("carol", "approver"), ("dave", "admin")]
    assert all(u["token"] == webapp.tokens[u["user"]] for u in users)


def test_an_unknown_stack_is_refused_by_name(webapp):
    done = _deploy(webapp, "--stack-name", "no-such-stack")
    assert done.returncode != 0 and "no-such-stack" in done.stderr and "Traceback" not in done.stderr


def test_waiting_for_a_server_that_never_answers_gives_up():
    done = subprocess.run([sys.executable, str(REPO / "app" / "scripts" / "deploy_web.py"), "--endpoint",
                           "http://127.0.0.1:9", "--wait", "0.5"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode != 0 and "no server answered" in done.stderr
