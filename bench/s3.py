"""S3 throughput: PUT/GET MB/s for 1 MB and 100 MB objects and small-object ops/s through
boto3, against Statewright's S3 front in its own process, next to the disk's own write speed
(the physical limit for durable PUTs) and, when installed (`bench/install_peers.sh`), moto's
server measured in the same run.

usage: .venv/bin/python bench/s3.py [--large-mb 100] [--large-count 3] [--small-count 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config
from ports import free_port

MiB = 1024 * 1024
REPO = Path(__file__).resolve().parents[1]
MOTO = REPO / "bench" / ".peers" / "venv" / "bin" / "moto_server"
SERVER = """
import sys, uvicorn
from pathlib import Path
from statewright.services.s3 import S3Service
from statewright.services.s3.wire import S3Front
uvicorn.run(S3Front(S3Service(Path(sys.argv[1]))), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", lifespan="off")
"""


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no server on port {port}")


def disk_write_mb_s(directory: Path, total_mb: int = 256) -> float:
    """Sequential 1 MiB writes then one fsync: what durable storage here can take at best."""
    chunk = os.urandom(MiB)
    path = directory / "disk-probe.bin"
    start = time.perf_counter()
    with open(path, "wb") as out:
        for _ in range(total_mb):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    elapsed = time.perf_counter() - start
    path.unlink()
    return total_mb / elapsed


def fsyncs_per_s(directory: Path, count: int = 200) -> float:
    """Small writes each made durable (write + fsync): the limit for small durable PUTs, which
    pay this three times (object file, directory, catalog commit)."""
    path = directory / "fsync-probe.bin"
    start = time.perf_counter()
    with open(path, "wb") as out:
        for _ in range(count):
            out.write(b"x" * 1024)
            out.flush()
            os.fsync(out.fileno())
    elapsed = time.perf_counter() - start
    path.unlink()
    return count / elapsed


def client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0},
                                      read_timeout=300, max_pool_connections=4))


def throughput(s3, bucket: str, size: int, count: int) -> dict[str, float]:
    body = os.urandom(size)
    start = time.perf_counter()
    for n in range(count):
        s3.put_object(Bucket=bucket, Key=f"obj-{size}-{n}", Body=body)
    put = time.perf_counter() - start
    start = time.perf_counter()
    for n in range(count):
        got = s3.get_object(Bucket=bucket, Key=f"obj-{size}-{n}")["Body"]
        for _ in got.iter_chunks(MiB):
            pass
    get = time.perf_counter() - start
    megabytes = size * count / MiB
    return {"put_mb_s": megabytes / put, "get_mb_s": megabytes / get}


def small_ops(s3, bucket: str, count: int) -> dict[str, float]:
    body = b"x" * 1024
    results = {}
    for name, call in (("put", lambda n: s3.put_object(Bucket=bucket, Key=f"small/{n}", Body=body)),
                       ("get", lambda n: s3.get_object(Bucket=bucket, Key=f"small/{n}")["Body"].read()),
                       ("head", lambda n: s3.head_object(Bucket=bucket, Key=f"small/{n}"))):
        start = time.perf_counter()
        for n in range(count):
            call(n)
        results[f"{name}_ops_s"] = count / (time.perf_counter() - start)
    return results


def measure(endpoint: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    s3 = client(endpoint)
    bucket = "bench"
    s3.create_bucket(Bucket=bucket)
    results = {"1 MB": throughput(s3, bucket, MiB, 50),
               f"{args.large_mb} MB": throughput(s3, bucket, args.large_mb * MiB, args.large_count),
               "1 KB objects": small_ops(s3, bucket, args.small_count)}
    s3.close()
    return results


def run_server(command: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-mb", type=int, default=100)
    parser.add_argument("--large-count", type=int, default=3)
    parser.add_argument("--small-count", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(dir=REPO) as data:
        report["disk_write_mb_s"] = disk_write_mb_s(Path(data))
        report["disk_fsyncs_s"] = fsyncs_per_s(Path(data))
        port = free_port()
        server = run_server([sys.executable, "-c", SERVER, data, str(port)], port)
        try:
            report["statewright"] = measure(f"http://127.0.0.1:{port}", args)
        finally:
            server.kill()
            server.wait()
    if MOTO.exists():
        port = free_port()
        server = run_server([str(MOTO), "-p", str(port)], port)
        try:
            report["moto"] = measure(f"http://127.0.0.1:{port}", args)
        finally:
            server.kill()
            server.wait()
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"disk sequential write + fsync: {report['disk_write_mb_s']:.0f} MB/s (the limit for large durable PUTs)")
    print(f"disk 1 KB write + fsync: {report['disk_fsyncs_s']:.0f}/s (small durable PUTs need three)")
    for peer in ("statewright", "moto"):
        if peer not in report:
            print(f"{peer}: not installed (bench/install_peers.sh)")
            continue
        for workload, numbers in report[peer].items():  # type: ignore[attr-defined]
            shown = ", ".join(f"{k} {v:,.1f}" for k, v in numbers.items())
            print(f"{peer:12} {workload:14} {shown}")


if __name__ == "__main__":
    main()
