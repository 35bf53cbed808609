"""app/scripts/sign_token.py (`make token`): the data directory's secret and tokens the authorizer accepts."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

from taskapp import tokens

from .conftest import APP

SCRIPT = APP / "scripts" / "sign_token.py"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_the_first_token_creates_the_secret_and_later_ones_reuse_it(tmp_path):
    first = _run("--user", "alice", "--role", "requester", "--data-dir", str(tmp_path / "data"))
    assert first.returncode == 0, first.stderr
    secret_file = tmp_path / "data" / "app-secret"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    secret = secret_file.read_text().strip()
    assert len(secret) >= 32
    claims = tokens.decode(first.stdout.strip(), secret, int(time.time()))
    assert (claims["sub"], claims["role"]) == ("alice", "requester")
    second = _run("--user", "carol", "--role", "approver", "--data-dir", str(tmp_path / "data"))
    assert tokens.decode(second.stdout.strip(), secret, int(time.time()))["role"] == "approver"
    assert _run("--print-secret", "--data-dir", str(tmp_path / "data")).stdout.strip() == secret


def test_a_bad_role_or_user_is_refused(tmp_path):
    assert _run("--user", "alice", "--role", "root", "--data-dir", str(tmp_path)).returncode == 2
    assert _run("--user", "alice", "--data-dir", str(tmp_path)).returncode == 2
    answer = _run("--user", "a b", "--role", "admin", "--data-dir", str(tmp_path))
    assert answer.returncode == 2 and "user" in answer.stderr


def test_demo_tokens_cover_every_role(tmp_path):
    answer = _run("--demo", "--data-dir", str(tmp_path))
    secret = (tmp_path / "app-secret").read_text().strip()
    rows = [line.split() for line in answer.stdout.splitlines()]
    assert {role for _, role, _ in rows} == set(tokens.ROLES)
    for user, role, token in rows:
        claims = tokens.decode(token, secret, int(time.time()))
        assert (claims["sub"], claims["role"]) == (user, role)
