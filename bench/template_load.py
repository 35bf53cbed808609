"""How long reading a template takes, by phase: import, parse, SAM transform, cfn-lint, resolve.

Run: .venv/bin/python bench/template_load.py [template ...]
(default: the transaction-processor example and the test fixtures). Prints milliseconds per phase;
each template is loaded `--repeat` times in this process after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = [ROOT / "examples" / "transaction-processor" / "template.yaml",
            *sorted((ROOT / "tests" / "template" / "fixtures").glob("*/template.*"))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("templates", nargs="*", type=Path, default=DEFAULTS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    import statewright.template.transform  # noqa: F401
    from statewright.template.lint import lint
    print(f"import statewright.template: {_ms(time.perf_counter() - started)} ms")
    started = time.perf_counter()
    lint("Resources:\n  L: {Type: AWS::Logs::LogGroup}\n", region="us-east-1")
    print(f"first cfn-lint call (loads its schemas): {_ms(time.perf_counter() - started)} ms")

    print(f"{'template':40} {'parse':>8} {'lint':>8} {'no-lint':>8} {'total':>8} {'cached':>8}"
          f"   (ms, median of {args.repeat}; lint = one pass over the file)")
    for path in args.templates:
        _measure(path, args.repeat)


def _measure(path: Path, repeat: int) -> None:
    from statewright.template import load_stack
    from statewright.template.lint import lint
    from statewright.template.loader import parse_template

    text = path.read_text()
    load_stack(path)  # warm-up
    parse = _median(repeat, lambda: parse_template(text, str(path)))
    linting = _median(repeat, lambda: lint(text, region="us-east-1"))
    without = _median(repeat, lambda: load_stack(path, run_lint=False))
    total = _median(repeat, lambda: load_stack(path))
    with tempfile.TemporaryDirectory() as cache:
        load_stack(path, lint_cache_dir=Path(cache))
        cached = _median(repeat, lambda: load_stack(path, lint_cache_dir=Path(cache)))
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    print(f"{name[-40:]:40} {_ms(parse)} {_ms(linting)} {_ms(without)} {_ms(total)} {_ms(cached)}")


def _median(repeat: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
