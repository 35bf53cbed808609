"""Every real-world definition in the shared corpus is drawn with every state visible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .helpers import wait_until

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "workflows-collection"

# Runs in the page right after the definition is pasted: the graph is drawn synchronously,
# so the checks see the finished SVG. Returns what a person would notice was wrong.
CHECK_DRAWING = """
(text) => {
  const source = document.getElementById('definition');
  source.value = text;
  source.dispatchEvent(new Event('change'));
  const svg = document.querySelector('.create-graph svg.graph');
  if (!svg) return { error: 'no graph drawn' };
  const boxes = [...svg.querySelectorAll('.node[data-node-id]')].map((g) => {
    const r = g.querySelector('.node-box');
    const b = { name: g.dataset.state, x: +r.getAttribute('x'), y: +r.getAttribute('y'),
                w: +r.getAttribute('width'), h: +r.getAttribute('height') };
    const client = g.getBoundingClientRect();
    b.visible = client.width > 0 && client.height > 0 && getComputedStyle(g).visibility !== 'hidden';
    return b;
  });
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push([a.name, b.name]);
  }
  // Edge labels are laid out as dagre nodes too; none may cover a state.
  for (const label of svg.querySelectorAll('.edge-label')) {
    const t = label.transform.baseVal.consolidate().matrix;
    const r = label.querySelector('rect');
    const l = { x: t.e + +r.getAttribute('x'), y: t.f + +r.getAttribute('y'), w: +r.getAttribute('width'), h: +r.getAttribute('height') };
    for (const b of boxes) {
      if (l.x < b.x + b.w && b.x < l.x + l.w && l.y < b.y + b.h && b.y < l.y + l.h) overlaps.push([label.textContent, b.name]);
    }
  }
  const invalid = boxes.filter((b) => ![b.x, b.y, b.w, b.h].every(Number.isFinite)).map((b) => b.name);
  return { names: boxes.filter((b) => b.visible).map((b) => b.name), overlaps, invalid,
           edges: svg.querySelectorAll('.edge').length };
}
"""


def state_names(machine: Any) -> list[str]:
    """Every state name at every nesting level (Parallel branches, Map processors)."""
    names: list[str] = []
    states = machine.get("States", {}) if isinstance(machine, dict) else {}
    for name, state in states.items():
        names.append(name)
        if isinstance(state, dict):
            for branch in state.get("Branches", []):
                names += state_names(branch)
            names += state_names(state.get("ItemProcessor") or state.get("Iterator") or {})
    return names


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return sorted(CORPUS.glob("*.asl.json"))


def test_every_corpus_definition_is_drawn_with_every_state_visible(page: Any, fake_site: Any) -> None:
    files = corpus_files()
    assert len(files) >= 100
    page.goto(fake_site.url("#/state-machines/new"))
    page.wait_for_selector(".create-graph svg.graph")
    problems = {}
    for path in files:
        text = path.read_text()
        result = page.evaluate(CHECK_DRAWING, text)
        expected = sorted(state_names(json.loads(text)))
        found = sorted(result.get("names", []))
        if result.get("error") or found != expected or result["overlaps"] or result["invalid"] or not result["edges"]:
            problems[path.name] = {k: v for k, v in result.items() if k != "names"} | {
                "missing": sorted(set(expected) - set(found))}
    assert problems == {}


def test_a_machine_of_150_states_stays_usable(page: Any, fake_site: Any) -> None:
    states: dict[str, Any] = {}
    for i in range(150):
        if i % 10 == 5:
            states[f"Decide{i}"] = {"Type": "Choice", "Default": f"S{i + 1}",
                                    "Choices": [{"Variable": "$.n", "NumericEquals": i, "Next": "Done"}]}
        else:
            states[f"S{i}" if i else "S0"] = {"Type": "Pass", "Next": f"S{i + 1}" if i % 10 != 4 else f"Decide{i + 1}"}
    states["S150"] = {"Type": "Pass", "Next": "Done"}
    states["Done"] = {"Type": "Succeed"}
    definition = {"StartAt": "S0", "States": states}
    page.goto(fake_site.url("#/state-machines/new"))
    page.wait_for_selector(".create-graph svg.graph")
    result = page.evaluate(CHECK_DRAWING, json.dumps(definition))
    assert sorted(result["names"]) == sorted(states)
    assert result["overlaps"] == []
    transform = page.locator(".create-graph .viewport")

    def scale() -> float:
        return float(transform.get_attribute("transform").rsplit("scale(", 1)[1].rstrip(")"))

    # It opens at a readable size (the top of the graph), and Fit shows all of it.
    wait_until(page, "() => document.querySelector('.create-graph .viewport').getAttribute('transform')")
    assert scale() >= 0.75
    page.get_by_role("button", name="Fit to view (0)").click()
    fitted = transform.get_attribute("transform")
    assert scale() < 0.75
    page.get_by_role("button", name="Zoom in (+)").click()
    assert transform.get_attribute("transform") != fitted
    # Keyboard: focus the graph, 0 fits again, arrows pan.
    page.locator(".create-graph svg.graph").focus()
    page.keyboard.press("0")
    assert transform.get_attribute("transform") == fitted
    page.keyboard.press("ArrowLeft")
    assert transform.get_attribute("transform") != fitted
