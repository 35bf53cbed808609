"""The store writer's CPU cost per Standard execution: N 3-state executions' changes through `SqliteStore.write`.

usage: .venv/bin/python bench/store_writer.py [N] [ROUNDS]
  (PYTHONPATH=<other>/src to measure another source tree the same way)

One real Standard 3-state execution (bench/api.py's THREE_STATES) is run by the engine first, and
what it stored is read back: its record, history events, checkpoint and definition. Then N
executions with the same content and their own ARNs are written as the engine writes one flush
(definition, execution, the step's events, the finished record, the checkpoint), submitted all
at once so the writer groups them as under load. Prints the process CPU time per execution
(every thread: the writer is most of it) and the wall time, per round and their medians.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from api import THREE_STATES  # noqa: E402

from statewright.engine import Clock, Engine, StartSpec  # noqa: E402
from statewright.integrations.registry import Registry  # noqa: E402
from statewright.store import SqliteStore  # noqa: E402

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:bench"


def _one_execution(folder: Path) -> tuple[Any, list[dict[str, Any]], Any, str]:
    """What the engine stores for one Standard 3-state execution."""
    store = SqliteStore(folder)
    engine = Engine(store, Registry(), Clock(1.0))
    engine.start()
    try:
        arn = MACHINE.replace(":stateMachine:", ":execution:") + ":sample"
        spec = StartSpec(arn=arn, state_machine_arn=MACHINE, state_machine_name="bench", name="sample",
                         input_text='{"n": 1}', definition_text=json.dumps(THREE_STATES),
                         role_arn="arn:aws:iam::123456789012:role/r", express=False)
        engine.start_execution(spec).result(10)
        deadline = time.monotonic() + 10
        while (record := store.get_execution(arn)) is None or record.status == "RUNNING":
            if time.monotonic() > deadline:
                raise RuntimeError("the sample execution did not finish")
            time.sleep(0.01)
        checkpoint = store.latest_checkpoint(arn)
        definition = store.get_definition(record.definition_hash)
        return record, store.history(arn, limit=-1), checkpoint, definition or ""
    finally:
        engine.close()
        store.close()


def _round(folder: Path, n: int, sample: tuple[Any, list[dict[str, Any]], Any, str]) -> tuple[float, float]:
    record, events, checkpoint, definition = sample
    store = SqliteStore(folder)
    try:
        changes = []
        for index in range(n):
            arn = f"{record.arn}-{index}"
            started = dataclasses.replace(record, arn=arn, status="RUNNING", stop_date=None)
            finished = dataclasses.replace(record, arn=arn)
            mine = [dict(event) for event in events]

            def change(tx: Any, arn: str = arn, started: Any = started, finished: Any = finished,
                       mine: list[dict[str, Any]] = mine) -> None:
                tx.put_definition(record.definition_hash, definition)
                tx.insert_execution(started)
                tx.append_events(arn, mine)
                tx.clear_pending(arn)
                tx.update_execution(finished)
                tx.put_checkpoint(arn, checkpoint.sequence, checkpoint.state)

            changes.append(change)
        cpu, wall = time.process_time(), time.perf_counter()
        futures = [store.write(change) for change in changes]
        for future in futures:
            future.result()
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        store.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        sample = _one_execution(Path(folder) / "sample")
        print(f"{len(sample[1])} events per execution; checkpoint {len(sample[2].state)} characters", flush=True)
        cpu_ms = []
        for index in range(rounds):
            cpu, wall = _round(Path(folder) / f"round{index}", n, sample)
            cpu_ms.append(cpu / n * 1000)
            print(json.dumps({"cpu_ms_per_execution": round(cpu / n * 1000, 4),
                              "executions_per_s_wall": round(n / wall)}), flush=True)
        print(json.dumps({"median_cpu_ms_per_execution": round(statistics.median(cpu_ms), 4)}))


if __name__ == "__main__":
    main()
