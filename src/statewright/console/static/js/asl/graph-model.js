// Turns an ASL definition into nodes, nested groups and typed edges, independent of layout.
// It never throws on a bad definition: a state that names a missing target gets a "missing"
// node, so a half-written machine on the "new" page still draws.

import { describeRule } from "./conditions.js";

const NESTED = new Set(["Map", "Parallel"]);

export function buildGraph(definition) {
  const graph = { nodes: [], groups: [], edges: [], byName: new Map(), problems: [] };
  let counter = 0;
  const nextId = (prefix) => `${prefix}${counter++}`;

  function addNode(node) {
    graph.nodes.push(node);
    if (node.name !== undefined && node.kind === "state") {
      if (!graph.byName.has(node.name)) graph.byName.set(node.name, []);
      graph.byName.get(node.name).push(node.id);
    }
    return node;
  }

  function addEdge(from, to, kind, label = "", title = "") {
    graph.edges.push({ id: `e${graph.edges.length}`, from, to, kind, label, title: title || label });
  }

  // Lays out one States block (top level, a Parallel branch or a Map processor).
  // Returns the node that enters it and the nodes that end it.
  function buildScope(machine, parent, pointer) {
    const states = machine && typeof machine.States === "object" && machine.States ? machine.States : {};
    const entries = {};
    const exits = {};
    const terminals = [];

    for (const [name, state] of Object.entries(states)) {
      const path = `${pointer}/States/${name}`;
      const valid = state && typeof state === "object" && !Array.isArray(state);
      const type = valid ? String(state.Type || "?") : "Invalid";
      if (!valid) graph.problems.push({ path, message: `State "${name}" is not an object` });
      const node = addNode({
        id: nextId("n"), kind: "state", name, type, parent, path, state: valid ? state : {},
        retry: valid && Array.isArray(state.Retry) && state.Retry.length > 0,
        resource: valid && typeof state.Resource === "string" ? state.Resource : "",
      });
      entries[name] = node.id;
      exits[name] = node.id;
      if (valid && NESTED.has(type)) exits[name] = buildNested(node, state, parent, path);
    }

    const targetOf = (name) => {
      if (typeof name === "string" && entries[name]) return entries[name];
      const label = `missing: ${name}`;
      const ghost = addNode({ id: nextId("x"), kind: "missing", name: String(name), label, parent });
      graph.problems.push({ path: pointer, message: `No state named "${name}"` });
      entries[name] = ghost.id;
      return ghost.id;
    };

    for (const [name, state] of Object.entries(states)) {
      if (!state || typeof state !== "object") continue;
      const from = exits[name];
      if (state.Type === "Choice") {
        (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule, i) => {
          const text = describeRule(rule);
          if (rule && rule.Next !== undefined) addEdge(from, targetOf(rule.Next), "choice", text, `Rule ${i + 1}: ${text}`);
        });
        if (state.Default !== undefined) addEdge(from, targetOf(state.Default), "default", "Default");
      } else if (state.Next !== undefined) {
        addEdge(from, targetOf(state.Next), "next");
      }
      if (state.End === true || state.Type === "Succeed" || state.Type === "Fail") terminals.push(from);
      (Array.isArray(state.Catch) ? state.Catch : []).forEach((c) => {
        const errors = Array.isArray(c && c.ErrorEquals) ? c.ErrorEquals.join(", ") : "?";
        if (c && c.Next !== undefined) addEdge(from, targetOf(c.Next), "catch", `Catch: ${errors}`);
      });
    }

    const start = machine && typeof machine.StartAt === "string" ? machine.StartAt : undefined;
    const entry = start !== undefined ? targetOf(start) : null;
    return { entry, terminals };
  }

  // Map and Parallel are a box holding the state's own node on top, the inner machine(s),
  // and a join dot at the bottom from which the state's own transitions leave.
  function buildNested(node, state, parent, path) {
    const group = { id: nextId("g"), parent, kind: node.type.toLowerCase(), stateId: node.id, name: node.name };
    graph.groups.push(group);
    node.parent = group.id;
    const join = addNode({ id: nextId("j"), kind: "join", parent: group.id, ownerId: node.id });
    const inner = [];
    if (node.type === "Parallel") {
      (Array.isArray(state.Branches) ? state.Branches : []).forEach((branch, i) => {
        const sub = { id: nextId("g"), parent: group.id, kind: "branch", index: i };
        graph.groups.push(sub);
        inner.push(buildScope(branch, sub.id, `${path}/Branches/${i}`));
      });
    } else {
      const key = state.ItemProcessor ? "ItemProcessor" : "Iterator";
      inner.push(buildScope(state[key], group.id, `${path}/${key}`));
    }
    for (const scope of inner) {
      if (scope.entry) addEdge(node.id, scope.entry, "branch");
      for (const t of scope.terminals) addEdge(t, join.id, "inner-end");
    }
    if (!inner.length) addEdge(node.id, join.id, "inner-end");
    return join.id;
  }

  const top = buildScope(definition, null, "");
  const startNode = addNode({ id: "start", kind: "start", label: "Start", parent: null });
  const endNode = addNode({ id: "end", kind: "end", label: "End", parent: null });
  if (top.entry) addEdge(startNode.id, top.entry, "start");
  for (const t of top.terminals) addEdge(t, endNode.id, "end");
  return graph;
}

// The state a validation diagnostic's JSON pointer (/States/A/Branches/0/States/B/Next) is about.
export function stateForPointer(location) {
  if (typeof location !== "string") return null;
  const parts = location.split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let name = null;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === "States") name = parts[i + 1];
  }
  return name;
}
