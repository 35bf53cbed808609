// CloudWatch Logs: log groups, and one group's events with its streams, a filter pattern, a
// time range and a live tail (FilterLogEvents polled every 2 s). Everything is in the URL, so
// an execution or an invocation can link straight to its log lines.

import { allPages, logs } from "../api.js";
import { errorNotice, formatDate, h, notice, replace } from "../dom.js";
import { href, updateParams } from "../router.js";
import { listTable, viewHeader } from "../widgets/list-table.js";
import { logLine, logLines } from "../widgets/log-lines.js";

const RANGES = { "5m": 5 * 60e3, "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, all: null };
const TAIL_MS = 2000;

export async function logGroupsView(root) {
  const body = h("div", {}, notice("loading", "Loading log groups…"));
  replace(root, viewHeader("Log groups"), body);
  let groups;
  try {
    groups = await allPages(logs, "DescribeLogGroups", {}, "logGroups");
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  if (!groups.length) {
    replace(body, notice("empty", "No log groups", "Lambda functions write to /aws/lambda/<name> when they run."));
    return;
  }
  replace(body, listTable("log-groups", "Log groups", ["Name", "Retention", "Stored", "Created"], groups.map((g) => [
    h("a", { href: href(["logs", g.logGroupName]) }, g.logGroupName),
    g.retentionInDays ? `${g.retentionInDays} days` : "never expire", `${g.storedBytes || 0} bytes`,
    formatDate(g.creationTime ? new Date(g.creationTime) : null)])));
}

function controls(params, onChange) {
  const filter = h("input", { id: "log-filter", type: "search", value: params.filter || "", placeholder: "filter pattern, e.g. ERROR or \"RequestId\"", size: 36 });
  const range = h("select", { id: "log-range" }, Object.keys(RANGES).map((k) =>
    h("option", { value: k, selected: k === (params.range || "all") }, k === "all" ? "all time" : `last ${k}`)));
  const tail = h("input", { id: "log-tail", type: "checkbox", checked: params.tail === "1" });
  const form = h("form", { class: "filters", role: "search", onsubmit: (e) => { e.preventDefault(); onChange(); } },
    h("div", {}, h("label", { for: "log-filter" }, "Filter pattern"), filter),
    h("div", {}, h("label", { for: "log-range" }, "Time range"), range),
    h("label", { class: "radio", for: "log-tail" }, tail, " Live tail"),
    h("button", { type: "submit", class: "primary" }, "Search"));
  range.addEventListener("change", onChange);
  tail.addEventListener("change", onChange);
  return { form, read: () => ({ filter: filter.value.trim(), range: range.value, tail: tail.checked ? "1" : "" }) };
}

export async function logGroupView(root, { segments, params }) {
  const group = segments[1];
  const header = viewHeader(group, { crumb: ["Log groups", href(["logs"])] });
  const streamsEl = h("nav", { class: "streams", "aria-label": "Log streams" });
  const eventsEl = h("div", { class: "log-events" }, notice("loading", "Loading events…"));
  let state = { ...params };
  let timer = null;
  let seen = new Set();
  let lastTime = 0;
  let box = null;

  const request = () => {
    const body = { logGroupName: group, limit: 1000 };
    if (state.filter) body.filterPattern = state.filter;
    if (state.stream) body.logStreamNames = [state.stream];
    if (state.start || state.end) {
      // An exact window, from a link to one execution's or invocation's log lines.
      if (state.start) body.startTime = Number(state.start);
      if (state.end) body.endTime = Number(state.end);
      return body;
    }
    const span = RANGES[state.range || "all"];
    if (span) body.startTime = Date.now() - span;
    return body;
  };
  const poll = async () => {
    try {
      const page = await logs("FilterLogEvents", { ...request(), startTime: Math.max(lastTime, request().startTime || 0) });
      const fresh = (page.events || []).filter((e) => !seen.has(e.eventId));
      for (const e of fresh) { seen.add(e.eventId); lastTime = Math.max(lastTime, e.timestamp); }
      if (fresh.length && box) {
        box.querySelector("p.muted")?.remove();
        for (const e of fresh) box.append(logLine(e));
        box.scrollTop = box.scrollHeight;
      }
    } catch { /* a missed poll is retried on the next tick */ }
    if (timer !== null) timer = setTimeout(poll, TAIL_MS);
  };
  const load = async () => {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    let events;
    try {
      events = await allPages(logs, "FilterLogEvents", request(), "events", { limit: 5000 });
    } catch (err) {
      replace(eventsEl, errorNotice(err));
      return;
    }
    seen = new Set(events.map((e) => e.eventId));
    lastTime = events.reduce((t, e) => Math.max(t, e.timestamp), 0);
    box = logLines("log-events", events);
    const windowText = state.start || state.end ? ` from ${state.start ? formatDate(new Date(Number(state.start))) : "the start"} to ${state.end ? formatDate(new Date(Number(state.end))) : "now"}` : "";
    replace(eventsEl, h("p", { class: "meta", id: "log-count" }, `${events.length} events${state.stream ? ` in ${state.stream}` : ""}${windowText}${state.tail ? " · tailing" : ""}`), box);
    box.scrollTop = box.scrollHeight;
    if (state.tail) timer = setTimeout(poll, TAIL_MS);
  };
  // Choosing a range replaces an exact window that a link brought.
  const ui = controls(params, () => { state = { ...state, ...ui.read(), start: "", end: "" }; updateParams({ ...ui.read(), start: "", end: "" }); load(); });
  const streamLink = (name, label) => h("a", {
    href: href(["logs", group], { ...state, stream: name }), "aria-current": (state.stream || "") === (name || "") ? "true" : null,
    onclick: (e) => { e.preventDefault(); state.stream = name; updateParams({ stream: name }); renderStreams(); load(); },
  }, label);
  let streams = [];
  const renderStreams = () => replace(streamsEl, h("h2", {}, "Streams"), streamLink("", "All streams"),
    streams.map((s) => streamLink(s.logStreamName, s.logStreamName)));
  replace(root, header, ui.form, h("div", { class: "logs-layout" }, streamsEl, eventsEl));
  try {
    streams = await allPages(logs, "DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true }, "logStreams", { limit: 200 });
  } catch (err) {
    replace(root, header, errorNotice(err));
    return undefined;
  }
  renderStreams();
  await load();
  return () => { if (timer !== null) clearTimeout(timer); timer = null; };
}
