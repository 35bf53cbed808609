"""The graph's vocabulary: every state type, labelled Choice edges (JSONPath and JSONata),
Default, dashed Catch edges, Map and Parallel as nested groups, start and end."""

from __future__ import annotations

import json
from typing import Any

EVERYTHING = {
    "StartAt": "Pick",
    "States": {
        "Pick": {"Type": "Choice", "QueryLanguage": "JSONata", "Default": "Wait",
                 "Choices": [{"Condition": "{% $states.input.n > 3 %}", "Next": "Fan"}]},
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Next": "Each",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Broken"}],
                "Branches": [
                    {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                    {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
                                                              "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": True}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done",
                 "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}},
        "Done": {"Type": "Succeed"},
        "Broken": {"Type": "Fail", "Error": "Broken"},
    },
}


def test_the_graph_draws_every_kind_of_state_and_edge(page: Any, fake_site: Any) -> None:
    page.goto(fake_site.url("#/state-machines/new"))
    page.wait_for_selector(".create-graph svg.graph")
    page.locator("#definition").fill(json.dumps(EVERYTHING))
    page.locator("#definition").dispatch_event("change")
    page.wait_for_selector(".node[data-state='Each']")
    types = page.evaluate("Object.fromEntries([...document.querySelectorAll('.node[data-node-id]')]"
                          ".map((n) => [n.dataset.state, n.dataset.type]))")
    assert types == {"Pick": "Choice", "Wait": "Wait", "Fan": "Parallel", "Left": "Pass", "Right": "Task",
                     "Each": "Map", "One": "Pass", "Done": "Succeed", "Broken": "Fail"}
    labels = page.locator(".edge-label text").all_text_contents()
    assert "$states.input.n > 3" in labels and "Default" in labels and "Catch: States.ALL" in labels
    catch_path = page.locator(".edge-catch path")
    assert catch_path.evaluate("(p) => getComputedStyle(p).strokeDasharray") not in ("", "none")
    # Parallel: one group holding a group per branch; Map: one group holding its processor.
    assert page.locator(".group-parallel").count() == 1 and page.locator(".group-branch").count() == 2
    assert page.locator(".group-map").count() == 1
    inside = page.evaluate("""() => {
      const box = (el) => el.getBBox();
      const within = (a, b) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
      const map = box(document.querySelector('.group-map'));
      const par = box(document.querySelector('.group-parallel'));
      const node = (name) => box(document.querySelector(`.node[data-state='${name}'] .node-box`));
      return { one: within(node('One'), map), left: within(node('Left'), par), right: within(node('Right'), par),
               done: within(node('Done'), par) };
    }""")
    assert inside == {"one": True, "left": True, "right": True, "done": False}
    assert page.locator(".terminal-start").count() == 1 and page.locator(".terminal-end").count() == 1
    assert "retry" in page.locator(".node[data-state='Right'] .node-type").text_content()
