"""From a function's `Runtime` to the command that starts its worker: the local interpreter
that matches it, the runtime interface client for it, and the function's `requirements.txt`
installed once into a cache under the data directory (keyed by content and interpreter)."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .types import FunctionConfig

log = logging.getLogger(__name__)

NODE_BOOTSTRAP = Path(__file__).with_name("bootstrap.mjs")
_PYTHON = re.compile(r"^python(\d+)\.(\d+)$")
_NODE = re.compile(r"^nodejs(\d+)\.x$")


class RuntimeUnavailable(Exception):
    """No local way to run this runtime (for example `nodejs20.x` without `node`)."""


@dataclass(frozen=True)
class Launch:
    """How to start a worker: the command and the search paths it needs."""

    argv: tuple[str, ...]
    paths: tuple[str, ...]  # PYTHONPATH or NODE_PATH entries, in order
    path_variable: str  # "PYTHONPATH" or "NODE_PATH"
    execution_env: str  # AWS_EXECUTION_ENV, as Lambda sets it


class Runtimes:
    """Finds interpreters and prepares dependency caches under `<data_dir>/lambda/`. Thread-safe:
    the first invocation of each function may arrive on several threads at once."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._interpreters: dict[str, str | None] = {}
        self._warned: set[str] = set()

    def launch(self, config: FunctionConfig) -> Launch:
        python = _PYTHON.match(config.runtime)
        if python:
            return self._python(config, (int(python.group(1)), int(python.group(2))))
        node = _NODE.match(config.runtime)
        if node:
            return self._node(config, int(node.group(1)))
        raise RuntimeUnavailable(f"Statewright cannot run the runtime '{config.runtime}' locally: "
                                 "python3.x and nodejs20.x or later are supported")

    # --- Python ----------------------------------------------------------------------------------

    def _python(self, config: FunctionConfig, version: tuple[int, int]) -> Launch:
        interpreter = self.interpreter(version)
        paths = [config.code_dir]
        with self._lock:
            requirements = Path(config.code_dir, "requirements.txt")
            if requirements.is_file():
                deps = self._requirements(interpreter, requirements)
                if deps:
                    paths.append(deps)
            for layer in config.layers:
                paths.append(os.path.join(layer, "python"))
                paths.append(os.path.join(layer, "python", "lib", f"python{version[0]}.{version[1]}",
                                          "site-packages"))
            if interpreter != sys.executable:
                client = self._runtime_client(interpreter, version)
                if client is None:
                    interpreter = sys.executable
                else:
                    paths.append(client)
        command: tuple[str, ...] = (interpreter, "-m", "awslambdaric", config.handler)
        if config.debug_port is not None:
            # debugpy (installed where the interpreter finds it) runs the runtime client, so a
            # debugger attached to the port stops at breakpoints and `breakpoint()` in handlers.
            command = (interpreter, "-m", "debugpy", "--listen", f"127.0.0.1:{config.debug_port}", *command[1:])
        return Launch(command, tuple(paths), "PYTHONPATH", f"AWS_Lambda_python{version[0]}.{version[1]}")

    def interpreter(self, version: tuple[int, int]) -> str:
        """The local interpreter for `pythonX.Y`: this one, one on PATH, or one pyenv installed;
        this one (with a warning, once) when none matches."""
        key = f"{version[0]}.{version[1]}"
        with self._lock:
            if key not in self._interpreters:
                self._interpreters[key] = _find_python(version)
            found = self._interpreters[key]
            if found is None:
                if key not in self._warned:
                    self._warned.add(key)
                    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
                    log.warning("No local python%s found for Lambda runtime python%s: using python%s",
                                key, key, here)
                return sys.executable
            return found

    def _runtime_client(self, interpreter: str, version: tuple[int, int]) -> str | None:
        """A directory holding awslambdaric (and boto3, as Lambda's runtimes have) built for
        another interpreter, installed once; None (and a warning) if it cannot be installed."""
        target = self.cache_dir / "runtimes" / f"python{version[0]}.{version[1]}"
        if (target / ".complete").exists():
            return str(target)
        ok = _pip_install(interpreter, ["awslambdaric", "boto3"], target, cwd=None)
        if not ok:
            log.warning("Could not install awslambdaric for %s: using this interpreter instead",
                        interpreter)
            return None
        return str(target)

    def _requirements(self, interpreter: str, requirements: Path) -> str | None:
        content = requirements.read_bytes()
        digest = hashlib.sha256(content + interpreter.encode()).hexdigest()[:24]
        target = self.cache_dir / "deps" / digest
        if (target / ".complete").exists():
            return str(target)
        if not _pip_install(interpreter, ["-r", str(requirements)], target, cwd=str(requirements.parent)):
            log.warning("Installing %s failed; the function runs without it", requirements)
            return None
        return str(target)

    # --- Node.js ---------------------------------------------------------------------------------

    def _node(self, config: FunctionConfig, major: int) -> Launch:
        node = shutil.which("node")
        if node is None:
            raise RuntimeUnavailable(f"The runtime '{config.runtime}' needs Node.js, and 'node' is not "
                                     "installed on this machine")
        paths = [os.path.join(layer, "nodejs", "node_modules") for layer in config.layers]
        return Launch((node, str(NODE_BOOTSTRAP)), tuple(paths), "NODE_PATH", f"AWS_Lambda_nodejs{major}.x")


def _find_python(version: tuple[int, int]) -> str | None:
    if sys.version_info[:2] == version:
        return sys.executable
    name = f"python{version[0]}.{version[1]}"
    candidates = [shutil.which(name)]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version[0]}.{version[1]}.*",
                                                "bin", name)), reverse=True)
    for candidate in candidates:
        if candidate and _reports_version(candidate, version):
            return candidate
    return None


def _reports_version(executable: str, version: tuple[int, int]) -> bool:
    try:
        result = subprocess.run([executable, "-c", "import sys; print(sys.version_info[:2])"],
                                capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == str(version)


def _pip_install(interpreter: str, args: list[str], target: Path, cwd: str | None) -> bool:
    """`pip install --target` into a fresh directory, moved into place only when complete."""
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = [interpreter, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-input", "--target", str(staging), *args]
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        log.warning("pip failed: %s", e)
        return False
    if result.returncode != 0:
        log.warning("pip install %s failed: %s", " ".join(args), result.stderr.strip()[-2000:])
        shutil.rmtree(staging, ignore_errors=True)
        return False
    (staging / ".complete").write_text("")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return True
