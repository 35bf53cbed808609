"""Chaos run: `statewright serve` under load, killed with SIGKILL at random moments and restarted;
then the invariants are checked and the figures printed (`make chaos`).

usage: python bench/chaos.py [--kills N] [--clients N] [--seed N] [--keep]

Everything runs on loopback against a server in a child process with its own temporary data
directory; the load is bounded in count and time. Invariants, for every execution the server
acknowledged (StartExecution answered 200) and every other one it stored:

- nothing acknowledged is lost: the execution exists after the restarts and ends;
- no transition is repeated or skipped: its history has exactly the event types (and its
  output is exactly the output) of the same execution run without interruption in memory;
- histories are gap-free: event ids run 1..n, each event's previousEventId is an earlier id.

Then SIGTERM with runaway loops running: the time until the process exits is printed (the
server must stop within seconds), and what was acknowledged must still be there after it.
Also printed: how long a cheap API call (ListStateMachines) took while the engine was busy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from ports import free_port

from statewright.integrations.runner import run

REPO = Path(__file__).resolve().parents[1]
ROLE = "arn:aws:iam::123456789012:role/chaos"
TIME_SCALE = 0.01  # a Wait of 100 s lasts 1 s
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}

MACHINES: dict[str, dict[str, Any]] = {
    # A counting loop: 21 Choice/Pass turns, no Wait between them.
    "count": {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": {"i": 0}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 10,
                                                 "Next": "Done"}], "Default": "Add"},
        "Add": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"}}},
    "wait": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "Next": "P"},
                                        "P": {"Type": "Pass", "Result": "waited", "End": True}}},
    "map": {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 5, "End": True,
        "ItemProcessor": {"StartAt": "Double", "States": {
            "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True}}}}}},
    # A loop without a Wait: ends at AWS's 25,000-event history quota.
    "runaway": {"StartAt": "Spin", "States": {
        "Spin": {"Type": "Pass", "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "End"}],
                  "Default": "Spin"},
        "End": {"Type": "Succeed"}}},
}
INPUTS: dict[str, Any] = {"count": {}, "wait": {"w": 1}, "map": {"items": list(range(20))}, "runaway": {}}
# How often each machine is started by the load (runaway executions are long: few of them).
WEIGHTS = {"count": 5, "wait": 3, "map": 2, "runaway": 0.15}


def sfn_client(endpoint: str) -> Any:
    return boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="chaos", aws_secret_access_key="chaos",
                        config=Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=30,
                                      max_pool_connections=32))


class Server:
    """`statewright serve` in a child process."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.process: subprocess.Popen[bytes] | None = None
        self.endpoint = f"http://127.0.0.1:{port}"

    def start(self) -> float:
        env = dict(os.environ, STATEWRIGHT_TIME_SCALE=str(TIME_SCALE),
                   PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
        began = time.monotonic()
        with open(self.data_dir.parent / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from statewright.cli import main; main()", "serve",
                 "--port", str(self.port), "--data-dir", str(self.data_dir)], stdout=log, stderr=log, env=env)
        deadline = began + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/health", timeout=1) as answer:
                    if answer.status == 200:
                        return time.monotonic() - began
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the server did not come up; see server.log")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def terminate(self, limit: float = 60.0) -> float:
        """SIGTERM; the seconds until the process exited (SIGKILL after `limit`)."""
        if self.process is None:
            return 0.0
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(limit)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        return time.monotonic() - began


class Load:
    """Client threads starting executions until told to stop; remembers what was acknowledged."""

    def __init__(self, endpoint: str, machines: dict[str, str], clients: int, rng: random.Random) -> None:
        self.endpoint, self.machines, self.clients = endpoint, machines, clients
        self.rng = rng
        self.acknowledged: dict[str, str] = {}  # execution ARN -> machine key
        self.refused = 0
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._counter = 0
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._stop.clear()
        self._threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]
        self._threads.append(threading.Thread(target=self._prober, daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _name(self) -> str:
        with self._lock:
            self._counter += 1
            return f"c{self._counter}"

    def _client(self, number: int) -> None:
        sfn = sfn_client(self.endpoint)
        keys, weights = list(WEIGHTS), list(WEIGHTS.values())
        rng = random.Random(self.rng.random() + number)
        while not self._stop.is_set():
            key = rng.choices(keys, weights)[0]
            try:
                arn = sfn.start_execution(stateMachineArn=self.machines[key], name=self._name(),
                                          input=json.dumps(INPUTS[key]))["executionArn"]
            except Exception:  # noqa: BLE001 - the server is down or was killed mid-request
                with self._lock:
                    self.refused += 1
                time.sleep(0.05)
                continue
            with self._lock:
                self.acknowledged[arn] = key
            time.sleep(rng.uniform(0.0, 0.02))

    def _prober(self) -> None:
        """A cheap API call every 50 ms: how long the API makes a client wait while executions run."""
        sfn = sfn_client(self.endpoint)
        while not self._stop.wait(0.05):
            began = time.monotonic()
            try:
                sfn.list_state_machines(maxResults=10)
            except Exception:  # noqa: BLE001 - down between a kill and its restart
                continue
            self.latencies.append(time.monotonic() - began)


def expected(key: str) -> tuple[list[str], Any, str]:
    """The event types, output and status of an uninterrupted in-memory run of machine `key`."""
    result = run(MACHINES[key], INPUTS[key], record=True)
    return [event["type"] for event in result.events], result.output, result.status


def full_history(sfn: Any, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = None
    while True:
        page = sfn.get_execution_history(executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {}))
        events.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


def await_all(sfn: Any, arns: list[str], timeout: float) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    described: dict[str, dict[str, Any]] = {}
    pending = list(arns)
    while pending and time.monotonic() < deadline:
        still = []
        for arn in pending:
            try:
                description = sfn.describe_execution(executionArn=arn)
            except sfn.exceptions.ExecutionDoesNotExist:
                described[arn] = {"status": "LOST"}
                continue
            if description["status"] in TERMINAL:
                described[arn] = description
            else:
                still.append(arn)
        pending = still
        if pending:
            time.sleep(0.2)
    for arn in pending:
        described[arn] = {"status": "STILL RUNNING"}
    return described


def check(sfn: Any, machines: dict[str, str], acknowledged: dict[str, str], timeout: float) -> dict[str, Any]:
    """Every stored execution (acknowledged or not) against the invariants; the failures found."""
    stored: dict[str, str] = {}
    for key, machine in machines.items():
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine):
            for execution in page["executions"]:
                stored[execution["executionArn"]] = key
    every = {**stored, **acknowledged}
    described = await_all(sfn, list(every), timeout)
    oracle = {key: expected(key) for key in MACHINES}
    failures: list[str] = []
    events_checked = 0
    for arn, key in every.items():
        description = described[arn]
        types, output, status = oracle[key]
        if description["status"] != status:
            failures.append(f"{arn}: {description['status']}, expected {status}"
                            + (" (acknowledged)" if arn in acknowledged else ""))
            continue
        history = full_history(sfn, arn)
        events_checked += len(history)
        ids = [event["id"] for event in history]
        if ids != list(range(1, len(ids) + 1)):
            failures.append(f"{arn}: event ids are not 1..{len(ids)}")
        if any(event.get("previousEventId", 0) >= event["id"] for event in history):
            failures.append(f"{arn}: an event follows a later one")
        if [event["type"] for event in history] != types:
            failures.append(f"{arn}: {len(history)} events, not the {len(types)} of an uninterrupted run")
        if status == "SUCCEEDED" and json.loads(description.get("output") or "null") != output:
            failures.append(f"{arn}: output {description.get('output')!r} differs from {output!r}")
    return {"stored": len(stored), "acknowledged": len(acknowledged),
            "lost": sum(1 for arn in acknowledged if described[arn]["status"] == "LOST"),
            "events_checked": events_checked, "failures": failures}


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6, help="SIGKILLs under load (default 6)")
    parser.add_argument("--clients", type=int, default=4, help="client threads starting executions")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="statewright-chaos-"))
    (folder / "data").mkdir()
    server = Server(folder / "data", free_port())
    restarts: list[float] = []
    try:
        restarts.append(server.start())
        sfn = sfn_client(server.endpoint)
        machines = {key: sfn.create_state_machine(name=f"chaos-{key}", definition=json.dumps(definition),
                                                  roleArn=ROLE)["stateMachineArn"]
                    for key, definition in MACHINES.items()}
        load = Load(server.endpoint, machines, args.clients, rng)
        began = time.monotonic()
        for _ in range(args.kills):
            load.start()
            time.sleep(rng.uniform(0.3, 2.5))
            server.kill()  # mid-request, mid-step, mid-commit: wherever it is
            load.stop()
            restarts.append(server.start())
        load.start()
        time.sleep(1.0)
        load.stop()
        under_load = time.monotonic() - began
        result = check(sfn, machines, load.acknowledged, timeout=120)
        # SIGTERM while runaway loops run: the server must stop within seconds, keeping what it acknowledged.
        runaway = [sfn.start_execution(stateMachineArn=machines["runaway"], name=f"term{n}")["executionArn"]
                   for n in range(3)]
        # Other clients while the runaway loops run: StartExecution goes through the engine's loop.
        starts: list[float] = []
        time.sleep(0.3)
        for n in range(20):
            began_start = time.monotonic()
            arn = sfn.start_execution(stateMachineArn=machines["count"], name=f"beside{n}")["executionArn"]
            starts.append(time.monotonic() - began_start)
            runaway.append(arn)
        stop_seconds = server.terminate()
        restarts.append(server.start())
        beside = {arn: ("count" if ":beside" in arn else "runaway") for arn in runaway}
        after_term = check(sfn, machines, {**load.acknowledged, **beside}, timeout=120)
        sfn.close()
    finally:
        if server.process is not None:
            server.terminate()
    latencies = load.latencies
    figures = {
        "seed": seed, "kills": args.kills, "clients": args.clients, "seconds_under_load": round(under_load, 1),
        "acknowledged": result["acknowledged"], "stored": result["stored"], "refused_while_down": load.refused,
        "lost": result["lost"], "events_checked": result["events_checked"] + after_term["events_checked"],
        "invariant_failures": len(result["failures"]) + len(after_term["failures"]),
        "restart_seconds_max": round(max(restarts), 2),
        "sigterm_exit_seconds": round(stop_seconds, 2),
        "start_ms_beside_3_runaway_loops": {"p50": round(1000 * statistics.median(starts), 1),
                                            "max": round(1000 * max(starts), 1)},
        "api_probe_ms": {"count": len(latencies), "p50": round(1000 * statistics.median(latencies), 1) if latencies else 0,
                         "p99": round(1000 * percentile(latencies, 0.99), 1),
                         "max": round(1000 * max(latencies), 1) if latencies else 0},
    }
    print(json.dumps(figures, indent=2))
    for failure in (result["failures"] + after_term["failures"])[:20]:
        print("FAILED:", failure)
    if args.keep:
        print(f"data kept in {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 1 if figures["invariant_failures"] or figures["lost"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
