"""The execution graph reads histories recorded from real AWS (../shared/conformance/) right:
every recorded run is shown without a JavaScript error, states that ran are coloured and
states that did not are "not reached"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .helpers import fragment, statuses

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases.jsonl"


def wire_events(recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recording as the wire carries it: numeric ids and epoch timestamps, JSON as text.

    The recordings replaced ids inside Parallel branches and every timestamp with placeholders.
    """
    events = []
    for i, event in enumerate(recorded, start=1):
        event = json.loads(json.dumps(event))
        event["id"] = i
        if not isinstance(event.get("previousEventId"), int):
            event["previousEventId"] = 0
        event["timestamp"] = 1700000000 + i * 0.25
        for key, details in event.items():
            if key.endswith("EventDetails") and isinstance(details, dict):
                for field in ("input", "output"):
                    if field in details and not isinstance(details[field], str):
                        details[field] = json.dumps(details[field])
        events.append(event)
    return events


def recorded_runs() -> list[dict[str, Any]]:
    if not CASES.exists():
        pytest.skip(f"the conformance recordings are not at {CASES}")
    runs = []
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        if case.get("kind") == "execution" and case.get("history_events"):
            runs.append(case)
    return runs


def entered_names(events: list[dict[str, Any]]) -> set[str]:
    return {e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e}


def test_every_recorded_aws_history_is_coloured(page: Any, fake_site: Any) -> None:
    runs = recorded_runs()
    api = fake_site.api
    shown = []
    for n, case in enumerate(runs):
        machine = api.add_machine(f"recorded-{n}", case["definition"])
        arn = api.add_execution(machine, f"run-{n}", case["expected"]["status"], wire_events(case["history_events"]))
        shown.append((case, arn))
    page.goto(fake_site.url("#/"))
    problems = {}
    for case, arn in shown:
        status = case["expected"]["status"]
        page.goto(fake_site.url(fragment("executions", arn)))
        page.wait_for_selector(f".view[data-status='{status}']")
        colours = statuses(page)
        ran = entered_names(case["history_events"])
        wrong = {name: c for name, c in colours.items() if (name in ran) == (c == "unreached")}
        if status != "RUNNING":
            wrong |= {name: c for name, c in colours.items() if c == "running"}
        if status == "FAILED" and ran and "failed" not in colours.values():
            wrong["(no failed state)"] = "none"
        if wrong:
            problems[case["id"]] = wrong
    assert problems == {}


def test_a_map_failure_caught_by_its_catch_is_shown_caught(page: Any, fake_site: Any) -> None:
    case = next(c for c in recorded_runs() if c["id"].endswith("test_map_state_catch"))
    api = fake_site.api
    machine = api.add_machine("map-catch", case["definition"])
    arn = api.add_execution(machine, "caught", "SUCCEEDED", wire_events(case["history_events"]))
    page.goto(fake_site.url(fragment("executions", arn)))
    page.wait_for_selector(".view[data-status='SUCCEEDED']")
    assert statuses(page) == {"StartState": "succeeded", "MapState": "caught", "HandleItemFail": "failed",
                              "Final": "unreached", "FinalCaught": "succeeded"}
