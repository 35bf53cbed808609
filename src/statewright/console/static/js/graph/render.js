// Draws a laid-out state machine as SVG by hand, with the states as focusable buttons.

import { buildGraph } from "../asl/graph-model.js";
import { shorten } from "../asl/conditions.js";
import { fitText, layoutGraph, MAX_NODE_WIDTH, SMALL_FONT } from "./layout.js";
import { attachViewport } from "./viewport.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const READABLE_SCALE = 0.75;
const STATUS_ICON = { succeeded: "✓", failed: "✕", caught: "!", running: "⟳", aborted: "■" };

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Rounds the corners of dagre's polyline so crossing edges are easier to follow.
function edgePath(points) {
  if (!points.length) return "";
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const n = points[i + 1];
    d += ` Q${p.x},${p.y} ${(p.x + n.x) / 2},${(p.y + n.y) / 2}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}

function markers() {
  const arrow = (id) => s("marker", {
    id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, orient: "auto-start-reverse",
    // Fixed size: a thicker "taken" edge must not get a bigger arrowhead.
    markerUnits: "userSpaceOnUse",
  }, s("path", { d: "M0,0 L10,5 L0,10 z", class: `arrow ${id}` }));
  return s("defs", {}, arrow("arrow-next"), arrow("arrow-catch"), arrow("arrow-default"), arrow("arrow-taken"));
}

function drawGroup(box) {
  const { group } = box;
  return s("rect", {
    class: `group group-${group.kind}`, x: box.x - box.width / 2, y: box.y - box.height / 2,
    width: box.width, height: box.height, rx: 10, "data-group": group.name || "",
  });
}

function drawEdge(e) {
  const { edge } = e;
  const marker = edge.kind === "catch" ? "arrow-catch" : edge.kind === "default" ? "arrow-default" : "arrow-next";
  const g = s("g", { class: `edge edge-${edge.kind}`, "data-edge": edge.id, "data-from": edge.from, "data-to": edge.to });
  g.append(s("path", { d: edgePath(e.points), "marker-end": edge.kind === "inner-end" ? null : `url(#${marker})` }));
  if (edge.shown) {
    const w = e.width;
    g.append(s("g", { class: "edge-label", transform: `translate(${e.x},${e.y})` },
      s("title", {}, edge.title),
      s("rect", { x: -w / 2, y: -9, width: w, height: 18, rx: 4 }),
      s("text", { y: 4, "text-anchor": "middle" }, edge.shown)));
  }
  return g;
}

function drawNode(box) {
  const { node } = box;
  const x = box.x - box.width / 2;
  const y = box.y - box.height / 2;
  if (node.kind === "join") {
    return s("circle", { class: "join", cx: box.x, cy: box.y, r: 5, "data-join-of": node.ownerId });
  }
  if (node.kind === "start" || node.kind === "end" || node.kind === "placeholder") {
    return s("g", { class: `terminal terminal-${node.kind}` },
      s("rect", { x, y, width: box.width, height: box.height, rx: box.height / 2 }),
      s("text", { x: box.x, y: box.y + 4, "text-anchor": "middle" }, node.label));
  }
  const missing = node.kind === "missing";
  const title = missing ? `${node.label} (not defined)` : `${node.name} (${node.type})${node.resource ? `\n${node.resource}` : ""}`;
  const g = s("g", {
    class: `node ${missing ? "node-missing" : `type-${node.type.toLowerCase()}`}`, "data-node-id": node.id,
    "data-state": node.name, "data-type": node.type || "", "data-status": "none",
    tabindex: missing ? null : 0, role: missing ? "img" : "button", "aria-label": title.replace("\n", " "),
  });
  g.append(s("title", {}, title));
  g.append(s("rect", { class: "node-box", x, y, width: box.width, height: box.height, rx: 6 }));
  g.append(s("rect", { class: "node-stripe", x, y, width: 5, height: box.height, rx: 2 }));
  g.append(s("text", { class: "node-name", x: x + 14, y: y + 19 }, fitText(missing ? node.label : node.name, MAX_NODE_WIDTH - 40)));
  const sub = missing ? "not defined" : node.type + (node.retry ? " · retry" : "");
  g.append(s("text", { class: "node-type", x: x + 14, y: y + 35 }, sub));
  g.append(s("text", { class: "node-icon", x: x + box.width - 10, y: y + 19, "text-anchor": "end" }, ""));
  g.append(s("text", { class: "node-count", x: x + box.width - 10, y: y + 35, "text-anchor": "end" }, ""));
  return g;
}

export function drawDefinition(container, definition, { onSelect, labelLength = 40 } = {}) {
  const model = buildGraph(definition);
  const layout = layoutGraph(model, (text) => fitText(shorten(text, labelLength), 260, SMALL_FONT));
  const svg = s("svg", { class: "graph", tabindex: 0, role: "group", "aria-label": "State machine graph. Use + and - to zoom, 0 to fit, arrows to pan." });
  const layer = s("g", { class: "viewport" });
  svg.append(markers(), layer);
  const depth = (g) => { let d = 0; for (let p = g.group.parent; p; p = model.groups.find((x) => x.id === p).parent) d++; return d; };
  const groups = s("g", { class: "groups" }, ...layout.groups.sort((a, b) => depth(a) - depth(b)).map(drawGroup));
  const edges = s("g", { class: "edges" }, ...layout.edges.map(drawEdge));
  const nodes = s("g", { class: "nodes" }, ...layout.nodes.map(drawNode));
  layer.append(groups, edges, nodes);
  container.replaceChildren(svg);

  const boxes = new Map(layout.nodes.map((b) => [b.node.id, b]));
  const nodeEls = [...nodes.querySelectorAll(".node[data-node-id]")];
  const viewport = attachViewport(svg, layer, layout);

  const choose = (el) => {
    if (!el || el.classList.contains("node-missing")) return;
    if (onSelect) onSelect(el.dataset.state, el.dataset.nodeId);
  };
  nodes.addEventListener("click", (event) => choose(event.target.closest(".node")));
  nodes.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose(event.target.closest(".node"));
    }
  });

  const elsFor = (name) => nodeEls.filter((el) => el.dataset.state === name);
  let selectedName = null;
  const revealSelected = () => {
    const el = selectedName !== null ? elsFor(selectedName)[0] : null;
    if (el) viewport.reveal(boxes.get(el.dataset.nodeId));
  };

  return {
    svg, model, viewport, fit: () => viewport.fit(),
    readable() {
      viewport.fit(READABLE_SCALE);
      revealSelected();
    },
    // statuses: Map of state name -> {status, count}; states not in it are "not reached".
    setStatuses(statuses, notReached = "unreached") {
      for (const el of nodeEls) {
        const info = statuses.get(el.dataset.state);
        const status = info ? info.status : notReached;
        el.dataset.status = status;
        el.querySelector(".node-icon").textContent = STATUS_ICON[status] || "";
        el.querySelector(".node-count").textContent = info && info.count > 1 ? `×${info.count}` : "";
        const label = el.getAttribute("aria-label").replace(/, status .*$/, "");
        el.setAttribute("aria-label", `${label}, status ${status}`);
      }
      // An edge was taken when both of its ends ran; joins count as their Map/Parallel.
      const ran = (id) => {
        const box = boxes.get(id);
        if (!box) return false;
        const node = box.node;
        if (node.kind === "start") return statuses.size > 0;
        if (node.kind === "join") return ran(node.ownerId);
        if (node.kind === "end") return false;
        return statuses.has(node.name);
      };
      for (const el of edges.querySelectorAll(".edge")) {
        const to = boxes.get(el.dataset.to);
        const taken = ran(el.dataset.from) && (ran(el.dataset.to) || (to && to.node.kind === "end" && statuses.size > 0 && ran(el.dataset.from)));
        el.classList.toggle("taken", Boolean(taken));
      }
      svg.classList.add("has-status");
    },
    select(name) {
      selectedName = name;
      for (const el of nodeEls) el.classList.toggle("selected", el.dataset.state === name);
      revealSelected();
    },
    // diagnostics: Map of state name -> [messages], shown as a warning mark on the node.
    setDiagnostics(diagnostics) {
      for (const el of nodeEls) {
        const messages = diagnostics.get(el.dataset.state) || [];
        el.classList.toggle("has-diagnostic", messages.length > 0);
        el.querySelector("title").textContent = el.getAttribute("aria-label") + (messages.length ? `\n⚠ ${messages.join("\n⚠ ")}` : "");
        if (messages.length && el.dataset.status === "none") el.querySelector(".node-icon").textContent = "⚠";
        if (!messages.length && el.dataset.status === "none") el.querySelector(".node-icon").textContent = "";
      }
    },
  };
}
