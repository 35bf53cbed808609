// Positions a graph model with dagre (compound graph: Map and Parallel are clusters), sizing
// every node and edge label from its text so dagre can keep them from overlapping.

const NAME_FONT = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const SMALL_FONT = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const MAX_NODE_WIDTH = 260;

let measureCtx;
export function textWidth(text, font = NAME_FONT) {
  measureCtx = measureCtx || document.createElement("canvas").getContext("2d");
  measureCtx.font = font;
  return measureCtx.measureText(String(text)).width;
}

// Cuts text to fit `max` pixels so one long state name cannot push the whole graph apart.
export function fitText(text, max, font = NAME_FONT) {
  text = String(text);
  if (textWidth(text, font) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}…`, font) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function nodeSize(node) {
  if (node.kind === "start" || node.kind === "end") return { width: 64, height: 28 };
  if (node.kind === "join") return { width: 14, height: 14 };
  if (node.kind === "placeholder") return { width: 90, height: 26 };
  const name = node.kind === "missing" ? node.label : node.name;
  const sub = node.kind === "missing" ? "not defined" : node.type;
  const width = Math.max(textWidth(name) + 40, textWidth(sub, SMALL_FONT) + 40, 120);
  return { width: Math.min(Math.ceil(width), MAX_NODE_WIDTH), height: 46 };
}

export function layoutGraph(model, fitLabel) {
  const { dagre } = window;
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 26, ranksep: 40, edgesep: 14, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));

  const childCount = new Map();
  for (const group of model.groups) {
    g.setNode(group.id, { group });
    if (group.parent) childCount.set(group.parent, (childCount.get(group.parent) || 0) + 1);
  }
  for (const node of model.nodes) {
    g.setNode(node.id, { node, ...nodeSize(node) });
    if (node.parent) childCount.set(node.parent, (childCount.get(node.parent) || 0) + 1);
  }
  // dagre gives an empty cluster no size and may misplace it; an empty branch gets a stub.
  for (const group of model.groups) {
    if (!childCount.get(group.id)) {
      const stub = { id: `${group.id}-empty`, kind: "placeholder", label: "(no states)", parent: group.id };
      model.nodes.push(stub);
      g.setNode(stub.id, { node: stub, ...nodeSize(stub) });
    }
  }
  for (const group of model.groups) if (group.parent) g.setParent(group.id, group.parent);
  for (const node of model.nodes) if (node.parent) g.setParent(node.id, node.parent);

  for (const edge of model.edges) {
    const label = edge.label ? fitLabel(edge.label) : "";
    edge.shown = label;
    const size = label ? { width: Math.ceil(textWidth(label, SMALL_FONT)) + 12, height: 18 } : { width: 0, height: 0 };
    g.setEdge(edge.from, edge.to, { edge, labelpos: "c", ...size }, edge.id);
  }

  dagre.layout(g);

  const nodes = model.nodes.map((node) => ({ ...g.node(node.id), node }));
  const groups = model.groups.map((group) => ({ ...g.node(group.id), group }));
  const edges = g.edges().map((e) => {
    const data = g.edge(e);
    return { ...data, points: data.points || [] };
  });
  const { width, height } = g.graph();
  return { nodes, groups, edges, width: width || 200, height: height || 100 };
}

export { NAME_FONT, SMALL_FONT, MAX_NODE_WIDTH };
