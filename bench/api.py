"""API workloads against a real `statewright serve` process (loopback only, bounded in time).

Each workload starts its own server on a free port with a fresh data directory, so one cannot
warm or slow another. The load runs in this process with the raw client in awsjson.py; its CPU
shares the 2 cores with the server, which is what a user's test suite on one machine does too.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from awsjson import CallFailed, Connection

HERE = Path(__file__).resolve().parent
STATEWRIGHT = str(HERE.parent / ".venv" / "bin" / "statewright")
ROLE = "arn:aws:iam::123456789012:role/bench"
THREE_STATES = {"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.a", "Next": "B"},
    "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd(1, 2)"}, "ResultPath": "$.b",
          "Next": "C"},
    "C": {"Type": "Succeed"}}}
POLL_S = 0.005  # a client's DescribeExecution interval while it waits for SUCCEEDED


class Server:
    """A `statewright serve` subprocess that can be killed -9 and restarted on the same data."""

    def __init__(self, env: dict[str, str] | None = None, prefix: list[str] | None = None) -> None:
        self.env = env
        self.prefix = prefix or []  # e.g. a profiler's command line, which then runs the server
        self.data_dir = Path(tempfile.mkdtemp(prefix="statewright-bench-"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start and return the seconds until the API answers."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [*self.prefix, STATEWRIGHT, "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, **self.env} if self.env else None)
        while time.perf_counter() - started < 60:
            try:
                asyncio.run(_call_once(self.port, "ListStateMachines", {}))
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("statewright serve did not answer within 60 s")

    def rss_mb(self) -> float:
        """Resident memory of the server and its children, from /proc (no extra dependency)."""
        assert self.process is not None
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total_kb = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        return total_kb / 1024

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used: shows whether it is GIL-bound."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.prefix and self.process is not None and self.process.poll() is None:
            # A profiler writes its output on SIGINT; the server it ran is then stopped by pid.
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = [int(p) for p in children.read_text().split()] if children.exists() else []
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()
        shutil.rmtree(self.data_dir, ignore_errors=True)


async def _call_once(port: int, action: str, body: dict[str, Any]) -> dict[str, Any]:
    connection = Connection("127.0.0.1", port)
    try:
        return await connection.call(action, body)
    finally:
        await connection.close()


def _create(port: int, definition: dict, kind: str = "STANDARD") -> str:
    answer = asyncio.run(_call_once(port, "CreateStateMachine", {
        "name": f"bench-{uuid.uuid4().hex[:8]}", "definition": json.dumps(definition),
        "roleArn": ROLE, "type": kind}))
    return str(answer["stateMachineArn"])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _standard_load(port: int, machine: str, clients: int, total: int,
                         deadline_s: float) -> dict:
    """`clients` loops of StartExecution then DescribeExecution until it ends."""
    latencies: list[float] = []
    failures: list[str] = []
    remaining = [total]
    stop_at = time.perf_counter() + deadline_s

    async def client() -> None:
        connection = Connection("127.0.0.1", port)
        while remaining[0] > 0 and time.perf_counter() < stop_at:
            remaining[0] -= 1
            began = time.perf_counter()
            arn = (await connection.call("StartExecution", {
                "stateMachineArn": machine, "input": "{}"}))["executionArn"]
            while True:
                described = await connection.call("DescribeExecution", {"executionArn": arn})
                if described["status"] != "RUNNING":
                    break
                await asyncio.sleep(POLL_S)
            if described["status"] == "SUCCEEDED":
                latencies.append(time.perf_counter() - began)
            else:
                failures.append(described["status"])
        await connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    return {"executions": len(latencies), "failures": len(failures), "elapsed_s": elapsed,
            "executions_per_s": len(latencies) / elapsed,
            "p50_ms": _percentile(latencies, 0.5) * 1e3 if latencies else None,
            "p99_ms": _percentile(latencies, 0.99) * 1e3 if latencies else None}


async def _sync_load(port: int, machine: str, calls: int, input_text: str) -> dict:
    """One client, StartSyncExecution back to back: latency as a test suite sees it."""
    connection = Connection("127.0.0.1", port)
    latencies = []
    statuses = set()
    began = time.perf_counter()
    for _ in range(calls):
        started = time.perf_counter()
        answer = await connection.call("StartSyncExecution", {
            "stateMachineArn": machine, "input": input_text})
        latencies.append(time.perf_counter() - started)
        statuses.add(answer["status"])
    elapsed = time.perf_counter() - began
    await connection.close()
    return {"calls": calls, "statuses": sorted(statuses), "elapsed_s": elapsed,
            "executions_per_s": calls / elapsed,
            "p50_ms": statistics.median(latencies) * 1e3,
            "p99_ms": _percentile(latencies, 0.99) * 1e3}


async def _floor_ms(port: int, calls: int) -> float:
    """p50 of a call the server answers with an error at once: the HTTP round trip alone."""
    connection = Connection("127.0.0.1", port)
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        try:
            await connection.call("NoSuchAction", {})
        except CallFailed:
            pass
        latencies.append(time.perf_counter() - started)
    await connection.close()
    return statistics.median(latencies) * 1e3


def standard_three_states() -> dict:
    server = Server()
    try:
        server.start()
        machine = _create(server.port, THREE_STATES)
        asyncio.run(_standard_load(server.port, machine, 32, 200, 30))  # warm-up
        cpu_before = server.cpu_s()
        result = asyncio.run(_standard_load(server.port, machine, 32, 3000, 60))
        # Above ~0.95 the server is using one core flat out: one interpreter, so the GIL binds.
        result["server_cores_busy"] = (server.cpu_s() - cpu_before) / result["elapsed_s"]
        result["server_cpu_ms_per_execution"] = (
            (server.cpu_s() - cpu_before) * 1e3 / max(1, result["executions"]))
        return result
    finally:
        server.stop()


def express_sync(workloads: dict[str, tuple[dict, str, int]]) -> dict:
    """Latency of the 3-state workflow, and transitions/s of the in-process workloads via API."""
    server = Server()
    results: dict[str, Any] = {}
    try:
        server.start()
        machine = _create(server.port, THREE_STATES, "EXPRESS")
        asyncio.run(_sync_load(server.port, machine, 200, "{}"))  # warm-up
        # Alternate the 3-state machine with the floor: a request the server refuses at once
        # (an unknown action), i.e. one HTTP round trip through the same protocol layer.
        three, floor = [], []
        for _ in range(4):
            three.append(asyncio.run(_sync_load(server.port, machine, 500, "{}")))
            floor.append(asyncio.run(_floor_ms(server.port, 500)))
        results["three_states"] = sorted(three, key=lambda load: load["p50_ms"])[len(three) // 2]
        results["three_states"]["floor_p50_ms"] = statistics.median(floor)
        for name, (definition, input_text, transitions) in workloads.items():
            machine = _create(server.port, definition, "EXPRESS")
            asyncio.run(_sync_load(server.port, machine, 5, input_text))
            load = asyncio.run(_sync_load(server.port, machine, 100, input_text))
            load["transitions_per_s"] = load["executions_per_s"] * transitions
            results[name] = load
    finally:
        server.stop()
    return results


async def _start_many(port: int, machine: str, inputs: list[str], clients: int = 32) -> float:
    queue = list(reversed(inputs))

    async def client() -> None:
        connection = Connection("127.0.0.1", port)
        while queue:
            await connection.call("StartExecution", {"stateMachineArn": machine,
                                                     "input": queue.pop()})
        await connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - began


async def _count(port: int, machine: str, status: str, above: int | None = None) -> int:
    """Executions in `status`; with `above`, stops paging once the count exceeds it (cheap poll)."""
    connection = Connection("127.0.0.1", port)
    count, token = 0, None
    while above is None or count <= above:
        body: dict[str, Any] = {"stateMachineArn": machine, "statusFilter": status,
                                "maxResults": 1000}
        if token:
            body["nextToken"] = token
        page = await connection.call("ListExecutions", body)
        count += len(page["executions"])
        token = page.get("nextToken")
        if not token:
            break
    await connection.close()
    return count


async def _answer_ms(port: int, machine: str, calls: int = 50) -> float:
    connection = Connection("127.0.0.1", port)
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        await connection.call("DescribeStateMachine", {"stateMachineArn": machine})
        latencies.append(time.perf_counter() - started)
    await connection.close()
    return statistics.median(latencies) * 1e3


def open_waits_and_restart(count: int = 10_000, env: dict[str, str] | None = None,
                           restart_prefix: list[str] | None = None) -> dict:
    """10,000 executions in a Wait: RSS and responsiveness; then kill -9 and time the resume.

    The Wait ends at a timestamp chosen to fall after all starts and the memory reading, so that
    after the kill every timer is overdue: "resumed" then means recovered and run to SUCCEEDED,
    which is observable from outside (a restart that merely answers HTTP is not enough).
    `env` is added to the server's environment (both processes); `restart_prefix` runs the
    restarted process under another command (a profiler: bench/restart_ab.py --profile).
    """
    definition = {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "TimestampPath": "$.until", "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    server = Server(env)
    result: dict[str, Any] = {"executions": count}
    try:
        server.start()
        baseline = server.rss_mb()
        machine = _create(server.port, definition)
        pilot_s = asyncio.run(_start_many(server.port, machine, [_until(3600)] * 300))
        start_estimate = pilot_s / 300 * count
        wake_at = time.time() + 1.5 * start_estimate + 20
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(wake_at))
        inputs = [json.dumps({"until": until})] * count
        result["start_s"] = asyncio.run(_start_many(server.port, machine, inputs))
        result["start_per_s"] = count / result["start_s"]
        time.sleep(2)  # let the writer settle so RSS is the steady state, not a burst
        result["rss_baseline_mb"] = baseline
        result["rss_mb"] = server.rss_mb()
        result["answer_ms_p50"] = asyncio.run(_answer_ms(server.port, machine))
        result["running_before_kill"] = asyncio.run(_count(server.port, machine, "RUNNING"))
        server.kill9()
        time.sleep(max(0.0, wake_at - time.time() + 1))
        server.prefix = restart_prefix or []
        result["restart_answer_s"] = server.start()
        began = time.perf_counter() - result["restart_answer_s"]
        # Poll RUNNING one page at a time: counting 10,000 SUCCEEDED each poll would itself
        # load the server it measures. Done when only the pilot's hour-long waits remain.
        while time.perf_counter() - began < 120:
            if asyncio.run(_count(server.port, machine, "RUNNING", above=300)) <= 300:
                break
            time.sleep(0.1)
        result["resume_all_s"] = time.perf_counter() - began
        result["resumed"] = asyncio.run(_count(server.port, machine, "SUCCEEDED"))
        return result
    finally:
        server.stop()


def _until(seconds: float) -> str:
    return json.dumps({"until": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                              time.gmtime(time.time() + seconds))})


# A Standard execution's history ends at AWS's quota of 25,000 events, and an inline Map writes
# four per item (MapIterationStarted, PassStateEntered, PassStateExited, MapIterationSucceeded):
# 10,000 items would fail there, as on AWS, so the Standard run maps 5,000.
MAP_EXPRESS_ITEMS, MAP_STANDARD_ITEMS = 10_000, 5_000


def map_inline() -> dict:
    """An inline Map: 10,000 items Express (sync API), 5,000 Standard (durable, start→end)."""
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Double",
            "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}}},
        "ResultSelector": {"n.$": "States.ArrayLength($)"}, "End": True}}}
    server = Server()
    result: dict[str, Any] = {"express_items": MAP_EXPRESS_ITEMS, "standard_items": MAP_STANDARD_ITEMS}
    try:
        server.start()
        express = _create(server.port, definition, "EXPRESS")
        sync = asyncio.run(_sync_load(server.port, express, 3,
                                      json.dumps({"items": list(range(MAP_EXPRESS_ITEMS))})))
        result["express_s"] = sync["p50_ms"] / 1e3
        result["express_statuses"] = sync["statuses"]
        standard = _create(server.port, definition)
        input_text = json.dumps({"items": list(range(MAP_STANDARD_ITEMS))})
        timings = []
        for _ in range(2):
            timings.append(asyncio.run(_one_standard(server.port, standard, input_text)))
        result["standard_s"] = min(t for t, _ in timings)
        result["standard_status"] = timings[-1][1]
    finally:
        server.stop()
    return result


async def _one_standard(port: int, machine: str, input_text: str) -> tuple[float, str]:
    connection = Connection("127.0.0.1", port)
    began = time.perf_counter()
    arn = (await connection.call("StartExecution", {"stateMachineArn": machine,
                                                    "input": input_text}))["executionArn"]
    while time.perf_counter() - began < 120:
        described = await connection.call("DescribeExecution", {"executionArn": arn})
        if described["status"] != "RUNNING":
            break
        await asyncio.sleep(POLL_S)
    await connection.close()
    return time.perf_counter() - began, described["status"]


def _guard(name: str, measure: Any, *args: Any) -> dict:
    """A server bug must not lose the other measurements: it is reported instead."""
    print(f"  API: {name} …", flush=True)
    try:
        return measure(*args)  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - any failure is a result to report
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def task_overhead() -> dict:
    """What a Task state with a warm handler adds: StartSyncExecution p50 of a one-Task machine
    minus that of a one-Pass machine, both Express, same server, alternating."""
    server = Server({"STATEWRIGHT_INTEGRATIONS": "bench_integrations:register",
                     "PYTHONPATH": str(HERE)})
    try:
        server.start()
        task = _create(server.port, {"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo",
            "End": True}}}, "EXPRESS")
        plain = _create(server.port, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                        "EXPRESS")
        samples: dict[str, list[float]] = {"task": [], "pass": []}
        for machine in (task, plain):
            asyncio.run(_sync_load(server.port, machine, 100, '{"x": 1}'))  # warm-up
        for _ in range(5):
            for key, machine in (("task", task), ("pass", plain)):
                load = asyncio.run(_sync_load(server.port, machine, 300, '{"x": 1}'))
                if load["statuses"] != ["SUCCEEDED"]:
                    raise RuntimeError(f"{key} machine ended {load['statuses']}")
                samples[key].append(load["p50_ms"])
        task_ms, pass_ms = statistics.median(samples["task"]), statistics.median(samples["pass"])
        return {"task_p50_ms": task_ms, "pass_p50_ms": pass_ms, "added_p50_ms": task_ms - pass_ms}
    finally:
        server.stop()


def measure_all(transitions: dict[str, int]) -> dict:
    workloads = {}
    for name in ("pass_chain", "choice_loop"):
        definition = json.loads((HERE / "workloads" / f"{name}.asl.json").read_text())
        input_file = HERE / "workloads" / f"{name}.input.json"
        input_text = input_file.read_text().strip() if input_file.exists() else "{}"
        workloads[name] = (definition, input_text, transitions[name])
    return {
        "standard": _guard("Standard 3-state, 32 clients", standard_three_states),
        "express": _guard("Express StartSyncExecution", express_sync, workloads),
        "map_inline": _guard("inline Map (10,000 items Express, 5,000 Standard)", map_inline),
        "open_waits": _guard("10,000 open Waits, kill -9, restart", open_waits_and_restart),
        "task_overhead": _guard("Task with a warm handler", task_overhead),
        "server": os.environ.get("STATEWRIGHT_BENCH_SERVER", "statewright serve (uvicorn)"),
    }
