"""Executions/s and transitions/s through the Step Functions API with real boto3 clients.

Not a test: it prints numbers. Starts `statewright serve` on a free port with a fresh data
directory, then for Standard (StartExecution, then DescribeExecution until it ends) and Express
(StartSyncExecution) runs N executions from C client threads.

    .venv/bin/python bench/bench_api.py [--executions 2000] [--clients 16] [--states 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
from botocore.config import Config
from ports import free_port

ROLE = "arn:aws:iam::123456789012:role/bench"


def chain(states: int) -> dict:
    """A chain of Pass states, each writing one field: `states` transitions per execution."""
    names = [f"S{i}" for i in range(states)]
    body = {name: {"Type": "Pass", "Result": i, "ResultPath": f"$.s{i}",
                   **({"Next": names[i + 1]} if i + 1 < states else {"End": True})}
            for i, name in enumerate(names)}
    return {"StartAt": names[0], "States": body}


def make_client(endpoint: str):
    return boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="bench", aws_secret_access_key="bench",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0},
                                      max_pool_connections=4))


def start_server(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", "from statewright.cli import main; main()", "serve",
                                "--port", str(port), "--data-dir", data_dir],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


def run_load(endpoint: str, clients: int, executions: int, one) -> tuple[float, list[float]]:
    """Run `one(client)` `executions` times over `clients` threads; (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [executions]

    def worker() -> None:
        client = make_client(endpoint)
        try:
            while True:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                one(client)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies


def report(label: str, seconds: float, latencies: list[float], transitions: int) -> None:
    count = len(latencies)
    ordered = sorted(latencies)
    p99 = ordered[min(count - 1, int(count * 0.99))]
    print(f"{label:10s} {count / seconds:8.0f} executions/s {count * transitions / seconds:9.0f} transitions/s"
          f"   p50 {statistics.median(ordered) * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  ({count} in {seconds:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--states", type=int, default=3)
    args = parser.parse_args()
    data_dir, port = tempfile.mkdtemp(prefix="statewright-bench-"), free_port()
    server = start_server(data_dir, port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        setup = make_client(endpoint)
        definition = json.dumps(chain(args.states))
        standard = setup.create_state_machine(name="bench-standard", definition=definition, roleArn=ROLE)
        express = setup.create_state_machine(name="bench-express", definition=definition, roleArn=ROLE,
                                              type="EXPRESS")
        setup.close()

        def standard_one(client) -> None:
            arn = client.start_execution(stateMachineArn=standard["stateMachineArn"], input="{}")["executionArn"]
            while client.describe_execution(executionArn=arn)["status"] == "RUNNING":
                time.sleep(0.002)

        def express_one(client) -> None:
            if client.start_sync_execution(stateMachineArn=express["stateMachineArn"], input="{}")["status"] != "SUCCEEDED":
                raise RuntimeError("an Express execution did not succeed")

        print(f"{args.executions} executions of a {args.states}-state Pass chain, {args.clients} boto3 clients")
        for label, one in (("Standard", standard_one), ("Express", express_one)):
            run_load(endpoint, args.clients, min(200, args.executions), one)  # warm up
            seconds, latencies = run_load(endpoint, args.clients, args.executions, one)
            report(label, seconds, latencies, args.states)
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
