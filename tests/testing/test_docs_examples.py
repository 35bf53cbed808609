"""The test files docs/testing.md shows run, as a user would run them: in a fresh pytest process
with the installed plugin, from the repository root, warnings as errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "testing.md"
_BLOCK = re.compile(r"<!-- test-file: (?P<name>[\w.]+) -->\s*```python\n(?P<code>.*?)```", re.S)


def doc_test_files() -> dict[str, str]:
    return {match["name"]: match["code"] for match in _BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def run_pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (directory / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    error\n")
    return subprocess.run([sys.executable, "-m", "pytest", str(directory), "-q", "-p", "no:cacheprovider",
                           "-c", str(directory / "pytest.ini"), "--rootdir", str(directory), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def test_the_doc_has_both_example_files():
    assert set(doc_test_files()) == {"test_transaction_processor.py", "test_approval.py"}


@pytest.mark.parametrize("name", sorted(doc_test_files()))
def test_a_doc_example_passes(tmp_path, name):
    code = doc_test_files()[name]
    (tmp_path / name).write_text(code, encoding="utf-8")
    result = run_pytest(tmp_path)
    tests = len(re.findall(r"^def test_", code, re.M))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tests} passed" in result.stdout, result.stdout
