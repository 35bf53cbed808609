"""Before/after of "kill -9 and restart with 10,000 open executions", alternating source trees.

usage: .venv/bin/python bench/restart_ab.py BASE_SRC [ROUNDS] [--count N]
       .venv/bin/python bench/restart_ab.py --profile OUT [--gil] [--count N] [--seconds S]
  BASE_SRC: a `src` directory of the code to compare against (for example
  `git archive <commit> src | tar -x -C /tmp/base`, then /tmp/base/src); the branch is this tree.

Each round runs bench/api.py's `open_waits_and_restart` on a fresh server of each side (base,
branch, base, branch, ...), so both see the same machine load; prints one JSON line per sample
and the medians per side. `--profile` runs this tree once with the restarted process under
py-spy (`.venv/bin/pip install py-spy`), all threads, collapsed stacks written to OUT.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api  # noqa: E402

KEYS = ("restart_answer_s", "resume_all_s", "resumed", "start_per_s")


def _option(name: str, default: str) -> str:
    if name in sys.argv:
        at = sys.argv.index(name)
        value = sys.argv[at + 1]
        del sys.argv[at:at + 2]
        return value
    return default


def _sample(side: str, src: str | None, count: int, prefix: list[str] | None = None) -> dict:
    result = api.open_waits_and_restart(count, {"PYTHONPATH": src} if src else None, prefix)
    return {"side": side, **{key: result.get(key) for key in KEYS}}


def main() -> None:
    count = int(_option("--count", "10000"))
    seconds = _option("--seconds", "12")
    profile = _option("--profile", "")
    gil = "--gil" in sys.argv  # only the thread holding the GIL: where the one interpreter's CPU goes
    if gil:
        sys.argv.remove("--gil")
    if profile:
        spy = str(HERE.parent / ".venv" / "bin" / "py-spy")
        prefix = [spy, "record", "--threads", *(["--gil"] if gil else ["--idle"]), "--rate", "200", "--duration", seconds,
                  "--format", "raw", "--output", profile, "--"]
        print(json.dumps(_sample("branch", None, count, prefix)), flush=True)
        return
    base_src = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    samples = []
    for _ in range(rounds):
        for side, src in (("base", base_src), ("branch", None)):
            sample = _sample(side, src, count)
            print(json.dumps(sample), flush=True)
            samples.append(sample)
    for side in ("base", "branch"):
        mine = [s for s in samples if s["side"] == side]
        print(json.dumps({"side": side, "median": {
            key: statistics.median(s[key] for s in mine) for key in KEYS}}))


if __name__ == "__main__":
    main()
