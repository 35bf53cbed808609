"""Run the real server for tests: in a thread (fast) or in a subprocess (to kill -9 it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import boto3
import uvicorn
from botocore.config import Config

from statewright.edge import create_app
from statewright.edge.framing import http_protocol
from statewright.runtime import Runtime, RuntimeConfig

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client(endpoint: str, service: str = "stepfunctions", region: str = "us-east-1"):
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0},
                                      read_timeout=120))


def wait_until_up(endpoint: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{endpoint}/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server at {endpoint} did not come up")


class ThreadServer:
    """The app under uvicorn in a background thread of the test process."""

    def __init__(self, config: RuntimeConfig) -> None:
        self.config = config
        settings = config.settings
        self.runtime = Runtime(config)
        self.server = uvicorn.Server(uvicorn.Config(create_app(self.runtime), host=settings.host, port=settings.port,
                                                    log_level="warning", lifespan="on", http=http_protocol()))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def endpoint(self) -> str:
        return self.config.settings.endpoint

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        wait_until_up(self.endpoint)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


class ProcessServer:
    """`statewright serve` in a child process, which a test may SIGKILL and start again."""

    def __init__(self, data_dir: Path, port: int, time_scale: float = 0.001,
                 integrations: str = "", log_path: Path | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.port = port
        self.time_scale = time_scale
        self.integrations = integrations
        self.log_path = log_path or data_dir / "server.log"
        self.extra_args = extra_args  # more `statewright serve` options (--template ...)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, STATEWRIGHT_TIME_SCALE=str(self.time_scale),
                   STATEWRIGHT_INTEGRATIONS=self.integrations,
                   PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from statewright.cli import main; main()", "serve", "--port", str(self.port),
                 "--data-dir", str(self.data_dir), *self.extra_args], stdout=log, stderr=log, env=env)
        wait_until_up(self.endpoint)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
