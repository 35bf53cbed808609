"""`make bench`: every workload on Statewright and each peer, alternating; medians and ratios.

Writes bench/results.json and regenerates docs/performance.md. Benchmarks are measurements,
never tests: nothing here asserts on time. Each side runs in its own fresh process per sample
(so "cold" is a real first run), and the sides alternate so that drift in the machine's speed
hits both equally. A peer whose output differs from Statewright's is reported as unsupported
for that workload rather than given a number for doing something else.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import machine  # noqa: E402  (bench/ is not a package; these are its sibling modules)
import report  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
MOTO_PYTHON = str(HERE / ".peers" / "venv" / "bin" / "python")
ALTERNATIONS = int(os.environ.get("BENCH_ALTERNATIONS", "3"))
RUNS, ROUNDS = 20, 7  # the protocol for the Node peer: 20 runs back to back, best of 7
MOTO_RUNS, MOTO_ROUNDS = 3, 1  # moto takes ~0.1-1 s per execution; keep `make bench` short

# name, definition, input file, label
WORKLOADS = [
    ("pass_chain", "200-state Pass chain (identity Pass states)"),
    ("working_chain", "200-state Pass chain, every state writes `$.n`"),
    ("choice_loop", "100-round Choice + `States.MathAdd` loop"),
    ("intrinsic_loop", "50-round loop calling 15 intrinsics per round"),
    ("jsonata_loop", "50-round JSONata loop (aggregates, sort, strings, Assign)"),
]


def _input(name: str) -> str:
    path = HERE / "workloads" / f"{name}.input.json"
    return path.read_text().strip() if path.exists() else "{}"


def _sample(command: list[str], timeout: float = 300) -> dict:
    """One fresh-process measurement; a crash becomes an error entry, not a lost benchmark."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rates(sample: dict, transitions: int, runs: int) -> dict:
    """Warm = best round of `runs` back-to-back executions; cold = the first parse+run."""
    best = min(sample["rounds_s"])
    rates = {"warm_tps": runs * transitions / best, "warm_eps": runs / best,
             "cold_tps": transitions / sample["cold_s"], "cold_s": sample["cold_s"]}
    if sample.get("rounds_cpu_s"):  # the same rounds in CPU time (moto's driver has none)
        rates["warm_cpu_tps"] = runs * transitions / max(1e-9, min(sample["rounds_cpu_s"]))
    return rates


def _median(samples: list[dict], key: str) -> float | None:
    values = [s[key] for s in samples if key in s]
    return statistics.median(values) if values else None


def measure_workload(name: str) -> dict:
    definition = str(HERE / "workloads" / f"{name}.asl.json")
    data = _input(name)
    sides: dict[str, list[dict]] = {"statewright": [], "statewright_history": [], "node": [],
                                    "moto": []}
    problems: dict[str, str] = {}
    expected = None
    transitions = 0
    for _ in range(ALTERNATIONS):
        ours = _sample([PYTHON, str(HERE / "inproc.py"), definition, data, str(RUNS), str(ROUNDS)])
        if "error" in ours:
            raise SystemExit(f"Statewright failed on {name}: {ours['error']}")
        expected, transitions = ours["output"], ours["transitions"]
        sides["statewright"].append(_rates(ours, transitions, RUNS))
        history = _sample([PYTHON, str(HERE / "inproc.py"), definition, data, str(RUNS),
                           str(ROUNDS), "--history"])
        sides["statewright_history"].append(_rates(history, transitions, RUNS))
        for peer, command, runs in (
                ("node", ["node", str(HERE / "peer_node.mjs"), definition, data, str(RUNS),
                          str(ROUNDS)], RUNS),
                ("moto", [MOTO_PYTHON, str(HERE / "peer_moto.py"), definition, data,
                          str(MOTO_RUNS), str(MOTO_ROUNDS)], MOTO_RUNS)):
            if peer in problems:
                continue  # it could not run this workload; do not pay for it again
            theirs = _sample(command)
            if "rounds_s" not in theirs:  # the driver itself failed
                problems[peer] = "fails: " + str(theirs.get("error"))
            elif theirs.get("status", "SUCCEEDED") != "SUCCEEDED":
                problems[peer] = f"fails: {theirs.get('error')}: {theirs.get('cause')}"
            elif theirs["output"] != expected:
                problems[peer] = "unsupported: returns a different output"
            else:
                sides[peer].append(_rates(theirs, transitions, runs))
    result: dict = {"name": name, "transitions": transitions, "output": expected, "sides": {}}
    for side, samples in sides.items():
        result["sides"][side] = (
            {"problem": problems[side]} if side in problems else
            {key: _median(samples, key) for key in ("warm_tps", "warm_eps", "cold_tps", "cold_s",
                                                     "warm_cpu_tps")})
    return result


def profile(name: str, history: bool = False) -> dict:
    command = [PYTHON, str(HERE / "profile_inproc.py"), str(HERE / "workloads" / f"{name}.asl.json"),
               _input(name), "50"] + (["--history"] if history else [])
    return _sample(command)


def main() -> None:
    if "--render-only" in sys.argv:  # re-render docs from the last results (after editing notes)
        results = json.loads((HERE / "results.json").read_text())
        (ROOT / "docs" / "performance.md").write_text(report.render(results))
        return
    started = time.monotonic()
    results: dict = {"machine": machine.describe(), "in_process": [], "api": None,
                     "profiles": {}}
    for name, label in WORKLOADS:
        print(f"in-process: {name} …", flush=True)
        entry = measure_workload(name)
        entry["label"] = label
        results["in_process"].append(entry)
    for entry in results["in_process"]:
        if not report.in_process_met(entry):
            results["profiles"][entry["name"]] = profile(entry["name"])
    print("API workloads …", flush=True)
    import api  # noqa: PLC0415  (only needed once the in-process part is done)
    import limits  # noqa: PLC0415
    results["api"] = api.measure_all({e["name"]: e["transitions"] for e in results["in_process"]})
    results["limits"] = limits.measure()
    print("task app: purchase flow …", flush=True)
    import app_flow  # noqa: PLC0415
    try:
        results["app"] = app_flow.measure()
    except Exception as error:  # noqa: BLE001 - reported as a failed row, not a lost run
        results["app"] = {"error": str(error)[:200]}
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (ROOT / "docs" / "performance.md").write_text(report.render(results))
    print(f"wrote bench/results.json and docs/performance.md in {results['elapsed_s']} s")


if __name__ == "__main__":
    main()
