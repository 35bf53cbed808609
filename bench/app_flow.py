"""The task app's purchase flow end to end, through the local runtime as `make run` serves it.

`statewright serve --template app/template.yaml` in a child process; `clients` threads each create
purchases under the approval threshold (POST /tasks through the local API Gateway, the Lambda
authorizer, the API function, DynamoDB) and poll GET /tasks/{id} until the workflow (Step
Functions calling the workflow functions, DynamoDB, the payment stub) has made it COMPLETED.
Prints one JSON line: tasks/s and the latency from POST to COMPLETED. Every request is real HTTP;
nothing here asserts on time.

Usage: python bench/app_flow.py [TASKS] [CLIENTS]
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STATEWRIGHT = str(ROOT / ".venv" / "bin" / "statewright")
sys.path.insert(0, str(ROOT / "app" / "layers" / "common" / "python"))

from ports import free_port  # noqa: E402  (bench/ is not a package; a sibling module)
from taskapp import tokens  # noqa: E402  (the app's own token signing, as its authorizer checks it)


def _call(url: str, token: str, method: str = "GET", body: object = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def _api_url(port: int, deadline: float) -> str:
    """The stack's ApiUrl output, once the server answers CloudFormation's DescribeStacks."""
    import boto3  # noqa: PLC0415  (a dependency of the package; imported where used)

    cfn = boto3.client("cloudformation", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="bench", aws_secret_access_key="bench")
    while time.monotonic() < deadline:
        try:
            stack = cfn.describe_stacks(StackName="app")["Stacks"][0]
            return next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "ApiUrl")
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError("the app's stack did not come up within the deadline")


def _purchase(base: str, token: str) -> float:
    """Seconds from POST /tasks to the task reading COMPLETED."""
    started = time.perf_counter()
    status, task = _call(base + "tasks", token, "POST",
                         {"type": "PURCHASE", "amount": "100.00", "currency": "USD", "description": "bench"})
    if status != 201:
        raise RuntimeError(f"POST /tasks answered {status}: {task}")
    while True:
        status, task = _call(base + f"tasks/{task['taskId']}", token)
        if status == 200 and task["status"] == "COMPLETED":
            return time.perf_counter() - started
        if status != 200 or task["status"] in ("FAILED", "CANCELLED", "REJECTED", "EXPIRED"):
            raise RuntimeError(f"task ended {status} {task.get('status')}")
        time.sleep(0.01)


def measure(tasks: int = 200, clients: int = 8) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="statewright-bench-app-"))
    port, secret = free_port(), secrets.token_urlsafe(48)
    process = subprocess.Popen(
        [STATEWRIGHT, "serve", "--template", str(ROOT / "app" / "template.yaml"), "--port", str(port),
         "--data-dir", str(data_dir), "--parameter-overrides", f"JwtSecret={secret}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=os.environ.copy())
    try:
        base = _api_url(port, time.monotonic() + 120)
        now = int(time.time())
        users = [tokens.issue(f"bench{i}", "requester", secret, now, 3600) for i in range(clients)]
        warm = time.perf_counter()
        _purchase(base, users[0])  # cold starts of every function on the path
        cold_s = time.perf_counter() - warm
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        remaining = [tasks]

        def client(token: str) -> None:
            while True:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                try:
                    seconds = _purchase(base, token)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors.append(str(error)[:200])
                    continue
                with lock:
                    latencies.append(seconds)

        threads = [threading.Thread(target=client, args=(token,)) for token in users]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        ordered = sorted(latencies)
        return {"tasks": len(latencies), "failed": len(errors), "clients": clients,
                "tasks_per_s": len(latencies) / elapsed if elapsed else 0.0,
                "p50_ms": 1000 * ordered[len(ordered) // 2] if ordered else None,
                "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else None,
                "first_task_s": cold_s, "errors": errors[:3]}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    parallel = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    print(json.dumps(measure(count, parallel)))
