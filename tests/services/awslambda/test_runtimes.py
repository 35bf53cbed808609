"""Runtimes: the template's `Runtime` matched to a local interpreter, `requirements.txt`
installed once into the data directory's cache, runtimes that cannot run here."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sys
import zipfile
from pathlib import Path

import pytest

from statewright.services.awslambda.runtimes import _find_python
from statewright.services.common import AwsError

from .conftest import CONTEXT

VERSION = {"app.py": """
    import sys
    def handler(event, context):
        return list(sys.version_info[:2])
"""}


def invoke(service, name="fn"):
    result = service.handle("Invoke", {"FunctionName": name, "Payload": b"{}"}, CONTEXT)
    return result, json.loads(result["Payload"])


def build_wheel(directory: Path) -> Path:
    """A tiny local package as a wheel, so installing it needs no network and no build."""
    path = directory / "tinypkg-1.0-py3-none-any.whl"
    files = {
        "tinypkg/__init__.py": "VALUE = 'from tinypkg'\n",
        "tinypkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n",
        "tinypkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                       "Tag: py3-none-any\n",
    }
    record = []
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(text)}")
        record.append("tinypkg-1.0.dist-info/RECORD,,")
        wheel.writestr("tinypkg-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def test_requirements_are_installed_once_into_the_cache(service, define, tmp_path):
    wheel = build_wheel(tmp_path)
    handler = {"app.py": """
        import tinypkg
        def handler(event, context):
            return [tinypkg.VALUE, tinypkg.__file__]
    """, "requirements.txt": f"{wheel}\n"}
    define(handler, name="one")
    _, (value, location) = invoke(service, "one")
    assert value == "from tinypkg"
    cache = tmp_path / "data" / "lambda" / "deps"
    assert location.startswith(str(cache))
    installed = list(cache.iterdir())
    assert len(installed) == 1
    marker = installed[0] / ".complete"
    stamp = marker.stat().st_mtime_ns
    define(handler, name="two")  # the same requirements: the same cache entry, not installed again
    _, (_, second_location) = invoke(service, "two")
    assert second_location == location
    assert marker.stat().st_mtime_ns == stamp
    assert list(cache.iterdir()) == installed


def test_requirements_that_cannot_install_leave_an_import_error(service, define, caplog):
    caplog.set_level(logging.WARNING)
    define({"app.py": "import tinypkg\ndef handler(e, c):\n    return 1\n",
            "requirements.txt": "/nonexistent/tinypkg-1.0-py3-none-any.whl\n"})
    result, body = invoke(service)
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert any("requirements.txt" in record.getMessage() for record in caplog.records)


def test_the_runtime_matching_this_interpreter_uses_it(service, define):
    here = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    define(VERSION, runtime=here)
    assert invoke(service)[1] == list(sys.version_info[:2])


@pytest.mark.skipif(_find_python((3, 12)) is None, reason="no local python3.12")
def test_another_python_runtime_runs_on_its_own_interpreter(service, define):
    define(VERSION, runtime="python3.12")
    assert invoke(service)[1] == [3, 12]


def test_a_runtime_without_a_local_interpreter_falls_back_with_a_warning(service, define, caplog):
    caplog.set_level(logging.WARNING)
    define(VERSION, runtime="python3.99")
    assert invoke(service)[1] == list(sys.version_info[:2])
    assert any("python3.99" in record.getMessage() for record in caplog.records)


def test_a_runtime_statewright_cannot_run_is_a_clear_error(service, define):
    define(VERSION, runtime="java21")
    with pytest.raises(AwsError) as raised:
        invoke(service)
    assert raised.value.code == "InvalidRuntimeException"
    assert "java21" in raised.value.message
