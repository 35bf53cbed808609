"""The S3 wire front under uvicorn, for tests: in a thread, or as `python -m` in a subprocess
(which a crash test may SIGKILL). The lead will switch these fixtures to the real server."""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import boto3
import uvicorn
from botocore.config import Config

from statewright.services.s3 import S3Service
from statewright.services.s3.wire import S3Front


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def s3_client(endpoint: str, style: str = "path", **config: object):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": style}, retries={"max_attempts": 0},
                                      read_timeout=120, **config))


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class ThreadS3:
    def __init__(self, data_dir: Path, **front: object) -> None:
        self.service = S3Service(data_dir / "s3")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        app = S3Front(self.service, **front)  # type: ignore[arg-type]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadS3:
        self.thread.start()
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.service.close()


def main() -> None:
    data_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    service = S3Service(data_dir / "s3")
    uvicorn.run(S3Front(service), host="127.0.0.1", port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
