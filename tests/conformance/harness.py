"""Run the AWS-recorded conformance cases through the in-process runner and compare.

The comparison is the one of `../shared/conformance/run.py` (imported from there, not copied):
status, then output (SUCCEEDED) or error and cause, then history event types — as a multiset
where Parallel or Map make the order vary.
"""

from __future__ import annotations

import collections
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from statewright.asl.definition import parse_definition
from statewright.integrations.runner import run

SHARED = Path(__file__).resolve().parents[3] / "shared" / "conformance"
CASES_FILE = SHARED / "cases.jsonl"
NOW = 1_700_000_000.0


def load_cases() -> list[dict[str, Any]]:
    if not CASES_FILE.exists():
        return []
    return [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]


def official_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("conformance_run", SHARED / "run.py")
    if spec is None or spec.loader is None:
        raise ImportError("cannot load run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(case: dict[str, Any], ref: ModuleType, record: bool = True) -> tuple[bool, str]:
    """(passed, why) for one execution case.

    `record=False` runs it as an unrecorded Express run would (no history, fast paths on) and
    checks everything but the events.
    """
    expected = case["expected"]
    if expected["status"] == "RUNNING":
        return True, "skipped: AWS recorded a still-running execution"
    wild = ref.wildcards(case)
    case_input = {} if case.get("input_omitted") else case["input"]
    result = run(parse_definition(case["definition"], check=False), case_input, now=NOW, name="exec",
                 state_machine="sm", execution_type=case.get("execution_type") or "STANDARD",
                 record=record)
    if result.status != expected["status"]:
        return False, f"status {result.status} != {expected['status']} ({result.error}: {result.cause})"
    if expected["status"] == "SUCCEEDED" and "output" in expected:
        if not ref.same(expected["output"], result.output, wild):
            return False, f"output {json.dumps(result.output)[:400]} != {json.dumps(expected['output'])[:400]}"
    if expected["status"] != "SUCCEEDED":
        got = {"error": result.error, "cause": result.cause}
        for key in ("error", "cause"):
            if key in expected and not ref.same(expected[key], got[key], wild):
                return False, f"{key} {str(got[key])[:400]!r} != {str(expected[key])[:400]!r}"
    want = expected.get("event_types")
    if record and case.get("start_method") != "start_sync_execution" and want and not ref.events_reordered(case):
        got_types = [e["type"] for e in result.events]
        same = (collections.Counter(got_types) == collections.Counter(want)) if ref.order_free(case) \
            else got_types == want
        if not same:
            return False, f"events {got_types} != {want}"
    return True, ""


def run_test_state_case(case: dict[str, Any], ref: ModuleType) -> tuple[bool, str]:
    """(passed, why) for one TestState case, compared as run.py compares them."""
    from statewright.asl.teststate import test_state

    request = case.get("request") or {}
    variables = request.get("variables")
    response = test_state(case["definition"], case["input"], state_name=request.get("stateName"),
                          inspection_level=request.get("inspectionLevel", "INFO"), now=NOW,
                          variables=json.loads(variables) if isinstance(variables, str) else variables)
    expected = case["expected_response"]
    if response.get("status") != expected.get("status"):
        return False, f"status {response.get('status')} != {expected.get('status')} ({response})"
    for key in ("output", "error", "cause", "nextState"):
        if key in expected and not ref.same(expected[key], response.get(key)):
            return False, f"{key} {response.get(key)!r} != {expected[key]!r}"
    return True, ""


def area(case: dict[str, Any]) -> str:
    tid = case["test_id"].split("[")[0]
    return tid.split("/v2/")[1].split("/")[0].split("::")[0]


def main() -> None:
    """Print the score per area, as docs/conformance.md records it."""
    ref = official_runner()
    per_area: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    failures = []
    for case in load_cases():
        runner = run_test_state_case if case.get("kind") == "test_state" else run_case
        try:
            ok, why = runner(case, ref)
        except Exception as exc:  # noqa: BLE001 - a crash is a failed case in the report
            ok, why = False, f"crash {type(exc).__name__}: {exc}"
        per_area[area(case)][0] += ok
        per_area[area(case)][1] += 1
        if not ok:
            failures.append((case["id"], why))
    for case_id, why in failures:
        print(f"FAIL {case_id}\n     {why[:600]}")
    for name, (ok, total) in sorted(per_area.items()):
        print(f"{name:32s} {ok:4d}/{total}")
    passed = sum(v[0] for v in per_area.values())
    total = sum(v[1] for v in per_area.values())
    print(f"conformance (in-process): {passed}/{total}")


if __name__ == "__main__":
    main()
