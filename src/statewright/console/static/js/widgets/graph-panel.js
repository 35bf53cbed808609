// The graph with its zoom toolbar and colour legend; re-drawing keeps the toolbar wired.

import { h } from "../dom.js";
import { drawDefinition } from "../graph/render.js";

const LEGEND = [
  ["succeeded", "Succeeded"], ["caught", "Caught error"], ["failed", "Failed"],
  ["running", "Running"], ["aborted", "Aborted"], ["unreached", "Not reached"],
];

export function graphPanel({ withLegend = false, onSelect } = {}) {
  const canvas = h("div", { class: "graph-canvas" });
  let graph = null;
  const button = (label, title, action) =>
    h("button", { type: "button", class: "icon", title, "aria-label": title, onclick: () => graph && action(graph) }, label);
  const toolbar = h("div", { class: "graph-toolbar", role: "toolbar", "aria-label": "Graph zoom" },
    button("+", "Zoom in (+)", (g) => g.viewport.zoomIn()),
    button("−", "Zoom out (-)", (g) => g.viewport.zoomOut()),
    button("Fit", "Fit to view (0)", (g) => g.fit()),
    button("1:1", "Actual size", (g) => g.viewport.actual()));
  const legend = withLegend
    ? h("ul", { class: "legend", "aria-label": "Colours" },
      LEGEND.map(([status, label]) => h("li", {}, h("span", { class: `swatch swatch-${status}` }), label)))
    : null;
  const el = h("div", { class: "graph-panel" }, toolbar, canvas, legend);
  let resizeObserver = null;

  return {
    el,
    draw(definition) {
      graph = drawDefinition(canvas, definition, { onSelect });
      // Fit once the panel has its size (it may be drawn before it is attached).
      requestAnimationFrame(() => graph && graph.readable());
      if (!resizeObserver && window.ResizeObserver) {
        let lastWidth = 0;
        resizeObserver = new ResizeObserver(([entry]) => {
          const w = Math.round(entry.contentRect.width);
          if (graph && w && Math.abs(w - lastWidth) > 40) graph.readable();
          lastWidth = w;
        });
        resizeObserver.observe(canvas);
      }
      return graph;
    },
    get graph() { return graph; },
    dispose() { if (resizeObserver) resizeObserver.disconnect(); },
  };
}
