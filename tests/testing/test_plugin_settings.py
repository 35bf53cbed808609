"""The plugin's ini settings, in a fresh pytest process, and its import without side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TWO_TESTS = '''
ENDPOINTS = []

def test_one(statewright_server):
    ENDPOINTS.append(statewright_server.endpoint)

def test_two(statewright_server):
    ENDPOINTS.append(statewright_server.endpoint)
    assert (ENDPOINTS[0] != ENDPOINTS[1]) == EXPECT_DIFFERENT
'''


def _run(tmp_path: Path, ini: str, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text(f"[pytest]\nfilterwarnings =\n    error\n{ini}")
    (tmp_path / "test_settings.py").write_text(code)
    return subprocess.run([sys.executable, "-m", "pytest", str(tmp_path), "-q", "-p", "no:cacheprovider",
                           "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def test_one_server_per_session_by_default(tmp_path):
    result = _run(tmp_path, "", "EXPECT_DIFFERENT = False\n" + TWO_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_server_per_test_when_asked(tmp_path):
    result = _run(tmp_path, "statewright_scope = function\n", "EXPECT_DIFFERENT = True\n" + TWO_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_setting_is_a_usage_error(tmp_path):
    result = _run(tmp_path, "statewright_reset = sometimes\n", "def test_x(statewright):\n    pass\n")
    assert result.returncode != 0
    assert "statewright_reset must be one of all, stepfunctions, none, not 'sometimes'" in result.stdout


def test_importing_the_plugin_starts_nothing(tmp_path):
    """In a fresh interpreter: no thread, no file in the working directory."""
    probe = "import threading, statewright.testing.plugin; print(threading.active_count())"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert list(tmp_path.iterdir()) == []
