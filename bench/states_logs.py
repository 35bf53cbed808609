"""Step Functions execution logging: what logging costs an Express execution in the engine, and
how long its sink takes to store the records after the executions are done.

    .venv/bin/python bench/states_logs.py [--executions 2000] [--states 10]

Runs the same Express machine (a chain of Pass states, each setting `$.n`) through the engine
with no loggingConfiguration, then at ERROR (nothing to write), then ALL without and with
execution data; then a machine whose last state fails, without logging, at ERROR and at FATAL;
then Standard executions (stored: bound by the store) without logging and at ERROR.
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from statewright.engine import Clock, Engine, StartSpec
from statewright.integrations.registry import Registry
from statewright.services.logs import LogsService
from statewright.store import SqliteStore

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:bench"
GROUP = "/aws/vendedlogs/states/bench"


def chain(states: int, fail: bool = False) -> str:
    """Pass states in a row; with `fail`, the last one is a Fail state instead."""
    names = [f"S{i}" for i in range(states)]
    body: dict = {name: {"Type": "Pass", "Result": i, "ResultPath": "$.n",
                         **({"Next": names[i + 1]} if i + 1 < states else {"End": True})}
                  for i, name in enumerate(names)}
    if fail:
        body[names[-1]] = {"Type": "Fail", "Error": "Bench.Failed", "Cause": "the last state fails"}
    return json.dumps({"StartAt": names[0], "States": body})


def run(engine: Engine, definition: str, executions: int, logging: dict | None, label: str) -> float:
    started = time.perf_counter()
    for index in range(executions):
        spec = StartSpec(arn=f"arn:aws:states:us-east-1:123456789012:express:bench:{label}-{index}:0",
                         state_machine_arn=MACHINE, state_machine_name="bench", name=f"{label}-{index}",
                         input_text='{"order": 1}', definition_text=definition,
                         role_arn="arn:aws:iam::123456789012:role/r", express=True, logging=logging)
        engine.run_sync(spec).result(30)
    return time.perf_counter() - started


def run_standard(engine: Engine, definition: str, executions: int, logging: dict | None, label: str) -> float:
    """Start `executions` Standard executions at once and wait for them all to end."""
    ended = threading.Semaphore(0)
    started = time.perf_counter()
    for index in range(executions):
        spec = StartSpec(arn=f"arn:aws:states:us-east-1:123456789012:execution:bench:{label}-{index}",
                         state_machine_arn=MACHINE, state_machine_name="bench", name=f"{label}-{index}",
                         input_text='{"order": 1}', definition_text=definition,
                         role_arn="arn:aws:iam::123456789012:role/r", logging=logging)
        engine.start_execution(spec, on_end=lambda outcome: ended.release())
    for _ in range(executions):
        ended.acquire(timeout=60)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--executions", type=int, default=2000)
    parser.add_argument("--states", type=int, default=10)
    args = parser.parse_args()
    definition = chain(args.states)
    with tempfile.TemporaryDirectory() as directory:
        store = SqliteStore(Path(directory) / "data")
        logs = LogsService(Path(directory) / "data")
        engine = Engine(store, Registry(), Clock())
        engine.event_sink = logs.states_sink
        engine.start()
        try:
            logs.handle("CreateLogGroup", {"logGroupName": GROUP}, _context())
            group = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
            destinations = [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}]
            error = {"level": "ERROR", "includeExecutionData": False, "destinations": destinations}
            failing = chain(args.states, fail=True)
            cases = [("no logging", None, definition),
                     ("ERROR (nothing to write)", error, definition),
                     ("ALL, no execution data", {**error, "level": "ALL"}, definition),
                     ("ALL, with execution data", {**error, "level": "ALL", "includeExecutionData": True}, definition),
                     ("no logging, all fail", None, failing),
                     ("ERROR, all fail (2 records)", error, failing),
                     ("FATAL, all fail (1 record)", {**error, "level": "FATAL"}, failing)]
            run(engine, definition, 200, None, "warm")
            for index, (label, logging, machine) in enumerate(cases):
                seconds = run(engine, machine, args.executions, logging, f"c{index}")
                finished = time.perf_counter()
                logs.states_sink.flush().result(300)
                behind = time.perf_counter() - finished
                print(f"{label:<28} {args.executions / seconds:8.0f} executions/s "
                      f"({seconds / args.executions * 1e6:7.1f} µs each, {args.states} states); "
                      f"logs stored {behind * 1000:7.1f} ms after the last one ended")
            for index, (label, logging) in enumerate([("Standard, no logging", None), ("Standard, ERROR", error)]):
                count = max(1, args.executions // 4)
                seconds = run_standard(engine, definition, count, logging, f"s{index}")
                print(f"{label:<28} {count / seconds:8.0f} executions/s "
                      f"({seconds / count * 1e6:7.1f} µs each, {args.states} states, stored)")
            stored = logs.handle("DescribeLogGroups", {"logGroupNamePrefix": GROUP}, _context())["logGroups"][0]
            print(f"records stored: {stored['storedBytes']} bytes; dropped batches: {logs.states_sink.dropped}")
        finally:
            engine.close()
            logs.close()
            store.close()


def _context():
    from statewright.services.common import RequestContext

    return RequestContext()


if __name__ == "__main__":
    main()
