"""Runs one definition with Statewright in-process and prints JSON timings (mirror of peer_node.mjs).

usage: python bench/inproc.py DEFINITION.json INPUT_JSON RUNS ROUNDS [--history]

Uses the same engine path as `statewright run --repeat` (parse once, `integrations.runner.run` as an
Express execution, history only with --history). Prints {"cold_s", "rounds_s", "rounds_cpu_s",
"output", "transitions"}: cold_s is the first parse+run in this fresh process; each rounds_s entry
is the wall time of RUNS back-to-back warm runs, rounds_cpu_s the CPU time of the same rounds
(steadier than wall time on a machine shared with other work); transitions is per execution, which bench/run.py also
uses for the peers (they do not count transitions themselves).
"""

from __future__ import annotations

import json
import sys
import time

from statewright.asl.definition import parse_definition
from statewright.integrations.runner import run


def main(argv: list[str]) -> None:
    definition_file, input_text, runs_text, rounds_text = argv[:4]
    record = "--history" in argv[4:]
    text = open(definition_file).read()
    execution_input = json.loads(input_text or "{}")
    runs, rounds = int(runs_text), int(rounds_text)

    def once(definition: object) -> object:
        # A fresh copy per run, as the Node peer gets, so no run can see another's mutations.
        return run(definition, json.loads(input_text or "{}"), record=record,  # type: ignore[arg-type]
                   execution_type="EXPRESS")

    started = time.perf_counter()
    definition = parse_definition(text)
    result = once(definition)
    cold_s = time.perf_counter() - started

    rounds_s, rounds_cpu_s = [], []
    for _ in range(rounds):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            result = once(definition)
        rounds_s.append(time.perf_counter() - started)
        rounds_cpu_s.append(time.process_time() - cpu)
    del execution_input
    print(json.dumps({"cold_s": cold_s, "rounds_s": rounds_s, "rounds_cpu_s": rounds_cpu_s,
                      "output": result.output,  # type: ignore[attr-defined]
                      "status": result.status, "transitions": result.transitions}))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(sys.argv[1:])
