// A definition's graph beside its highlighted JSON, kept in step: selecting a state on
// either side highlights it on both, and validation diagnostics are pinned to their states.

import { stateForPointer } from "../asl/graph-model.js";
import { h, replace } from "../dom.js";
import { updateParams } from "../router.js";
import { findState, functionLink, logGroupLink, taskFunction } from "../services/links.js";
import { graphPanel } from "./graph-panel.js";
import { renderJson, statePointer } from "./json-view.js";

export function definitionWorkspace({ showJson = true } = {}) {
  let graph = null;
  let json = null;
  let selected = null;
  let current = null;
  const linkBox = h("p", { class: "task-links", "aria-live": "polite" });
  const panel = graphPanel({ onSelect: (name) => select(name, true) });
  const jsonBox = h("div", { class: "json-box", "aria-label": "Definition" });
  const diagBox = h("div", { class: "diagnostics", "aria-live": "polite" });
  const el = h("div", { class: showJson ? "workspace" : "workspace no-json" }, h("div", { class: "workspace-graph" }, panel.el, linkBox, diagBox),
    showJson ? jsonBox : null);

  function pointerOf(name) {
    const node = graph && graph.model.nodes.find((n) => n.kind === "state" && n.name === name);
    return node ? node.path : null;
  }

  function select(name, fromUser = false) {
    selected = name;
    if (graph) graph.select(name);
    if (json) json.highlight(pointerOf(name));
    if (fromUser) updateParams({ state: name });
    // A Task that calls a Lambda function links to it and to its logs.
    const fn = taskFunction(findState(current, name));
    replace(linkBox, fn ? [`${name} calls Lambda `, h("a", { href: functionLink(fn), class: "task-function" }, fn), " · ",
      h("a", { href: logGroupLink(`/aws/lambda/${fn}`), class: "task-logs" }, "its logs")] : null);
  }

  function show(definition, diagnostics = []) {
    current = definition;
    graph = panel.draw(definition);
    if (showJson) {
      json = renderJson(definition, {
        onSelectPointer: (pointer) => {
          const sp = statePointer(pointer);
          if (sp) select(stateForPointer(sp), true);
        },
      });
      replace(jsonBox, json.el);
    }
    setDiagnostics(diagnostics);
    if (selected) select(selected);
    return graph;
  }

  function setDiagnostics(diagnostics) {
    const byState = new Map();
    for (const d of diagnostics) {
      const name = stateForPointer(d.location);
      if (name === null) continue;
      if (!byState.has(name)) byState.set(name, []);
      byState.get(name).push(d.message);
    }
    if (graph) graph.setDiagnostics(byState);
    if (json) json.pin(diagnostics);
    replace(diagBox, diagnostics.length ? h("ul", { class: "diag-list" }, diagnostics.map((d) => {
      const name = stateForPointer(d.location);
      return h("li", { class: `diag-${String(d.severity || "ERROR").toLowerCase()}` },
        h("strong", {}, d.code || d.severity || "Problem"), " ",
        name !== null ? h("button", { type: "button", class: "link", onclick: () => select(name, true) }, name) : null,
        name !== null ? ": " : "", d.message, d.location ? h("code", { class: "muted" }, ` ${d.location}`) : null);
    })) : null);
  }

  return { el, show, select, setDiagnostics, get graph() { return graph; }, dispose: () => panel.dispose() };
}
