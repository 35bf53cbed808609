"""Local Lambda: warm invocation latency (p50/p99) and invocations/s, cold start, against the
in-process floor (calling the handler as a plain Python function).

    .venv/bin/python bench/lambda_invoke.py            # through LambdaService.handle("Invoke")
    .venv/bin/python bench/lambda_invoke.py --endpoint http://127.0.0.1:4590
                                                       # through boto3 and a running server
                                                       # (needs a function named BenchEcho)

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

HANDLER = "def handler(event, context):\n    return event\n"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(label: str, samples: list[float]) -> None:
    print(f"{label:<44} p50 {percentile(samples, 0.5) * 1000:8.3f} ms   p99 "
          f"{percentile(samples, 0.99) * 1000:8.3f} ms   ({len(samples)} samples)")


def floor(code_dir: Path, count: int) -> None:
    spec = importlib.util.spec_from_file_location("bench_app", code_dir / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        json.loads(json.dumps(module.handler(json.loads(b'{"n": 1}'), None)))
        samples.append(time.perf_counter() - started)
    report("in-process floor (call + JSON round trip)", samples)


def local(code_dir: Path, data_dir: Path, count: int, threads: int) -> None:
    from statewright.services.awslambda import FunctionConfig, LambdaService
    from statewright.services.common import RequestContext

    service = LambdaService(data_dir, "http://127.0.0.1:4590")
    context = RequestContext()
    try:
        config = FunctionConfig("BenchEcho", "app.handler", f"python{sys.version_info[0]}.{sys.version_info[1]}",
                                str(code_dir))
        cold = []
        for _ in range(10):
            service.put_function(config)  # a new definition: its next invocation starts a worker
            started = time.perf_counter()
            service.handle("Invoke", {"FunctionName": "BenchEcho", "Payload": b"{}"}, context)
            cold.append(time.perf_counter() - started)
        report("cold start (spawn + init + invoke)", cold)

        def call() -> None:
            service.handle("Invoke", {"FunctionName": "BenchEcho", "Payload": b'{"n": 1}'}, context)

        for _ in range(200):
            call()
        warm = []
        for _ in range(count):
            started = time.perf_counter()
            call()
            warm.append(time.perf_counter() - started)
        report("warm Invoke via LambdaService.handle", warm)
        print(f"{'  sequential invocations/s':<44} {len(warm) / sum(warm):10.0f}")
        throughput(call, threads, count)
    finally:
        service.close()


def throughput(call, threads: int, count: int) -> None:
    per_thread = max(1, count // threads)

    def run() -> None:
        for _ in range(per_thread):
            call()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    print(f"{f'  {threads} threads, invocations/s':<44} {per_thread * threads / elapsed:10.0f}")


def remote(endpoint: str, count: int, threads: int) -> None:
    import boto3

    client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")

    def call() -> None:
        client.invoke(FunctionName="BenchEcho", Payload=b'{"n": 1}')["Payload"].read()

    for _ in range(100):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    report(f"warm Invoke via boto3 -> {endpoint}", samples)
    throughput(call, threads, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--endpoint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        code_dir = Path(scratch, "code")
        code_dir.mkdir()
        (code_dir / "app.py").write_text(HANDLER)
        floor(code_dir, args.count)
        if args.endpoint:
            remote(args.endpoint, args.count, args.threads)
        else:
            local(code_dir, Path(scratch, "data"), args.count, args.threads)


if __name__ == "__main__":
    main()
