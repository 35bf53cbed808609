"""Runs one definition through moto's Step Functions API and prints JSON timings.

usage: bench/.peers/venv/bin/python bench/peer_moto.py DEFINITION.json INPUT_JSON RUNS ROUNDS

Runs in the moto venv (never the product's). Starts `moto_server` as its own process on a free
loopback port, so the server's interpreter threads do not share a GIL with this client's
polling; switches execution on through moto's config API; then runs executions one after
another (StartExecution, poll DescribeExecution until it ends: moto has no StartSyncExecution).
Prints {"cold_s", "rounds_s", "output", "status"} like the other drivers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from ports import free_port

POLL_S = 0.002  # short enough not to dominate a ~100 ms execution


def start_server(port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen([str(exe), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            # moto's documented switch for running state machines instead of faking them.
            body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/config",
                                             data=body, method="POST")
            urllib.request.urlopen(request, timeout=2).read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto_server did not start")


def run_one(client: object, machine_arn: str, input_text: str) -> dict:
    # moto's executing backend names every unnamed execution "None", so the second clashes.
    arn = client.start_execution(stateMachineArn=machine_arn, name=uuid.uuid4().hex,  # type: ignore[attr-defined]
                                 input=input_text)["executionArn"]
    while True:
        described = client.describe_execution(executionArn=arn)  # type: ignore[attr-defined]
        if described["status"] != "RUNNING":
            return described
        time.sleep(POLL_S)


def main(argv: list[str]) -> None:
    definition_file, input_text, runs_text, rounds_text = argv[:4]
    runs, rounds = int(runs_text), int(rounds_text)
    port = free_port()
    server = start_server(port)
    try:
        client = boto3.client("stepfunctions", endpoint_url=f"http://127.0.0.1:{port}",
                              region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing",
                              config=Config(retries={"max_attempts": 1}))
        started = time.perf_counter()
        machine_arn = client.create_state_machine(
            name="bench", definition=Path(definition_file).read_text(),
            roleArn="arn:aws:iam::123456789012:role/bench")["stateMachineArn"]
        described = run_one(client, machine_arn, input_text or "{}")
        cold_s = time.perf_counter() - started
        rounds_s = []
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(runs):
                described = run_one(client, machine_arn, input_text or "{}")
            rounds_s.append(time.perf_counter() - started)
        output = json.loads(described["output"]) if "output" in described else None
        print(json.dumps({"cold_s": cold_s, "rounds_s": rounds_s, "output": output,
                          "status": described["status"],
                          "error": described.get("error"), "cause": described.get("cause")}))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    main(sys.argv[1:])
