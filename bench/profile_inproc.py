"""Profiles Statewright's in-process engine on one workload and prints the top functions as JSON.

usage: python bench/profile_inproc.py DEFINITION.json INPUT_JSON RUNS [--history]

cProfile, warm (one run first so imports and caches are out of the picture). Shares are of
the total profiled time, by self time ("tottime") and by inclusive time ("cumtime"), so the
lead can see both where the CPU goes and which of our entry points pays for it. cProfile's
own overhead inflates small functions; the ordering, not the absolute share, is the signal.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys

from statewright.asl.definition import parse_definition
from statewright.integrations.runner import run

TOP = 12


def _name(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    if "statewright/" in filename:
        filename = "statewright/" + filename.split("statewright/", 2)[-1]
    elif filename.startswith("~"):
        return function  # a builtin, e.g. <method 'get' of 'dict' objects>
    else:
        filename = filename.rsplit("/", 1)[-1]
    return f"{filename}:{line}({function})"


def main(argv: list[str]) -> None:
    definition_file, input_text, runs_text = argv[:3]
    record = "--history" in argv[3:]
    definition = parse_definition(open(definition_file).read())
    run(definition, json.loads(input_text or "{}"), record=record, execution_type="EXPRESS")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(int(runs_text)):
        run(definition, json.loads(input_text or "{}"), record=record, execution_type="EXPRESS")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values()) or 1e-9  # type: ignore[attr-defined]
    rows = [(key, row[2], row[3], row[1]) for key, row in stats.stats.items()]  # type: ignore[attr-defined]
    by_self = sorted(rows, key=lambda r: r[1], reverse=True)[:TOP]
    by_cumulative = sorted(rows, key=lambda r: r[2], reverse=True)[:TOP]
    print(json.dumps({
        "self": [{"function": _name(k), "share": round(t / total, 3), "calls": n}
                 for k, t, _, n in by_self],
        "cumulative": [{"function": _name(k), "share": round(c / total, 3), "calls": n}
                       for k, _, c, n in by_cumulative],
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
